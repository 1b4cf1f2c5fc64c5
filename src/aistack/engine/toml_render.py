"""Values as TOML text: what aistack writes into a config.toml, on one line each (dicts become inline tables)."""

from __future__ import annotations

import datetime
import json
import math
from typing import Any

from aistack.engine.toml_syntax import _BARE


def render_key(key: str) -> str:
    return key if _BARE.fullmatch(key) else _basic(key)


def _basic(s: str) -> str:
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


def render(value: Any) -> str:
    """A value as TOML text on one line; dicts become inline tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return _basic(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(render(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        for k in value:
            if not isinstance(k, str):
                raise ValueError(f"TOML keys must be strings, not {k!r}")
        return "{" + ", ".join(f"{render_key(k)} = {render(v)}" for k, v in value.items()) + "}"
    raise ValueError(f"{value!r} cannot be written to TOML" + (" (TOML has no null)" if value is None else ""))


def kv(key: tuple[str, ...], value: Any) -> str:
    return ".".join(render_key(k) for k in key) + " = " + render(value)


def table_lines(header: tuple[str, ...], body: dict[str, Any]) -> list[str]:
    return ["[" + ".".join(render_key(k) for k in header) + "]"] + [kv((k,), v) for k, v in body.items()]
