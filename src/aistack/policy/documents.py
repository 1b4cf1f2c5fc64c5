"""The managed documents of every assistant for a profile, and their bytes (JSON, TOML), as each adapter renders
them (`managed(profile)`, at the paths its MANAGED names)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aistack.assistants import registry
from aistack.assistants.base import Adapter, ManagedFile
from aistack.engine.toml_render import render, render_key
from aistack.profile import Profile

PLATFORMS = ("linux", "darwin", "win32")


@dataclass(frozen=True)
class Managed:
    adapter: Adapter
    file: ManagedFile
    doc: dict[str, Any]

    def text(self) -> str:
        return to_text(self.file.fmt, self.doc)


def collect(profile: Profile) -> list[Managed]:
    """Every assistant's managed documents for this profile, in `setup --list` order."""
    found = []
    for adapter in registry.ADAPTERS.values():
        docs = adapter.managed(profile)
        by_key = {f.key: f for f in adapter.MANAGED}
        for key, doc in docs.items():
            if key not in by_key:  # an adapter's own mistake: it rendered a file its MANAGED does not name
                raise ValueError(f"{adapter.NAME}.managed() rendered {key!r}, which is not in its MANAGED")
            found.append(Managed(adapter, by_key[key], doc))
    return found


def to_text(fmt: str, doc: dict[str, Any]) -> str:
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "toml":
        return "\n".join(_toml_tables((), doc)).lstrip("\n") + "\n"
    raise ValueError(f"no writer for {fmt!r}")


def _toml_tables(header: tuple[str, ...], table: dict[str, Any]) -> list[str]:
    """A whole TOML document: plain values first, then each sub-table as its own [header] section."""
    plain = {k: v for k, v in table.items() if not isinstance(v, dict)}
    lines = []
    if header and (plain or not any(isinstance(v, dict) for v in table.values())):
        lines += ["", "[" + ".".join(render_key(k) for k in header) + "]"]
    lines += [f"{render_key(k)} = {render(v)}" for k, v in plain.items()]
    for key, value in table.items():
        if isinstance(value, dict):
            lines += _toml_tables((*header, key), value)
    return lines


def changes(doc: dict[str, Any]) -> list[tuple[tuple[str, ...], Any]]:
    """The document as entries to install one by one, so an admin's own keys beside them stay theirs: each
    member of a top-level table (a server, `mcp.allowed`), each other top-level value whole."""
    out: list[tuple[tuple[str, ...], Any]] = []
    for key, value in doc.items():
        if isinstance(value, dict) and value:
            out += [((key, sub), v) for sub, v in value.items()]
        else:
            out.append(((key,), value))
    return out
