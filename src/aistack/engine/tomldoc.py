"""TOML documents edited surgically: whole lines spliced in and out, everything else stays byte-identical.

tomllib validates the text and reads the values; `toml_syntax` finds each header and key/value line, once: an
edit splices the text, moves the statements after it and updates the values it changed, so a run is linear in
the size of the file and the number of edits; the text is checked against the values once, when it is dumped.
tomlkit's own editing API is not used: it adds line breaks it never takes back (a file without a final
newline, a table appended after a blank-line-terminated file, a top-level key put before a leading table) and
writes LF into CRLF files, so set-then-delete would not give back the original bytes.

How values are written (Codex's config.toml is the model):
- a dict at a path whose parent is a table (or the top level) becomes a standard table `[mcp_servers.docs]`,
  appended after the parent's last table (no header is added for a parent that has none), with a blank line
  before it; dicts inside it become inline tables;
- a top-level scalar goes after the last top-level key, or before the first table (with a blank line after);
- a scalar in a table goes after that table's last key;
- inside a user's inline table (`mcp_servers = {git = {...}}`) a member is added after its last member, in the
  table's own separator, and the other members keep their bytes.
Deleting a table removes its header, its keys and its sub-tables, and the blank line before it.

Known limits: tables inside arrays of tables (`[[x]]`) are read (get, Item paths) but not edited; an inline
table whose members are dotted keys (`{a.b = 1}`) is rewritten whole when an edit goes through that key.
"""

from __future__ import annotations

import copy
from typing import Any

from aistack.engine.document import MISSING, ParseError, Path, PathError, nest, same_value, walk
from aistack.engine.text import newline_of
from aistack.engine.toml_render import kv, render, render_key, table_lines
from aistack.engine.toml_syntax import Statements, Stmt, inline_members, load, scan

__all__ = ["TomlDocument", "render"]

Keys = tuple[str, ...]  # a path in a TOML document aistack edits: table and key names, no Item


class TomlDocument:
    def __init__(self, text: str):
        self._reload(text)

    def _reload(self, text: str) -> None:
        self._data = load(text)
        self._text = text
        self._stmts = Statements(scan(text))
        self._nl = newline_of(text)
        self._checked = True

    def dump(self) -> str:
        if not self._checked:  # every edit was made on the text and on the values: they must agree
            try:
                agree = same_value(load(self._text), self._data)
            except ParseError as err:
                raise RuntimeError(f"internal error: an edit produced invalid TOML ({err})") from err
            if not agree:
                raise RuntimeError("internal error: an edit to the TOML text did not do what it should")
            self._checked = True
        return self._text

    def get(self, path: Path) -> Any:
        found = walk(self._data, path)
        return found if found is MISSING else copy.deepcopy(found)

    def has(self, path: Path) -> bool:
        return walk(self._data, path) is not MISSING

    def set(self, path: Path, value: Any) -> None:
        if not path:
            raise PathError("the path is empty", path)
        keys = _item_free(path)
        render(value)  # refuse what TOML cannot hold before touching anything
        if walk(self._data, keys) is not MISSING:
            self._replace(keys, value)
            self._assign(keys, value)
            return
        k = len(keys) - 1
        while walk(self._data, keys[:k]) is MISSING:
            k -= 1
        parent = keys[:k]
        if not isinstance(walk(self._data, parent), dict):
            raise PathError(f"{_show(parent)} is not a table", parent)
        how, stmt = self._expression(parent)
        if how == "inline":
            inline = _written(stmt)
            self._inline(inline, inline.value[0], keys[len(inline.key):], value)
        elif isinstance(value, dict) or len(keys) - k > 1:
            header = keys if isinstance(value, dict) else keys[:-1]
            body = value if isinstance(value, dict) else {keys[-1]: value}
            self._insert(self._table_anchor(parent), table_lines(header, body), blank_before=True)
        elif how == "root":
            self._set_root_key(keys[-1], value)
        elif how == "table":
            table = _written(stmt)
            self._insert(self._stmts.block_end(table), [kv(keys[-1:], value)], blank_before=False, table=table.key)
        else:
            raise PathError(f"{_show(parent)} has no [{_show(parent)}] table to add {keys[-1]!r} to", parent)
        self._assign(keys, value)

    def delete(self, path: Path) -> None:
        if not path or walk(self._data, path) is MISSING:
            return
        keys = _item_free(path)
        how, stmt = self._expression(keys)
        if how == "inline" and _written(stmt).key != keys:
            inline = _written(stmt)
            self._inline(inline, inline.value[0], keys[len(inline.key):], MISSING)
        else:
            for start, end, blank in sorted(self._ranges_under(keys), reverse=True):
                self._cut(start, end, blank, self._root_key_owns_blank(start, keys))
        self._unassign(keys)

    # -- the values, edited beside the text ------------------------------------------------------------

    def _assign(self, path: Keys, value: Any) -> None:
        data = self._data
        for key in path[:-1]:
            data = data.setdefault(key, {})
        data[path[-1]] = copy.deepcopy(value)
        self._checked = False

    def _unassign(self, path: Keys) -> None:
        walk(self._data, path[:-1]).pop(path[-1])
        for depth in range(len(path) - 1, 0, -1):  # a table only its sub-tables defined goes with the last one
            prefix = path[:depth]
            inline = any(self._stmts.kv(prefix[:n]) for n in range(1, len(prefix) + 1))
            if walk(self._data, prefix) == {} and not inline and not self._stmts.any_under(prefix):
                walk(self._data, prefix[:-1]).pop(prefix[-1])
        self._checked = False

    # -- where things are ------------------------------------------------------------------------------

    def _ranges_under(self, path: Keys, keep: Stmt | None = None) -> list[tuple[int, int, bool]]:
        """The lines holding everything under path, as (start, end, owns the blank line before): each table
        with its own keys, and dotted keys written elsewhere. `keep`: a table to leave out."""
        under = self._stmts.under(path)
        ranges, covered = [], []
        for st in under:
            if st.kind != "kv":
                end = self._stmts.block_end(st)
                covered.append((st.start, end))
                if st is not keep:
                    ranges.append((st.start, end, True))
        for st in under:
            if st.kind == "kv" and not any(a <= st.start < b for a, b in covered):
                ranges.append((st.start, st.end, False))
        return ranges

    def _expression(self, path: Keys) -> tuple[str, Stmt | None]:
        """How the existing mapping at path is written: root, table, inline (inside a key's value), implicit."""
        if not path:
            return "root", None
        if self._stmts.in_aot(path):
            raise PathError(f"{_show(path)} is inside an array of tables, which aistack does not edit", path)
        for n in range(1, len(path) + 1):
            stmt = self._stmts.kv(path[:n])
            if stmt is not None:
                return "inline", stmt
        stmt = self._stmts.table(path)
        return ("table", stmt) if stmt is not None else ("implicit", None)

    def _table_anchor(self, parent: Keys) -> int:
        """Where a new table under parent goes: after the parent's last table, or at the end of the file."""
        mine = self._stmts.last_header_under(parent) if parent else None
        last = next((st for st in reversed(self._stmts.all) if st.kind != "kv"), None)
        if mine is None or mine is last:
            return len(self._text)
        return self._stmts.block_end(mine)

    def _root_key_owns_blank(self, start: int, path: Keys) -> bool:
        """A lone top-level key put before the first table brought a blank line after it; it takes it back."""
        root = self._stmts.root()
        first = self._stmts.first_header()
        return len(root) == 1 and root[0].start == start and root[0].key == path and first is not None

    # -- edits -----------------------------------------------------------------------------------------

    def _splice(self, start: int, end: int, new: str, table: tuple[str, ...] = ()) -> None:
        """Replace whole lines [start, end) with `new` (statements in the table `table`)."""
        text = self._text
        self._text = "".join((text[:start], new, text[end:]))
        self._stmts.splice(start, end, len(new) - (end - start), scan(new, table, start))
        i = self._stmts.position_at(start)
        if i:  # the line before may have gained or lost its line break (a file without a final newline)
            before = self._stmts.all[i - 1]
            if before.end >= start:
                n = self._text.find("\n", before.value[1] if before.kind == "kv" else before.start)
                before.end = len(self._text) if n < 0 else n + 1

    def _replace(self, path: Keys, value: Any) -> None:
        how, stmt = self._expression(path)
        if how == "inline":
            inline = _written(stmt)
            if inline.key == path:
                self._set_value(inline, inline.value[0], inline.value[1], render(value))
            else:
                self._inline(inline, inline.value[0], path[len(inline.key):], value)
            return
        if how == "table" and isinstance(value, dict):
            stmt = _written(stmt)
            end = self._stmts.block_end(stmt)
            new = self._nl.join(table_lines(path, value)) + (self._nl if self._text[:end].endswith("\n") else "")
            # The table is rewritten where it stands; its sub-tables and dotted keys elsewhere go.
            edits: list[tuple[int, int, bool | None]] = [*self._ranges_under(path, keep=stmt), (stmt.start, end, None)]
            for start, stop, blank in sorted(edits, key=lambda e: e[0], reverse=True):
                if blank is None:
                    self._splice(start, stop, new)
                else:
                    self._cut(start, stop, blank, False)
            return
        trial = TomlDocument(self._text)  # a refused set must leave this document as it was
        trial.delete(path)
        trial.set(path, value)
        self._reload(trial.dump())

    def _set_value(self, stmt: Stmt, start: int, end: int, new: str) -> None:
        """Replace text [start, end) inside the value of key/value `stmt`."""
        self._text = "".join((self._text[:start], new, self._text[end:]))
        self._stmts.resize(stmt, len(new) - (end - start))

    def _inline(self, stmt: Stmt, brace: int, rel: Keys, value: Any) -> None:
        """Set (or, with MISSING, delete) `rel` inside the inline table at `brace`, member by member."""
        text = self._text
        members, close = inline_members(text, brace)
        for i, m in enumerate(members):
            if m.key == tuple(rel[:len(m.key)]):
                if len(m.key) == len(rel):
                    if value is MISSING:
                        start = brace + 1 if len(members) == 1 else members[i - 1].value[1] if i else m.start
                        end = m.value[1] if i or len(members) == 1 else members[1].start
                        self._set_value(stmt, start, end, "")
                    else:
                        self._set_value(stmt, m.value[0], m.value[1], render(value))
                    return
                if text[m.value[0]] == "{":
                    self._inline(stmt, m.value[0], rel[len(m.key):], value)
                    return
            if m.key[:len(rel)] == tuple(rel[:len(m.key)]) or m.key[0] == rel[0]:
                self._rewrite_inline(stmt, brace, close, rel, value)  # dotted members: the table as a whole
                return
        if value is MISSING:
            return
        member = kv(rel[:1], nest(rel[1:], value))
        if members:
            sep = text[members[0].value[1]:members[1].start] if len(members) > 1 else ", "
            self._set_value(stmt, members[-1].value[1], members[-1].value[1], sep + member)
        else:
            self._set_value(stmt, brace + 1, brace + 1, text[brace + 1:close] + member)

    def _rewrite_inline(self, stmt: Stmt, brace: int, close: int, rel: Keys, value: Any) -> None:
        whole = _parse_inline(self._text[brace:close + 1])
        target = whole
        for key in rel[:-1]:
            target = target.setdefault(key, {})
        if value is MISSING:
            target.pop(rel[-1], None)
        else:
            target[rel[-1]] = value
        self._set_value(stmt, brace, close + 1, render(whole))

    def _set_root_key(self, key: str, value: Any) -> None:
        root = self._stmts.root()
        first = self._stmts.first_header()
        if root or first is None:
            self._insert(root[-1].end if root else len(self._text), [kv((key,), value)], blank_before=False)
            return
        at = first.start
        while at > 0:  # the comment lines right above the first table belong to it
            prev = self._text.rfind("\n", 0, at - 1) + 1
            if not self._text[prev:at].lstrip(" \t").startswith("#"):
                break
            at = prev
        self._splice(at, at, kv((key,), value) + self._nl * 2)

    def _insert(self, at: int, lines: list[str], blank_before: bool, table: tuple[str, ...] = ()) -> None:
        text, nl = self._text, self._nl
        blank = nl if blank_before and at > 0 else ""
        if at == len(text) and text and not text.endswith("\n"):
            chunk = nl + blank + nl.join(lines)  # the file ends without a newline, and still will
        else:
            chunk = blank + nl.join(lines) + nl
        self._splice(at, at, chunk, table)

    def _cut(self, start: int, end: int, blank_before: bool, blank_after: bool) -> None:
        """Remove whole lines [start, end), the blank line before them when they own it, and keep a file that
        ended without a newline ending without one."""
        text = self._text
        if blank_after and text.startswith(("\r\n", "\n"), end):
            end = text.index("\n", end) + 1
        if blank_before and start > 0:
            prev = text.rfind("\n", 0, start - 1) + 1
            if text[prev:start] in ("\n", "\r\n"):
                start = prev
        if end == len(text) and not text.endswith("\n") and start > 0:
            start -= 2 if text[start - 2:start] == "\r\n" else 1
        self._splice(start, end, "")


def _parse_inline(text: str) -> dict[str, Any]:
    table = load("v = " + text)["v"]
    assert isinstance(table, dict)  # the text is an inline table, as scanned
    return table


def _written(stmt: Stmt | None) -> Stmt:
    """The statement `_expression` found for a mapping it says is written inline or as a table (it always has
    one)."""
    if stmt is None:
        raise AssertionError("an inline or table expression without its statement")
    return stmt




def _show(path: Path) -> str:
    return ".".join(render_key(k) if isinstance(k, str) else str(k) for k in path) or "the top level"


def _item_free(path: Path) -> Keys:
    """The path's keys, all names: an Item (a table in an array of tables) is refused."""
    keys = tuple(k for k in path if isinstance(k, str))
    if len(keys) != len(path):
        raise PathError("arrays of tables are read, not edited, in TOML files", path)
    return keys
