"""JSON with comments and trailing commas: a tokenizer and a tree that keeps every token's offsets.

The tree is what surgical edits need: for each member its key, its value's span, its comma and the tokens
around it (comments included), so an edit can be computed as a text splice the way jsonc-parser's `modify`
does it. Values are decoded lazily by `to_python`.
"""

from __future__ import annotations

import gc
import json
import re
from dataclasses import dataclass, field
from typing import Any

from aistack.engine.document import ParseError

# Possessive quantifiers keep a long unterminated string from backtracking exponentially.
_TOKEN = re.compile(
    r"""
    [ \t\r\n]*+(?:
    (?P<str>"(?:[^"\\\x00-\x1f]++|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*+")
  | (?P<num>-?(?:0|[1-9][0-9]*+)(?:\.[0-9]++)?+(?:[eE][+-]?[0-9]++)?+)
  | (?P<punct>[{}\[\]:,])
  | (?P<lit>(?:true|false|null)(?![A-Za-z0-9_$]))
  | (?P<line>//[^\r\n]*+)
  | (?P<block>/\*.*?\*/)
  | (?P<end>\Z))
    """,
    re.VERBOSE | re.DOTALL,
)
_NUMBER_TAIL = re.compile(r"[0-9A-Za-z_.+\-]")
_MAX_DEPTH = 400

# Token kinds: the punctuation character itself, "s" string, "n" number, "l" literal, "c" comment.
COMMENT = "c"


@dataclass(slots=True)
class Node:
    kind: str  # "object", "array", "string", "number", "literal"
    start: int
    end: int
    first: int  # index of the value's first token
    last: int  # index of the value's last token
    entries: list[Entry] | None = None


@dataclass(slots=True)
class Entry:
    key: str | None  # None in arrays
    first: int  # index of the key token (objects) or of the value's first token (arrays)
    node: Node
    comma: int | None = None  # index of the comma token that follows, if any


@dataclass(slots=True)
class Tree:
    text: str
    kinds: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    root: Node | None = None  # None: the text holds only whitespace and comments


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - text.rfind("\n", 0, offset)


def _error(text: str, message: str, offset: int) -> ParseError:
    line, column = position(text, offset)
    return ParseError(message, line, column)


def _bad_token(text: str, pos: int) -> ParseError:
    char = text[pos]
    if char == '"':
        i = pos + 1
        while i < len(text):
            c = text[i]
            if c == '"':
                break
            if c in "\r\n":
                return _error(text, "unterminated string", pos)
            if c < " ":
                return _error(text, "control character in string", i)
            if c == "\\":
                if text.startswith("u", i + 1):
                    if not re.match(r"[0-9a-fA-F]{4}", text[i + 2:i + 6]):
                        return _error(text, "invalid unicode escape in string", i)
                    i += 6
                    continue
                if i + 1 >= len(text) or text[i + 1] not in '"\\/bfnrt':
                    return _error(text, "invalid escape in string", i)
                i += 2
                continue
            i += 1
        return _error(text, "unterminated string", pos)
    if text.startswith("/*", pos):
        return _error(text, "unterminated comment", pos)
    if char == "-" or char.isdigit():
        return _error(text, "invalid number", pos)
    if char.isalpha() or char == "_":
        word = re.match(r"[A-Za-z0-9_$]+", text[pos:pos + 40])
        return _error(text, f"unexpected word '{word.group(0) if word else char}'", pos)
    return _error(text, f"unexpected character {char!r}", pos)


def tokenize(text: str, strict: bool) -> Tree:
    tree = Tree(text)
    kinds, starts, ends = tree.kinds, tree.starts, tree.ends
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() != pos:
            break
        group = m.lastgroup
        assert group is not None  # every alternative of _TOKEN is a named group
        start, pos = m.span(group)
        if group == "punct":
            kind = text[start]
        elif group == "str":
            kind = "s"
        elif group == "num":
            if _NUMBER_TAIL.match(text, pos):
                raise _error(text, "invalid number", start)
            kind = "n"
        elif group == "lit":
            kind = "l"
        elif group == "end":
            return tree
        else:
            if strict:
                raise _error(text, "comments are not allowed in JSON", start)
            kind = COMMENT
        kinds.append(kind)
        starts.append(start)
        ends.append(pos)
    while text[pos] in " \t\r\n":
        pos += 1
    raise _bad_token(text, pos)


def parse_tree(text: str, strict: bool) -> Tree:
    """Tokenize and build the tree. A 10 MB config must parse fast: one loop with an explicit stack, and the
    cyclic garbage collector paused while a million small acyclic objects are created (half the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse_tree(text, strict)
    finally:
        if enabled:
            gc.enable()


def _parse_tree(text: str, strict: bool) -> Tree:
    tree = tokenize(text, strict)
    kinds, starts, ends = tree.kinds, tree.starts, tree.ends
    sig = [i for i, k in enumerate(kinds) if k != COMMENT] if COMMENT in kinds else range(len(kinds))
    ks = [kinds[i] for i in sig]
    n = len(ks)

    def error(message: str, j: int) -> ParseError:
        return _error(text, message, starts[sig[j]] if j < n else len(text))

    if n == 0:
        return tree
    if ks[0] != "{":
        raise error("the top level must be an object" if ks[0] in "snl[" else "expected a value", 0)
    root = cur = Node("object", starts[sig[0]], -1, sig[0], -1, [])
    stack: list[Node] = []
    j = 1
    while True:
        k = ks[j] if j < n else ""
        entries = cur.entries
        assert entries is not None
        if k == "," and entries and entries[-1].comma is None:
            entries[-1].comma = sig[j]
            j += 1
            continue
        close = "}" if cur.kind == "object" else "]"
        if k == close:
            if strict and entries and entries[-1].comma is not None:
                raise error("trailing commas are not allowed in JSON", sig.index(entries[-1].comma))
            cur.last = sig[j]
            cur.end = ends[cur.last]
            j += 1
            if not stack:
                break
            cur = stack.pop()
            continue
        if not k:
            raise error(f"unexpected end of file, expected '{close}'", j)
        if entries and entries[-1].comma is None:
            raise error(f"expected ',' or '{close}'", j)
        first = sig[j]
        key = None
        if close == "}":
            if k != "s":
                raise error("expected a property name in double quotes", j)
            key = decode_string(tree, first)
            j += 1
            if j >= n or ks[j] != ":":
                raise error("expected ':'", j)
            j += 1
            k = ks[j] if j < n else ""
        i = sig[j] if j < n else -1
        if k == "s" or k == "n" or k == "l":
            entries.append(Entry(key, first, Node(_SCALAR[k], starts[i], ends[i], i, i)))
            j += 1
        elif k == "{" or k == "[":
            if len(stack) >= _MAX_DEPTH:
                raise error("nesting too deep", j)
            node = Node("object" if k == "{" else "array", starts[i], -1, i, -1, [])
            entries.append(Entry(key, first, node))
            stack.append(cur)
            cur = node
            j += 1
        else:
            raise error("unexpected end of file, expected a value" if not k else "expected a value", j)
    if j < n:
        raise error("expected end of file", j)
    tree.root = root
    return tree


_SCALAR = {"s": "string", "n": "number", "l": "literal"}


def decode_string(tree: Tree, index: int) -> str:
    raw = tree.text[tree.starts[index]:tree.ends[index]]
    return raw[1:-1] if "\\" not in raw else json.loads(raw)


def to_python(tree: Tree, node: Node) -> Any:
    if node.kind == "object":
        return {e.key: to_python(tree, e.node) for e in node.entries or ()}
    if node.kind == "array":
        return [to_python(tree, e.node) for e in node.entries or ()]
    if node.kind == "string":
        return decode_string(tree, node.first)
    raw = tree.text[node.start:node.end]
    if node.kind == "literal":
        return {"true": True, "false": False, "null": None}[raw]
    return json.loads(raw)


def to_standard_json(text: str) -> str:
    """The text with every comment and trailing comma blanked out (line breaks kept, so positions hold), for a
    standard JSON parser to read."""
    tree = parse_tree(text, strict=False)
    blank = [i for i, kind in enumerate(tree.kinds) if kind == COMMENT]
    stack = [tree.root] if tree.root else []
    while stack:
        node = stack.pop()
        entries = node.entries or []
        if entries and entries[-1].comma is not None:
            blank.append(entries[-1].comma)
        stack.extend(e.node for e in entries if e.node.entries is not None)
    parts, pos = [], 0
    for i in sorted(blank):
        start, end = tree.starts[i], tree.ends[i]
        parts.append(text[pos:start])
        parts.append(re.sub(r"[^\r\n]", " ", text[start:end]))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
