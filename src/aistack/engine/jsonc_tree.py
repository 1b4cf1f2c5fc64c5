"""The tree a JSON/JSONC document is edited on: containers read one level at a time, offsets kept across splices.

A 50 MB `~/.claude.json` must be edited in about the time the standard library takes to load and dump it, in a
few times its size of memory. So the text is not tokenized into a tree of every value: a container's members
are scanned when a path first goes through it, and a value nothing asks about stays a span of text. In a
document that is strict JSON, such a span is validated and skipped by the standard library's C scanner;
otherwise (comments, trailing commas) every container is scanned at once, which validates the whole text.

An edit splices the text and `shift`s the offsets after it, so nothing is parsed again. Scanning uses the
tokens of `jsonc_syntax`; on anything invalid it raises `Invalid`, and the caller lets `jsonc_syntax.parse_tree`
say precisely what and where.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from aistack.engine.jsonc_syntax import _MAX_DEPTH, _NUMBER_TAIL, _TOKEN

_GAP_COMMENT = re.compile(r"[ \t\r\n]*+(//[^\r\n]*+|/\*.*?\*/)", re.DOTALL)
_SPACE = re.compile(r"[ \t\r\n]*+")
_KIND = {"{": "object", "[": "array"}
_SCALAR = {"str": "string", "num": "number", "lit": "literal"}


class Invalid(Exception):
    """The text is not what the document's format accepts (jsonc_syntax says where and why)."""


def _no_constant(name: str) -> Any:
    raise ValueError(name)


# Validates and skips a strict JSON value in C, dropping the values it builds as soon as they are complete.
_SKIPPER = json.JSONDecoder(object_pairs_hook=lambda pairs: None, parse_constant=_no_constant)


@dataclass(slots=True)
class Node:
    kind: str  # "object", "array", "string", "number", "literal"
    start: int
    end: int
    entries: list[Entry] | None = None  # containers: None until scanned
    index: dict[str, Entry] | None = None  # objects: key -> its last entry, built on demand


@dataclass(slots=True)
class Entry:
    key: str | None  # None in arrays
    start: int  # the key's first character (objects), the value's (arrays)
    node: Node
    comma: int | None = None  # the offset of the comma that follows, if any


def key_of(entry: Entry) -> str:
    """An object member's key (only array elements have none: asking an element for one is a bug)."""
    key = entry.key
    if key is None:
        raise AssertionError("an array element has no key")
    return key


def scanned(node: Node) -> list[Entry]:
    """The members of a container already scanned (every container an edit reaches has been)."""
    entries = node.entries
    if entries is None:
        raise AssertionError("a container's members are read before it was scanned")
    return entries


def comma_of(entry: Entry) -> int:
    """The offset of the comma after a member that another member follows (such a member always has one)."""
    comma = entry.comma
    if comma is None:
        raise AssertionError("a member followed by another has no comma")
    return comma


class Tree:
    """The text and its root object (None when the text holds only whitespace and comments)."""

    def __init__(self, text: str, strict: bool, eager: bool = False):
        self.text = text
        self.lazy = not eager  # nested containers are skipped in C: only for text known to be strict JSON
        try:
            self.root = self._scan_document(strict=True)
        except Invalid:
            if strict:
                raise
            self.lazy = False
            self.root = self._scan_document(strict=False)

    # -- scanning ------------------------------------------------------------------------------------

    def _scan_document(self, strict: bool) -> Node | None:
        text = self.text
        pos = self.gap(0, strict)[1]
        if pos == len(text):
            return None  # whitespace and comments only: an empty object
        if text[pos] != "{":
            raise Invalid
        root = Node("object", pos, -1)
        self.fill(root, strict)
        if self.gap(root.end, strict)[1] != len(text):
            raise Invalid
        return root

    def gap(self, pos: int, strict: bool = False) -> tuple[list[tuple[int, int]], int]:
        """The comments between pos and the next token, and that token's offset."""
        text = self.text
        comments: list[tuple[int, int]] = []
        while True:
            m = _GAP_COMMENT.match(text, pos)
            if m is None:
                space = _SPACE.match(text, pos)
                assert space is not None  # the pattern matches the empty string
                return comments, space.end()
            if strict:
                raise Invalid
            comments.append(m.span(1))
            pos = m.end()

    def fill(self, node: Node, strict: bool = False, depth: int = 0) -> list[Entry]:
        """Scan a container's members (node.start is its bracket), which it returns; sets node.end when it was
        unknown."""
        if depth >= _MAX_DEPTH:
            raise Invalid
        text = self.text
        entries: list[Entry] = []
        close = "}" if node.kind == "object" else "]"
        pos = self.gap(node.start + 1, strict)[1]
        while True:
            if pos >= len(text):
                raise Invalid
            if text[pos] == close:
                if strict and entries and entries[-1].comma is not None:
                    raise Invalid
                break
            if entries and entries[-1].comma is None:
                raise Invalid
            first, key = pos, None
            if close == "}":
                m = _TOKEN.match(text, pos)
                if m is None or m.lastgroup != "str" or m.start("str") != pos:
                    raise Invalid
                raw = m.group("str")
                key = raw[1:-1] if "\\" not in raw else json.loads(raw)
                pos = self.gap(m.end(), strict)[1]
                if not text.startswith(":", pos):
                    raise Invalid
                pos = self.gap(pos + 1, strict)[1]
            value, pos = self._value(pos, strict, depth)
            entry = Entry(key, first, value)
            entries.append(entry)
            pos = self.gap(pos, strict)[1]
            if text.startswith(",", pos):
                entry.comma = pos
                pos = self.gap(pos + 1, strict)[1]
        node.end = pos + 1
        node.entries = entries
        return entries

    def _value(self, pos: int, strict: bool, depth: int) -> tuple[Node, int]:
        text = self.text
        c = text[pos] if pos < len(text) else ""
        if c in _KIND:
            node = Node(_KIND[c], pos, -1)
            if self.lazy:
                try:
                    node.end = _SKIPPER.raw_decode(text, pos)[1]
                except (ValueError, RecursionError):
                    raise Invalid from None
            else:
                self.fill(node, strict, depth + 1)
            return node, node.end
        m = _TOKEN.match(text, pos)
        group = m.lastgroup if m else None
        if m is None or group is None or group not in _SCALAR or m.start(group) != pos:
            raise Invalid
        end = m.end(group)
        if group == "num" and _NUMBER_TAIL.match(text, end):
            raise Invalid
        return Node(_SCALAR[group], pos, end), end

    def entries(self, node: Node) -> list[Entry]:
        entries = node.entries
        return entries if entries is not None else self.fill(node)

    def find(self, node: Node, key: str) -> Entry | None:
        """An object's member by key: its last occurrence, as JSON.parse reads it."""
        if node.index is None:
            node.index = {key_of(e): e for e in self.entries(node)}
        return node.index.get(key)

    # -- values --------------------------------------------------------------------------------------

    def value(self, node: Node) -> Any:
        text, entries = self.text, node.entries
        if node.kind in ("object", "array"):
            if entries is None:
                return json.loads(text[node.start:node.end])  # a span nothing scanned is strict JSON
            if node.kind == "object":
                return {key_of(e): self.value(e.node) for e in entries}
            return [self.value(e.node) for e in entries]
        raw = text[node.start:node.end]
        if node.kind == "string":
            return raw[1:-1] if "\\" not in raw else json.loads(raw)
        if node.kind == "literal":
            return {"true": True, "false": False, "null": None}[raw]
        try:
            return json.loads(raw)
        except ValueError:  # an integer too long for int(): JSON.parse reads it as a float too
            return float(raw)

    # -- splices -------------------------------------------------------------------------------------

    def splice(self, *edits: tuple[int, int, str]) -> None:
        """Replace text[start:end] by new for each (start, end, new), the spans apart; the caller has already
        taken out of the tree what was inside them. Insertions at one offset go in the order given."""
        pieces: list[str] = []
        pos = 0
        ordered = sorted(edits, key=lambda e: (e[0], e[1]))
        for start, end, new in ordered:
            pieces += (self.text[pos:start], new)
            pos = end
        pieces.append(self.text[pos:])
        self.text = ""  # the old text goes before the new one is built: a large file is in memory twice, not thrice
        self.text = "".join(pieces)
        for start, end, new in reversed(ordered):
            delta = len(new) - (end - start)
            if delta and self.root is not None:
                _shift(self.root, end, delta)


def _shift(node: Node, at: int, delta: int) -> None:
    """Move every offset at or after `at` by delta (an end offset equal to `at` stays: it ends before it)."""
    if node.end <= at:
        return
    if node.start >= at:
        _move(node, delta)
        return
    node.end += delta
    entries = node.entries
    if not entries:
        return
    i = bisect_left(entries, at, key=lambda e: e.start)
    if i:
        before = entries[i - 1]
        _shift(before.node, at, delta)
        if before.comma is not None and before.comma >= at:
            before.comma += delta
    for entry in entries[i:]:
        entry.start += delta
        if entry.comma is not None:
            entry.comma += delta
        _move(entry.node, delta)


def _move(node: Node, delta: int) -> None:
    node.start += delta
    node.end += delta
    for entry in node.entries or ():
        entry.start += delta
        if entry.comma is not None:
            entry.comma += delta
        _move(entry.node, delta)
