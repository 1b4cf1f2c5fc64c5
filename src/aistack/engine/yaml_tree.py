"""Where things are in a YAML document: each mapping's keys and each sequence's items with their offsets,
taken once from ruamel.yaml's composed nodes and kept across splices (`shift`).

A value aistack inserts is known by its span only; its members are read (`fill`) when a later edit goes inside
it. A node that other places refer to (an anchor with aliases, the alias itself, a merge key `<<`) is marked
`shared`: an edit through it would change those places too.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class YNode:
    kind: str  # "map", "seq", "scalar" or "alias"
    flow: bool
    start: int  # its first character (an anchor or tag included)
    end: int  # after its last character
    entries: list[YEntry] | None = None  # maps and sequences; None until read
    shared: bool = False


@dataclass(slots=True)
class YEntry:
    key: Any  # maps: the key's text when it is a string, else a tuple that no path key equals; sequences: None
    start: int  # maps: the key's first character; block sequences: the dash; flow sequences: the value
    colon: int  # maps: the offset after the `:`; sequences: -1
    value: YNode


def scanned(node: YNode) -> list[YEntry]:
    """The entries of a collection already read (every collection an edit goes through has been)."""
    entries = node.entries
    if entries is None:
        raise AssertionError("a collection's entries are used before they were read")
    return entries


def build(node: Any, text: str, offset: int = 0) -> YNode:
    """The tree of a composed ruamel node whose marks count from `offset` in `text`."""
    seen: dict[int, int] = {}
    _count(node, seen)
    return _build(node, text, offset, seen)


def _count(node: Any, seen: dict[int, int]) -> None:
    seen[id(node)] = seen.get(id(node), 0) + 1
    if seen[id(node)] > 1:
        return
    if node.id == "mapping":
        for k, v in node.value:
            _count(k, seen)
            _count(v, seen)
    elif node.id == "sequence":
        for v in node.value:
            _count(v, seen)


def _build(node: Any, text: str, offset: int, seen: dict[int, int]) -> YNode:
    start = node.start_mark.index + offset
    shared = seen[id(node)] > 1
    if node.id == "scalar":
        end = node.end_mark.index + offset
        if node.style in ("|", ">"):
            end = start + len(text[start:end].rstrip())
        return YNode("scalar", False, start, end, shared=shared)
    kind = "map" if node.id == "mapping" else "seq"
    flow = node.flow_style is True
    entries: list[YEntry] = []
    for item in node.value:
        if kind == "map":
            k, v = item
            key_end = k.end_mark.index + offset
            colon = _colon(text, key_end)
            if colon < 0 or k.id != "scalar" or k.tag == "tag:yaml.org,2002:merge":
                shared = True  # a complex or merge key: not a mapping aistack edits
                colon = key_end
            if v.start_mark.index + offset < key_end:  # an alias: ruamel gives the anchored node itself
                value = _alias(text, colon)
            elif _nothing(v):  # `key:` and no value: ruamel marks it where the next token is
                value = YNode("scalar", False, colon, colon)
            else:
                value = _build(v, text, offset, seen)
            key = k.value if k.tag == "tag:yaml.org,2002:str" else ("not a string", k.value)
            entries.append(YEntry(key, k.start_mark.index + offset, colon, value))
        else:
            if item.start_mark.index + offset < (entries[-1].value.end if entries else start):
                shared = True  # an alias among the items: where it is written is not known
                value = YNode("alias", False, start, start, shared=True)
            elif _nothing(item) and not flow:
                shared = True  # `-` and no value: where it is written is not known
                value = YNode("scalar", False, start, start, shared=True)
            else:
                value = _build(item, text, offset, seen)
            entries.append(YEntry(None, value.start if flow else _dash(text, value.start), -1, value))
    if flow:
        end = node.end_mark.index + offset
    elif entries:
        end = max(entries[-1].value.end, entries[-1].colon)
    else:
        end = start
    return YNode(kind, flow, start, end, entries, shared)


def _nothing(node: Any) -> bool:
    return bool(node.id == "scalar" and node.value == "" and node.style is None and \
        node.start_mark.index == node.end_mark.index)


def _colon(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos + 1 if text.startswith(":", pos) else -1


def _alias(text: str, colon: int) -> YNode:
    start = colon
    while start < len(text) and text[start] in " \t":
        start += 1
    end = start
    while end < len(text) and text[end] not in " \t\r\n,]}":
        end += 1
    return YNode("alias", False, start, end, shared=True)


_DASH_LINE = re.compile(r"[ \t]*-(?=[ \t]|$)[ \t]*(#.*)?$")


def _dash(text: str, value_start: int) -> int:
    """The `-` of a block sequence item whose value starts at value_start: on its line, or on a line above
    with nothing else on it but a comment (blank and comment lines between)."""
    line_start = text.rfind("\n", 0, value_start) + 1
    before = text[line_start:value_start]
    i = len(before.rstrip(" \t")) - 1
    if i >= 0 and before[i] == "-":
        return line_start + i
    if before.strip():
        return value_start
    end = line_start - 1
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].rstrip("\r")
        if _DASH_LINE.match(line):
            return start + line.index("-")
        if line.strip() and not line.lstrip().startswith("#"):
            break
        end = start - 1
    return value_start


def empty_block_value(node: YNode) -> bool:
    """`key:` with nothing after it (a null written as nothing)."""
    return node.kind == "scalar" and node.start == node.end


def shift(node: YNode, at: int, delta: int) -> None:
    """Move every offset at or after `at` by delta (an end equal to `at` stays: it ends before it)."""
    if node.end < at or (node.end == at and node.start < at):
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
        if before.colon > at:  # the offset after its `:`: an insertion right there goes after it
            before.colon += delta
        shift(before.value, at, delta)
    for entry in entries[i:]:
        _move_entry(entry, delta)


def _move_entry(entry: YEntry, delta: int) -> None:
    entry.start += delta
    if entry.colon >= 0:
        entry.colon += delta
    _move(entry.value, delta)


def _move(node: YNode, delta: int) -> None:
    node.start += delta
    node.end += delta
    for entry in node.entries or ():
        _move_entry(entry, delta)
