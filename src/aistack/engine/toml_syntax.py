"""Where things are in a TOML file: every table header and key/value line with its offsets, indexed.

tomllib validates the text and gives the values; this scanner only has to find statements in text known to be
valid TOML, so it can be small: it skips strings, arrays and inline tables without judging them.
`Statements` keeps them in text order with indexes by key, and takes a splice without a new scan of the file.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from aistack.engine.document import ParseError

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


@dataclass(slots=True)
class Stmt:
    kind: str  # "table", "aot" (an [[array]] header) or "kv"
    key: tuple[str, ...]  # the header's path, or the key/value's full path (table path + dotted key)
    start: int  # offset of the line's start
    end: int  # offset after the line's terminator (len(text) on a last line without one)
    value: tuple[int, int] = (0, 0)  # key/value: the value's span
    in_aot: bool = False  # a key/value inside an [[array]] element


def load(text: str) -> dict[str, Any]:
    """The plain values; invalid TOML is a ParseError with tomllib's 1-based line and column."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        m = _POSITION.search(message)
        if m is None:
            raise ParseError(message, 1, 1) from None
        if m.group(1):
            line, column = int(m.group(1)), int(m.group(2))
        else:
            line = text.count("\n") + 1
            column = len(text) - text.rfind("\n")
        raise ParseError(message[: m.start()], line, column) from None


class _Scanner:
    def __init__(self, text: str):
        self.text = text
        self.i = 0

    def skip_blank(self) -> None:
        text, i = self.text, self.i
        while i < len(text) and text[i] in " \t":
            i += 1
        self.i = i

    def to_line_end(self) -> int:
        """Skip the rest of the line (spaces, a comment) and its terminator; the offset after it."""
        n = self.text.find("\n", self.i)
        self.i = len(self.text) if n < 0 else n + 1
        return self.i

    def key(self) -> tuple[str, ...]:
        parts = []
        while True:
            self.skip_blank()
            text, i = self.text, self.i
            if text[i] == '"':
                end = self.string_end(i)
                raw = text[i:end]
                # Escapes (and a literal tab, which TOML allows in a basic string) are TOML's to read.
                parts.append(raw[1:-1] if "\\" not in raw and "\t" not in raw else tomllib.loads("k = " + raw)["k"])
                self.i = end
            elif text[i] == "'":
                end = text.index("'", i + 1) + 1
                parts.append(text[i + 1:end - 1])
                self.i = end
            else:
                m = _BARE.match(text, i)
                assert m is not None
                parts.append(m.group())
                self.i = m.end()
            self.skip_blank()
            if self.i < len(text) and text[self.i] == ".":
                self.i += 1
                continue
            return tuple(parts)

    def string_end(self, i: int) -> int:
        text = self.text
        if text.startswith('"""', i) or text.startswith("'''", i):
            quote = text[i:i + 3]
            j = i + 3
            while True:
                if quote == '"""' and text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(quote, j):
                    j += 3
                    extra = 0
                    while extra < 2 and j < len(text) and text[j] == quote[0]:
                        j += 1  # up to two quotes may end the content
                        extra += 1
                    return j
                j += 1
        if text[i] == "'":
            return text.index("'", i + 1) + 1
        j = i + 1
        while text[j] != '"':
            j += 2 if text[j] == "\\" else 1
        return j + 1

    def value_end(self, i: int) -> int:
        text = self.text
        c = text[i]
        if c in "\"'":
            return self.string_end(i)
        if c in "[{":
            depth = 0
            while True:
                c = text[i]
                if c in "\"'":
                    i = self.string_end(i)
                    continue
                if c == "#":
                    i = text.find("\n", i)
                    continue
                if c in "[{":
                    depth += 1
                elif c in "]}":
                    depth -= 1
                    if depth == 0:
                        return i + 1
                i += 1
        m = re.compile(r"[^\s#,\]}]+").match(text, i)
        assert m is not None
        return m.end()


def scan(text: str, table: tuple[str, ...] = (), offset: int = 0) -> list[Stmt]:
    """The statements of valid TOML text, in order; `table` is the table the text starts in, `offset` where the
    text starts in the file."""
    s = _Scanner(text)
    stmts: list[Stmt] = []
    in_aot = False
    aots: set[tuple[str, ...]] = set()
    while s.i < len(text):
        start = s.i
        s.skip_blank()
        c = text[s.i] if s.i < len(text) else "\n"
        if c in "#\r\n":
            s.to_line_end()
            continue
        if c == "[":
            aot = text.startswith("[[", s.i)
            s.i += 2 if aot else 1
            table = s.key()
            s.i += 2 if aot else 1
            if aot:
                aots.add(table)
            in_aot = any(table[:n] in aots for n in range(1, len(table) + 1))
            stmts.append(Stmt("aot" if aot else "table", table, start + offset, s.to_line_end() + offset,
                              in_aot=in_aot))
            continue
        key = s.key()
        s.i += 1  # "="
        s.skip_blank()
        v_start = s.i
        v_end = s.value_end(v_start)
        s.i = v_end
        stmts.append(Stmt("kv", table + key, start + offset, s.to_line_end() + offset,
                          (v_start + offset, v_end + offset), in_aot))
    return stmts


@dataclass(slots=True)
class Member:
    """A key/value inside an inline table."""

    key: tuple[str, ...]  # dotted, relative to the inline table
    start: int  # the key's first character
    value: tuple[int, int]


def inline_members(text: str, start: int) -> tuple[list[Member], int]:
    """The members of the inline table whose `{` is at start, and the offset of its `}`."""
    s = _Scanner(text)
    s.i = start + 1
    members: list[Member] = []
    while True:
        s.skip_blank()
        if text[s.i] == "}":
            return members, s.i
        if text[s.i] == ",":
            s.i += 1
            continue
        first = s.i
        key = s.key()
        s.i += 1  # "="
        s.skip_blank()
        v_start = s.i
        s.i = s.value_end(v_start)
        members.append(Member(key, first, (v_start, s.i)))


class Statements:
    """A file's statements in text order, with indexes by key, kept up to date across splices."""

    def __init__(self, stmts: list[Stmt]):
        self.all = stmts
        self._tables: dict[tuple[str, ...], Stmt] = {}
        self._aots: dict[tuple[str, ...], int] = {}
        self._kvs: dict[tuple[str, ...], Stmt] = {}
        self._under: dict[tuple[str, ...], dict[int, Stmt]] = {}  # prefix -> the statements under it
        self._last: dict[tuple[str, ...], Stmt | None] = {}  # prefix -> its last header, once asked for
        for st in stmts:
            self._index(st)

    def _index(self, st: Stmt) -> None:
        if st.kind == "kv":
            self._kvs[st.key] = st
        elif st.kind == "table":
            self._tables[st.key] = st
        else:
            self._aots[st.key] = self._aots.get(st.key, 0) + 1
        for n in range(1, len(st.key) + 1):
            self._under.setdefault(st.key[:n], {})[id(st)] = st
            if st.kind != "kv":
                last = self._last.get(st.key[:n], False)
                if last is not False and (last is None or last.start < st.start):  # type: ignore[union-attr]
                    self._last[st.key[:n]] = st

    def _unindex(self, st: Stmt) -> None:
        if st.kind == "kv":
            self._kvs.pop(st.key, None)
        elif st.kind == "table":
            self._tables.pop(st.key, None)
        else:
            self._aots[st.key] -= 1
            if not self._aots[st.key]:
                del self._aots[st.key]
        for n in range(1, len(st.key) + 1):
            self._under[st.key[:n]].pop(id(st), None)
            if self._last.get(st.key[:n]) is st:
                del self._last[st.key[:n]]

    # -- questions -----------------------------------------------------------------------------------

    def table(self, key: tuple[str, ...]) -> Stmt | None:
        return self._tables.get(key)

    def kv(self, key: tuple[str, ...]) -> Stmt | None:
        return self._kvs.get(key)

    def in_aot(self, path: tuple[str, ...]) -> bool:
        """Whether path is an array of tables or inside one."""
        return any(path[:n] in self._aots for n in range(1, len(path) + 1))

    def under(self, prefix: tuple[str, ...]) -> list[Stmt]:
        """The statements whose key starts with prefix, in text order."""
        return sorted(self._under.get(prefix, {}).values(), key=lambda st: st.start)

    def any_under(self, prefix: tuple[str, ...]) -> bool:
        return bool(self._under.get(prefix))

    def last_header_under(self, prefix: tuple[str, ...]) -> Stmt | None:
        if prefix not in self._last:
            headers = [st for st in self._under.get(prefix, {}).values() if st.kind != "kv"]
            self._last[prefix] = max(headers, key=lambda st: st.start) if headers else None
        return self._last[prefix]

    def position(self, st: Stmt) -> int:
        return self.position_at(st.start)

    def position_at(self, offset: int) -> int:
        """The index of the first statement that starts at or after offset."""
        return bisect_left(self.all, offset, key=lambda s: s.start)

    def block_end(self, header: Stmt) -> int:
        """End of a table's last line of its own: its last key/value, or its header."""
        end = header.end
        for st in self.all[self.position(header) + 1:]:
            if st.kind != "kv":
                break
            end = st.end
        return end

    def root(self) -> list[Stmt]:
        """The key/values before the first table."""
        out = []
        for st in self.all:
            if st.kind != "kv":
                break
            out.append(st)
        return out

    def first_header(self) -> Stmt | None:
        return next((st for st in self.all if st.kind != "kv"), None)

    # -- splices -------------------------------------------------------------------------------------

    def splice(self, start: int, end: int, delta: int, new: list[Stmt]) -> None:
        """Text [start, end) was replaced (its length changed by delta): the statements that began in it go,
        the ones after move, `new` (already at their offsets) come in."""
        i = bisect_left(self.all, start, key=lambda s: s.start)
        j = bisect_left(self.all, end, key=lambda s: s.start) if end > start else i
        for st in self.all[i:j]:
            self._unindex(st)
        for st in self.all[j:]:
            st.start += delta
            st.end += delta
            if st.kind == "kv":
                st.value = (st.value[0] + delta, st.value[1] + delta)
        self.all[i:j] = new
        for st in new:
            self._index(st)

    def resize(self, st: Stmt, delta: int) -> None:
        """A splice inside the value of key/value `st`: it grows by delta and the statements after it move."""
        st.end += delta
        st.value = (st.value[0], st.value[1] + delta)
        for other in self.all[self.position(st) + 1:]:
            other.start += delta
            other.end += delta
            if other.kind == "kv":
                other.value = (other.value[0] + delta, other.value[1] + delta)
