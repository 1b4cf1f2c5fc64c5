"""TOML documents edited surgically: whole lines are spliced in and out, everything else stays byte-identical.

tomllib validates the text and reads the values; `toml_syntax.scan` finds each header and key/value line.
tomlkit's own editing API is not used: it adds line breaks it never takes back (a file without a final
newline, a table appended after a blank-line-terminated file, a top-level key put before a leading table) and
writes LF into CRLF files, so set-then-delete would not give back the original bytes.

How values are written (Codex's config.toml is the model):
- a dict at a path whose parent is a table (or the top level) becomes a standard table `[mcp_servers.docs]`,
  appended after the parent's last table (no header is added for a parent that has none), with a blank line
  before it; dicts inside it become inline tables;
- a top-level scalar goes after the last top-level key, or before the first table (with a blank line after);
- a scalar in a table goes after that table's last key.
Deleting a table removes its header, its keys and its sub-tables, and the blank line before it.

Known limits: editing inside an inline table (`docs = {url = "x"}`) rewrites that one value, so its inner
spacing is not kept; tables inside arrays of tables (`[[x]]`) are read (get, Item paths) but not edited.
"""

from __future__ import annotations

import copy
import datetime
import json
import math
from typing import Any

from aistack.engine.document import MISSING, Item, ParseError, Path, PathError
from aistack.engine.toml_syntax import _BARE, Stmt, load, newline_of, scan


class TomlDocument:
    def __init__(self, text: str):
        self._load(text)

    def _load(self, text: str) -> None:
        self._data = load(text)
        self._text = text
        self._stmts = scan(text)
        self._nl = newline_of(text)

    def dump(self) -> str:
        return self._text

    def get(self, path: Path) -> Any:
        found = _walk(self._data, path)
        return found if found is MISSING else copy.deepcopy(found)

    def has(self, path: Path) -> bool:
        return self.get(path) is not MISSING

    def set(self, path: Path, value: Any) -> None:
        if not path:
            raise PathError("the path is empty", path)
        _check_item_free(path)
        render(value)  # refuse what TOML cannot hold before touching anything
        if _walk(self._data, path) is not MISSING:
            self._replace(path, value)
            return
        k = len(path) - 1
        while _walk(self._data, path[:k]) is MISSING:
            k -= 1
        parent = path[:k]
        if not isinstance(_walk(self._data, parent), dict):
            raise PathError(f"{_show(parent)} is not a table", parent)
        how, stmt = self._expression(parent)
        if how == "inline":
            self._set_inline(stmt, path, value)
        elif isinstance(value, dict) or len(path) - k > 1:
            header = path if isinstance(value, dict) else path[:-1]
            body = value if isinstance(value, dict) else {path[-1]: value}
            self._insert(self._table_anchor(parent), _table_lines(header, body), blank_before=True)
        elif how == "root":
            self._set_root_key(path[-1], value)
        elif how == "table":
            self._insert(self._block_end(stmt), [_kv(path[-1:], value)], blank_before=False)
        else:
            raise PathError(f"{_show(parent)} has no [{_show(parent)}] table to add {path[-1]!r} to", parent)

    def delete(self, path: Path) -> None:
        if not path or _walk(self._data, path) is MISSING:
            return
        _check_item_free(path)
        how, stmt = self._expression(path)
        if how == "inline" and stmt.key != path:
            self._set_inline(stmt, path, MISSING)
            return
        ranges = self._ranges_under(path)
        text = self._text
        for start, end, blank in sorted(ranges, reverse=True):
            text = _cut_lines(text, start, end, blank, self._root_key_owns_blank(start, path))
        self._reload(text)

    # -- where things are ------------------------------------------------------------------------------

    def _ranges_under(self, path: Path, keep: Stmt | None = None) -> list[tuple[int, int, bool]]:
        """The lines holding everything under path, as (start, end, owns the blank line before): each table
        with its own keys, and dotted keys written elsewhere. `keep`: a table to leave out."""
        ranges, covered = [], []
        for st in self._stmts:
            if st.kind != "kv" and _under(st.key, path):
                end = self._block_end(st)
                covered.append((st.start, end))
                if st is not keep:
                    ranges.append((st.start, end, True))
        for st in self._stmts:
            if st.kind == "kv" and _under(st.key, path) and not any(a <= st.start < b for a, b in covered):
                ranges.append((st.start, st.end, False))
        return ranges

    def _expression(self, path: Path) -> tuple[str, Stmt | None]:
        """How the existing mapping at path is written: root, table, inline (inside a key's value), implicit."""
        if not path:
            return "root", None
        for st in self._stmts:
            if st.kind == "aot" and _under(path, st.key):
                raise PathError(f"{_show(path)} is inside an array of tables, which aistack does not edit", path)
        for st in self._stmts:
            if st.kind == "kv" and path[: len(st.key)] == st.key:
                return "inline", st
        for st in self._stmts:
            if st.kind == "table" and st.key == path:
                return "table", st
        return "implicit", None

    def _block_end(self, header: Stmt) -> int:
        """End of a table's last line of its own: its last key/value, or its header."""
        i = self._stmts.index(header)
        end = header.end
        for st in self._stmts[i + 1:]:
            if st.kind != "kv":
                break
            end = st.end
        return end

    def _table_anchor(self, parent: Path) -> int:
        """Where a new table under parent goes: after the parent's last table, or at the end of the file."""
        headers = [st for st in self._stmts if st.kind != "kv"]
        mine = [st for st in headers if parent and _under(st.key, parent)]
        if not mine or mine[-1] is headers[-1]:
            return len(self._text)
        return self._block_end(mine[-1])

    def _root_key_owns_blank(self, start: int, path: Path) -> bool:
        """A lone top-level key put before the first table brought a blank line after it; it takes it back."""
        root = [st for st in self._stmts if st.kind == "kv" and st.start < self._first_header_start()]
        return len(root) == 1 and root[0].start == start and root[0].key == path and \
            self._first_header_start() < len(self._text)

    def _first_header_start(self) -> int:
        return next((st.start for st in self._stmts if st.kind != "kv"), len(self._text))

    # -- edits -----------------------------------------------------------------------------------------

    def _replace(self, path: Path, value: Any) -> None:
        how, stmt = self._expression(path)
        if how == "inline":
            if stmt.key == path:
                self._reload(self._text[: stmt.value[0]] + render(value) + self._text[stmt.value[1]:])
            else:
                self._set_inline(stmt, path, value)
            return
        if how == "table" and isinstance(value, dict):
            end = self._block_end(stmt)
            new = self._nl.join(_table_lines(path, value)) + (self._nl if self._text[:end].endswith("\n") else "")
            # The table is rewritten where it stands; its sub-tables and dotted keys elsewhere go.
            edits: list[tuple[int, int, bool | None]] = [*self._ranges_under(path, keep=stmt), (stmt.start, end, None)]
            text = self._text
            for start, stop, blank in sorted(edits, key=lambda e: e[0], reverse=True):
                if blank is None:
                    text = text[:start] + new + text[stop:]
                else:
                    text = _cut_lines(text, start, stop, blank, False)
            self._reload(text)
            return
        self.delete(path)
        self.set(path, value)

    def _set_inline(self, stmt: Stmt, path: Path, value: Any) -> None:
        whole = _walk(self._data, stmt.key)
        target = whole
        for key in path[len(stmt.key):-1]:
            target = target[key]
        if value is MISSING:
            target.pop(path[-1], None)
        else:
            target[path[-1]] = value
        self._reload(self._text[: stmt.value[0]] + render(whole) + self._text[stmt.value[1]:])

    def _set_root_key(self, key: str, value: Any) -> None:
        first = self._first_header_start()
        root = [st for st in self._stmts if st.kind == "kv" and st.start < first]
        if root or first == len(self._text):
            self._insert(root[-1].end if root else len(self._text), [_kv((key,), value)], blank_before=False)
            return
        at = first
        while at > 0:  # the comment lines right above the first table belong to it
            prev = self._text.rfind("\n", 0, at - 1) + 1
            if not self._text[prev:at].lstrip(" \t").startswith("#"):
                break
            at = prev
        self._reload(self._text[:at] + _kv((key,), value) + self._nl * 2 + self._text[at:])

    def _insert(self, at: int, lines: list[str], blank_before: bool) -> None:
        text, nl = self._text, self._nl
        blank = nl if blank_before and at > 0 else ""
        if at == len(text) and text and not text.endswith("\n"):
            chunk = nl + blank + nl.join(lines)  # the file ends without a newline, and still will
        else:
            chunk = blank + nl.join(lines) + nl
        self._reload(text[:at] + chunk + text[at:])

    def _reload(self, text: str) -> None:
        try:
            self._load(text)
        except ParseError as err:  # a bug here must not pass for the user's file being broken
            raise RuntimeError(f"internal error: an edit produced invalid TOML ({err})") from err


def _cut_lines(text: str, start: int, end: int, blank_before: bool, blank_after: bool) -> str:
    """Remove whole lines [start, end), the blank line before them when they own it, and keep a file that
    ended without a newline ending without one."""
    if blank_after and text.startswith(("\r\n", "\n"), end):
        end = text.index("\n", end) + 1
    if blank_before and start > 0:
        prev = text.rfind("\n", 0, start - 1) + 1
        if text[prev:start] in ("\n", "\r\n"):
            start = prev
    if end == len(text) and not text.endswith("\n") and start > 0:
        start -= 2 if text[start - 2:start] == "\r\n" else 1
    return text[:start] + text[end:]


def _under(key: tuple[str, ...], path: Path) -> bool:
    return key[: len(path)] == tuple(path)


def _show(path: Path) -> str:
    return ".".join(str(k) for k in path) or "the top level"


def _check_item_free(path: Path) -> None:
    if any(isinstance(k, Item) for k in path):
        raise PathError("arrays of tables are read, not edited, in TOML files", path)


def _walk(data: Any, path: Path) -> Any:
    for key in path:
        if isinstance(key, Item):
            if not isinstance(data, list):
                return MISSING
            data = next((e for e in data if isinstance(e, dict) and e.get(key.key) == key.value), MISSING)
        elif isinstance(data, dict) and key in data:
            data = data[key]
        else:
            return MISSING
        if data is MISSING:
            return MISSING
    return data


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


def _kv(key: Path, value: Any) -> str:
    return ".".join(render_key(k) for k in key) + " = " + render(value)


def _table_lines(header: Path, body: dict) -> list[str]:
    return ["[" + ".".join(render_key(k) for k in header) + "]"] + [_kv((k,), v) for k, v in body.items()]
