"""The splices of a YAML edit: insert an entry, replace a value, remove an entry, in block or flow style.

Each works on a `YamlDocument`'s text and `yaml_tree` nodes (`chain`: the nodes from the top level down to the
collection edited) and leaves both up to date; the document keeps the values beside them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aistack.engine import yaml_emit as emit
from aistack.engine.document import Item, Key, PathError
from aistack.engine.yaml_tree import YEntry, YNode, scanned

if TYPE_CHECKING:
    from aistack.engine.yamldoc import YamlDocument


def _kind(value: Any) -> str:
    return "map" if isinstance(value, dict) else "seq" if isinstance(value, (list, tuple)) else "scalar"


def _node(value: Any, start: int, end: int, one_line: bool) -> YNode:
    kind = _kind(value)
    empty = kind != "scalar" and not value
    return YNode(kind, one_line and kind != "scalar", start, end, [] if empty else None)


def map_entry(doc: YamlDocument, line_start: int, column: int, key: str, value: Any) -> tuple[str, YEntry]:
    """A block mapping entry's text (its lines, no final line break) to go at line_start, and its entry."""
    key_text = emit.string(key)
    after = doc._lines(emit.block_value(value, column, doc._indent))
    text = " " * column + key_text + ":" + after
    start = line_start + column
    colon = start + len(key_text) + 1
    if after.startswith(" "):
        node = _node(value, colon + 1, colon + len(after), True)
    else:
        first = after[len(doc._nl):]
        node = _node(value, colon + len(doc._nl) + len(first) - len(first.lstrip(" ")), colon + len(after), False)
        node.entries = _children(doc, value, colon + len(doc._nl), column)
    return text, YEntry(key, start, colon, node)


def _children(doc: YamlDocument, value: Any, line_start: int, column: int) -> list[YEntry]:
    """The entries of a block value yaml_emit wrote from line_start, for the key at `column` (its own values
    are read from the text if an edit goes inside them)."""
    mapping, _, offset = doc._indent
    entries: list[YEntry] = []
    if isinstance(value, dict):
        for k, v in value.items():
            text, entry = map_entry(doc, line_start, column + mapping, k, v)
            entries.append(entry)
            line_start += len(text) + len(doc._nl)
    else:
        dash = column + offset
        content = dash - offset + doc._indent[1]
        for v in value:
            text, entry = seq_item(doc, line_start, dash, content, v)
            entries.append(entry)
            line_start += len(text) + len(doc._nl)
    return entries


def seq_item(doc: YamlDocument, line_start: int, dash: int, content: int, value: Any) -> tuple[str, YEntry]:
    text = doc._lines("\n".join(emit.sequence_lines([value], dash, doc._indent, content)))
    one_line = "\n" not in text and not isinstance(value, dict)
    return text, YEntry(None, line_start + dash, -1, _node(value, line_start + content, line_start + len(text),
                                                            one_line))


def _map_key(key: Key) -> str:
    """A key inserted into a mapping: a name (an Item selects a list's element; a mapping refused it before)."""
    if isinstance(key, Item):
        raise AssertionError("an Item used as a mapping's key")
    return key


def _root(doc: YamlDocument) -> YNode:
    """The top-level node of a document an edit goes inside (only an empty document has none)."""
    root = doc._root
    if root is None:
        raise AssertionError("an edit inside an empty YAML document")
    return root


def _flow_member(key: str | None, value: Any) -> str:
    return (emit.string(str(key), True) + ": " if key is not None else "") + emit.flow(value)


def _flow_entry(key: str | None, value: Any, start: int) -> YEntry:
    if key is None:
        text = emit.flow(value)
        return YEntry(None, start, -1, _node(value, start, start + len(text), True))
    key_text = emit.string(str(key), True)
    colon = start + len(key_text) + 1
    return YEntry(key, start, colon, _node(value, colon + 1, colon + 1 + len(emit.flow(value)), True))


def _parent_entry(chain: list[YNode]) -> YEntry | None:
    """The entry of a block mapping whose value is the last node of chain."""
    if len(chain) < 2 or chain[-2].flow or chain[-2].kind != "map":
        return None
    return next((e for e in scanned(chain[-2]) if e.value is chain[-1]), None)


def insert(doc: YamlDocument, chain: list[YNode], key: Key, value: Any) -> None:
    node = chain[-1]
    text = doc._text
    item = node.kind == "seq"
    if node.flow and not node.entries and (_parent_entry(chain) is not None or len(chain) == 1):
        _grow_into_block(doc, chain, key, value)
        return
    entries = scanned(node)
    if node.flow:
        name = None if item else _map_key(key)
        if entries:
            last = entries[-1]
            sep = text[entries[0].value.end:entries[1].start] if len(entries) > 1 else ", "
            at = last.value.end
            doc._splice(at, at, sep + _flow_member(name, value))
            entries.append(_flow_entry(name, value, at + len(sep)))
        else:
            at = node.start + 1
            inside = text[at:node.end - 1]
            doc._splice(at, at, inside + _flow_member(name, value))
            entries.append(_flow_entry(name, value, at + len(inside)))
        return
    first = entries[0]
    column = doc._column(first.start)
    at = doc._after_block(node.end, column)
    lead = doc._nl if at == len(text) and not text.endswith("\n") else ""
    if item:
        line, entry = seq_item(doc, at + len(lead), column, doc._column(first.value.start), value)
    else:
        line, entry = map_entry(doc, at + len(lead), column, _map_key(key), value)
    doc._splice(at, at, lead + line + ("" if lead else doc._nl))
    entries.append(entry)
    _settle(chain)


def _grow_into_block(doc: YamlDocument, chain: list[YNode], key: Key, value: Any) -> None:
    """`key: {}` (or `[]`) gains its first entry: the entry's lines after the key's line, whose comment stays."""
    node = chain[-1]
    parent = _parent_entry(chain)
    item = node.kind == "seq"
    if parent is None:  # the top level was `{}`
        column, start, end, rest = 0, node.start, node.end, ""
    else:
        column = doc._column(parent.start) + (doc._indent[2] if item else doc._indent[0])
        start, end = parent.colon, doc._content_end(node.end)
        rest = doc._text[node.end:end]
    lead = rest + doc._nl if parent is not None else ""
    if item:
        content = column - doc._indent[2] + doc._indent[1]
        line, entry = seq_item(doc, start + len(lead), column, content, value)
    else:
        line, entry = map_entry(doc, start + len(lead), column, _map_key(key), value)
    old_end = end
    doc._text = "".join((doc._text[:start], lead, line, doc._text[old_end:]))
    from aistack.engine.yaml_tree import shift

    shift(_root(doc), old_end, len(lead) + len(line) - (old_end - start))
    block = YNode(node.kind, False, entry.start, entry.value.end, [entry])
    if parent is None:
        doc._root = block
    else:
        parent.value = block
    _settle([*chain[:-1], block])


def replace(doc: YamlDocument, chain: list[YNode], entry: YEntry, value: Any) -> None:
    node = chain[-1]
    old = entry.value
    text = doc._text
    if node.flow:
        new = emit.flow(value)
        doc._splice(old.start, old.end, new)
        entry.value = _node(value, old.start, old.start + len(new), True)
        return
    if node.kind == "seq":
        start, end = doc._line_start(entry.start), doc._content_end(old.end)
        line, new_entry = seq_item(doc, start, doc._column(entry.start), doc._column(old.start), value)
        doc._splice(start, end, line)
        entry.value = new_entry.value
        _settle(chain)
        return
    after = doc._lines(emit.block_value(value, doc._column(entry.start), doc._indent))
    colon = entry.colon
    key_line_rest = text[colon:doc._content_end(colon)]  # spaces and a comment after `key:` (block values)
    if _empty(old) or not _block(old):  # the old value is on the key's line (or nothing is)
        old_start = colon if _empty(old) else old.start
        old_end = colon if _empty(old) else old.end
        if after.startswith(" "):
            new = after if _empty(old) else after[1:]
            doc._splice(old_start, old_end, new)
            start = old_start + (1 if _empty(old) else 0)
            entry.value = _node(value, start, old_start + len(new), True)
        else:  # block lines after the key's line, which keeps what followed the old value
            rest = text[old_end:doc._content_end(old_end)]
            doc._splice(colon, doc._content_end(old_end), rest + after)
            entry.value = _block_node(doc, value, colon + len(rest) + len(doc._nl), after[len(doc._nl):])
    elif after.startswith(" "):  # a value on the key's line instead of block lines
        doc._splice(colon, doc._content_end(old.end), after + key_line_rest)
        entry.value = _node(value, colon + 1, colon + len(after), True)
    else:  # block lines instead of block lines: the key's line stays as it is
        first = doc._line_end(colon)
        doc._splice(first, doc._content_end(old.end), after[len(doc._nl):])
        entry.value = _block_node(doc, value, first, after[len(doc._nl):])
    _settle(chain)


def _block_node(doc: YamlDocument, value: Any, line_start: int, lines: str) -> YNode:
    return _node(value, line_start + len(lines) - len(lines.lstrip(" ")), line_start + len(lines), False)


def _settle(chain: list[YNode]) -> None:
    """A block collection ends where its last entry does (after an edit at its end)."""
    for node in reversed(chain):
        if not node.flow and node.entries:
            last = node.entries[-1]
            node.end = max(last.value.end, last.colon, last.start)


def _block(node: YNode) -> bool:
    return node.kind in ("map", "seq") and not node.flow


def _empty(node: YNode) -> bool:
    return node.kind == "scalar" and node.start == node.end


def remove(doc: YamlDocument, chain: list[YNode], entry: YEntry) -> None:
    node = chain[-1]
    entries = scanned(node)
    i = next(n for n, e in enumerate(entries) if e is entry)
    if node.flow:
        if len(entries) == 1:
            start, end = node.start + 1, entry.value.end
        elif i == 0:
            start, end = entry.start, entries[1].start
        else:
            start, end = entries[i - 1].value.end, entry.value.end
        del entries[i]
        doc._splice(start, end, "")
        return
    line_start = doc._line_start(entry.start)
    if doc._text[line_start:entry.start].strip(" -") or doc._text[line_start:entry.start].count("-") > (
            1 if node.kind == "seq" else 0):
        raise PathError("the entry shares its line with another one; aistack does not take it apart", ())
    parent = _parent_entry(chain)
    if len(entries) == 1 and parent is not None:  # the last one: the key's value goes back to `{}` / `[]`
        end = doc._content_end(entry.value.end)
        rest = doc._text[parent.colon:doc._content_end(parent.colon)]
        new = " " + ("[]" if node.kind == "seq" else "{}") + rest
        old_end = end
        doc._text = "".join((doc._text[:parent.colon], new, doc._text[old_end:]))
        from aistack.engine.yaml_tree import shift

        shift(_root(doc), old_end, len(new) - (old_end - parent.colon))
        start = parent.colon + 1
        parent.value = YNode(node.kind, True, start, start + 2, [])
        _settle(chain[:-1])
        return
    del entries[i]
    if i == 0 and entries:
        node.start = entries[0].start
    end = doc._line_end(entry.value.end)
    if end == len(doc._text) and not doc._text.endswith("\n") and line_start:
        line_start -= 2 if doc._text[:line_start].endswith("\r\n") else 1  # it still ends without one
    doc._splice(line_start, end, "")
    if node is doc._root and not entries:
        doc._root = None  # only comments, blank lines and markers are left: an empty document
    _settle(chain)
