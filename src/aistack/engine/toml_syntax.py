"""Where things are in a TOML file: every table header and key/value line with its offsets.

tomllib validates the text and gives the values; this scanner only has to find statements in text known to be
valid TOML, so it can be small: it skips strings, arrays and inline tables without judging them.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass

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


def load(text: str) -> dict:
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


def newline_of(text: str) -> str:
    i = text.find("\n")
    return "\r\n" if i > 0 and text[i - 1] == "\r" else "\n"


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
                parts.append(json.loads(text[i:end]) if "\\U" not in text[i:end] and "\\e" not in text[i:end]
                             else tomllib.loads("k = " + text[i:end])["k"])
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


def scan(text: str) -> list[Stmt]:
    """The statements of valid TOML text, in order."""
    s = _Scanner(text)
    stmts: list[Stmt] = []
    table: tuple[str, ...] = ()
    in_aot = False
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
            in_aot = aot or any(st.kind == "aot" and table[: len(st.key)] == st.key for st in stmts)
            stmts.append(Stmt("aot" if aot else "table", table, start, s.to_line_end(), in_aot=in_aot))
            continue
        key = s.key()
        s.i += 1  # "="
        s.skip_blank()
        v_start = s.i
        v_end = s.value_end(v_start)
        s.i = v_end
        stmts.append(Stmt("kv", table + key, start, s.to_line_end(), (v_start, v_end), in_aot))
    return stmts
