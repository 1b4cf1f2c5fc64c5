"""Values as YAML text, the way aistack writes them into a Goose or Continue config: block style at a given
column with the file's own indent steps, or flow style inside a flow collection. A string stays plain only when
it cannot be read as anything else; otherwise it is double-quoted (JSON's escapes are YAML's too)."""

from __future__ import annotations

import datetime
import json
import math
import re
from typing import Any

# A plain scalar that reads back as the same string, in block context and in flow context.
_PLAIN_BLOCK = re.compile(r"[A-Za-z_/.(][^\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]*")
_FLOW_UNSAFE = re.compile(r"[,\[\]{}:#]")
_NOT_A_STRING = re.compile(
    r"(?i:~|null|true|false|yes|no|on|off|y|n|[-+]?\.(inf|nan)|\.[0-9].*|<<|=)$")
_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff]")


def scalar(value: Any, flow: bool = False) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        return text if "." in text or "e" in text or "inf" in text else text + ".0"
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, str):
        return string(value, flow)
    raise ValueError(f"{type(value).__name__} cannot be written to YAML")


def string(s: str, flow: bool = False) -> str:
    plain = (_PLAIN_BLOCK.fullmatch(s) and s == s.strip() and ": " not in s and " #" not in s
             and not s.endswith(":") and not _NOT_A_STRING.match(s) and not (flow and _FLOW_UNSAFE.search(s)))
    if plain:
        return s
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(s, ensure_ascii=False))


def flow(value: Any) -> str:
    """A value on one line, in flow style."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{string(str(k), True)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value, flow=True)


def block_value(value: Any, column: int, indent: tuple[int, int, int]) -> str:
    """The text after `key:` for a value whose key is at `column`: ` scalar` on the key's line, or a line break
    and the value's lines (without a final line break). Line breaks are LF: the caller writes the file's own."""
    if isinstance(value, dict) and value:
        return "\n" + "\n".join(mapping_lines(value, column + indent[0], indent))
    if isinstance(value, (list, tuple)) and value:
        return "\n" + "\n".join(sequence_lines(list(value), column + indent[2], indent))
    return " " + (flow(value) if isinstance(value, (dict, list, tuple)) else scalar(value))


def mapping_lines(value: dict[Any, Any], column: int, indent: tuple[int, int, int]) -> list[str]:
    lines = []
    for k, v in value.items():
        head = " " * column + string(str(k)) + ":"
        lines += _with_head(head, block_value(v, column, indent))
    return lines


def sequence_lines(value: list[Any], dash: int, indent: tuple[int, int, int], content: int | None = None) -> list[str]:
    """Items with their dash at column `dash`, their content at `content` (by default the sequence step from the
    parent's column)."""
    _, step, offset = indent
    content = dash - offset + step if content is None else content
    lines = []
    for v in value:
        head = " " * dash + "-" + " " * (content - dash - 1)
        if isinstance(v, dict) and v:
            inner = mapping_lines(v, content, indent)
            lines += [head + inner[0][content:], *inner[1:]]
        else:
            lines.append(head + (flow(v) if isinstance(v, (dict, list, tuple)) else scalar(v)))
    return lines


def _with_head(head: str, rest: str) -> list[str]:
    first, *more = rest.split("\n")
    return [head + first, *more]
