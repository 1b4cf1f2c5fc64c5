"""JSON and JSONC documents edited surgically: every edit is a text splice, the rest stays byte-identical.

Edits follow jsonc-parser's `modify` model: a new member is appended after the parent's last member, in the
parent's own layout (one member per line, or all on one line) and trailing-comma style; a member owns the
whitespace that precedes its key, its comma and the comments on the rest of its line, so deleting it takes
exactly those away. A member added after one whose line ends in a `//` comment starts a line of its own.
Inserted values are formatted like `json.dumps(indent=<the file's indent>)`.

A key that appears twice in an object is read, replaced and deleted at its last occurrence, as JSON.parse
reads it. `Item(key, value)` selects the first object in an array whose `key` is `value`; setting a missing
one appends it, carrying that key first. Text that is blank (or only comments) is an empty object; once its
last member is deleted it gives back that text.

The text is parsed once (`jsonc_tree`): edits splice it and move the offsets after them.

Known limit: an empty container whose inside already holds a line break (`{\n}`) gets a blank line before its
closing bracket when a member is added, so that deleting the member can give back the original bytes (the
output of adding to `{}` and to `{\n}` would otherwise be the same text).
"""

from __future__ import annotations

import json
import math
from typing import Any

from aistack.engine.document import MISSING, Item, Key, ParseError, Path, PathError, nest, with_item_key
from aistack.engine.jsonc_syntax import _TOKEN, parse_tree
from aistack.engine.jsonc_tree import Entry, Invalid, Node, Tree, comma_of, key_of, scanned
from aistack.engine.text import newline_of

_DEFAULT_UNIT = "  "
_INDENT_PROBES = 256  # containers looked at to find the file's indent step


class JsoncDocument:
    def __init__(self, text: str, strict: bool = False):
        self.strict = strict
        self._tree = _tree(text, strict)
        # A document that started blank goes back to its exact text once its last member is deleted.
        self._blank = text if self._tree.root is None else None
        self._unit: str | None = None

    # -- the Document protocol -------------------------------------------------------------------------

    def dump(self) -> str:
        return self._tree.text

    def get(self, path: Path) -> Any:
        root = self._tree.root
        if root is None:
            return {} if not path else MISSING
        if not path:
            return self._tree.value(root)
        found = self._walk(root, path)
        return MISSING if found is None else self._tree.value(found[1].node)

    def has(self, path: Path) -> bool:
        root = self._tree.root
        if root is None or not path:
            return not path
        return self._walk(root, path) is not None

    def set(self, path: Path, value: Any) -> None:
        if not path:
            raise PathError("the path is empty", path)
        _check_json(value)
        if self._tree.root is None:
            self._set_blank(path, value)
            return
        node = self._tree.root
        for depth, key in enumerate(path):
            _expect_container(node, key, path[:depth])
            entry = self._find(node, key)
            if entry is None:
                self._insert(node, key, nest(path[depth + 1:], value))
                return
            if depth == len(path) - 1:
                if isinstance(key, Item):
                    value = with_item_key(key, value)
                self._replace(node, entry, value)
                return
            node = entry.node

    def delete(self, path: Path) -> None:
        root = self._tree.root
        if not path or root is None:
            return
        found = self._walk(root, path)
        if found is None:
            return
        self._remove(*found)
        if self._blank is not None and not root.entries:
            self._tree = _tree(self._blank, self.strict)

    # -- reading -----------------------------------------------------------------------------------------

    def _walk(self, root: Node, path: Path) -> tuple[Node, Entry] | None:
        """The container holding the last key of a path that is not empty, and that key's entry."""
        node, found = root, None
        for key in path:
            if node.kind not in ("object", "array"):
                return None
            entry = self._find(node, key)
            if entry is None:
                return None
            found, node = (node, entry), entry.node
        return found

    def _find(self, node: Node, key: Key) -> Entry | None:
        tree = self._tree
        if isinstance(key, Item):
            if node.kind != "array":
                return None
            for entry in tree.entries(node):
                if entry.node.kind != "object":
                    continue
                match = tree.find(entry.node, key.key)
                if match is not None and match.node.kind == "string" and tree.value(match.node) == key.value:
                    return entry
            return None
        return tree.find(node, key) if node.kind == "object" else None

    # -- layout of the file ----------------------------------------------------------------------------

    def newline(self) -> str:
        return newline_of(self._tree.text)

    def indent_unit(self) -> str:
        """The file's indent step: how much the shallowest member on its own line is indented past the line
        that opens its container."""
        if self._unit is None:
            self._unit = self._find_unit()
        return self._unit

    def _find_unit(self) -> str:
        tree = self._tree
        level = [tree.root] if tree.root else []
        probes = 0
        while level and probes < _INDENT_PROBES:
            for node in level:
                probes += 1
                outer = self._indent_of(node.start)
                entries = tree.entries(node)
                for i in range(len(entries)):
                    lead = self._line_lead(node, i)
                    if lead is None or not lead.startswith(outer):
                        continue
                    step = lead[len(outer):]
                    if step and (set(step) == {"\t"} or set(step) == {" "}):
                        return step
            level = [e.node for node in level for e in tree.entries(node) if e.node.kind in ("object", "array")]
        return _DEFAULT_UNIT

    def _gap_start(self, container: Node, i: int) -> int:
        """Where the whitespace and comments before member i begin: after its container's bracket or the comma
        before it."""
        return container.start + 1 if i == 0 else comma_of(scanned(container)[i - 1]) + 1

    def _line_lead(self, container: Node, i: int) -> str | None:
        """The whitespace that starts member i's line, when only that and comments precede the member on it;
        None when another token does."""
        text = self._tree.text
        start = scanned(container)[i].start
        line_start = text.rfind("\n", 0, start) + 1
        for c_start, _ in reversed(self._tree.gap(self._gap_start(container, i))[0]):
            if c_start < line_start:
                break
            start = c_start
        lead = text[line_start:start]
        return lead if lead.strip(" \t") == "" else None

    def _indent_of(self, offset: int) -> str:
        text = self._tree.text
        line_start = text.rfind("\n", 0, offset) + 1
        line = text[line_start:offset]
        return line[: len(line) - len(line.lstrip(" \t"))]

    def _colon(self) -> str:
        """`: ` unless the file writes its first member `"key":value`."""
        tree = self._tree
        if tree.root is None:
            raise AssertionError("a blank document has no member to format like")
        for entry in tree.entries(tree.root):
            key = _TOKEN.match(tree.text, entry.start)
            assert key is not None  # an object member starts with its key
            between = tree.text[key.end():entry.node.start]
            if between.strip(" \t") == ":":
                return between[between.index(":"):]
            break
        return ": "

    def _own_end(self, entry: Entry) -> tuple[int, int, bool]:
        """Where the text an entry owns ends (its comma, then the comments that follow on its line), where the
        next token starts, and whether the entry's line ends in a `//` comment."""
        text = self._tree.text
        end = entry.comma + 1 if entry.comma is not None else entry.node.end
        comments, following = self._tree.gap(end)
        line_comment = False
        for c_start, c_end in comments:
            if "\n" in text[end:c_start]:
                break
            end, line_comment = c_end, text.startswith("//", c_start)
        return end, following, line_comment

    # -- edits -----------------------------------------------------------------------------------------

    def _format(self, value: Any, indent: str | None) -> str:
        """The value's text: pretty at the given line indent, or on one line when indent is None."""
        colon = self._colon()
        if indent is None:
            return json.dumps(value, ensure_ascii=False, separators=(", ", colon))
        text = json.dumps(value, ensure_ascii=False, indent=self.indent_unit(), separators=(",", colon))
        return text.replace("\n", self.newline() + indent)

    def _key_text(self, key: Key) -> str:
        return "" if isinstance(key, Item) else json.dumps(key, ensure_ascii=False) + self._colon()

    def _insert(self, container: Node, key: Key, value: Any) -> None:
        tree = self._tree
        entries = tree.entries(container)
        if isinstance(key, Item):
            value = with_item_key(key, value)
        nl = self.newline()
        head = self._key_text(key)
        if not entries:
            outer = self._indent_of(container.start)
            inner = outer + self.indent_unit()
            # After the last comment inside the empty container, else right after its opening bracket.
            comments = tree.gap(container.start + 1)[0]
            at = comments[-1][1] if comments else container.start + 1
            before = nl + inner + head
            body = self._format(value, inner)
            tree.splice((at, at, before + body + nl + outer))
            self._add_entry(container, key, at + len(before) - len(head), at + len(before), body, None)
            return
        last = entries[-1]
        at, _, line_comment = self._own_end(last)
        lead = self._line_lead(container, len(entries) - 1)
        if lead is None and line_comment:
            lead = self._indent_of(container.start) + self.indent_unit()  # never after a `//` on its line
        before = (nl + lead if lead is not None else " ") + head
        body = self._format(value, lead)
        comma = "," if last.comma is not None else ""
        edits = [(at, at, before + body + comma)]
        shift = 0
        if last.comma is None:
            edits.insert(0, (last.node.end, last.node.end, ","))
        tree.splice(*edits)
        if last.comma is None:
            last.comma, shift = last.node.end, 1
        start = at + shift + len(before)
        self._add_entry(container, key, start - len(head), start, body, start + len(body) if comma else None)

    def _add_entry(self, container: Node, key: Key, start: int, value_start: int, body: str,
                   comma: int | None) -> None:
        kind = _kind(body)
        entry = Entry(None if isinstance(key, Item) else key, start, Node(kind, value_start, value_start + len(body)),
                      comma)
        scanned(container).append(entry)
        if container.index is not None:  # only objects have one
            container.index[key_of(entry)] = entry

    def _replace(self, container: Node, entry: Entry, value: Any) -> None:
        i = next(n for n, e in enumerate(scanned(container)) if e is entry)
        indent = self._indent_of(entry.start) if self._line_lead(container, i) is not None else None
        body = self._format(value, indent)
        start, end = entry.node.start, entry.node.end
        self._tree.splice((start, end, body))
        entry.node = Node(_kind(body), start, start + len(body))

    def _remove(self, container: Node, entry: Entry) -> None:
        tree = self._tree
        text = tree.text
        entries = scanned(container)
        i = next(n for n, e in enumerate(entries) if e is entry)
        comments = tree.gap(self._gap_start(container, i))[0]
        start = comments[-1][1] if comments else self._gap_start(container, i)  # its whitespace is its own
        end, following, _ = self._own_end(entry)
        if len(entries) == 1:
            # Undo what an insertion into an empty container adds after the member.
            tail = self.newline() + self._indent_of(container.start)
            after_line_comment = comments and text.startswith("//", comments[-1][0])
            if text.startswith(tail, end) and not (after_line_comment and text[end + len(tail)] not in "\r\n"):
                end += len(tail)  # (never so that a `//` comment runs on into the closing bracket)
        elif i == 0 and "\n" not in text[start:entry.start]:
            # First member of a one-line container: take the space before the next member instead.
            if "\n" not in text[end:following]:
                end = following
        del entries[i]
        container.index = None
        edits = [(start, end, "")]
        if entry.comma is None and i > 0:
            previous = entries[i - 1]
            comma = comma_of(previous)
            edits.append((comma, comma + 1, ""))
            previous.comma = None
        tree.splice(*edits)

    def _set_blank(self, path: Path, value: Any) -> None:
        blank = self._tree.text
        nl = newline_of(blank)
        unit = _DEFAULT_UNIT
        if isinstance(path[0], Item):
            raise PathError("the top level is an object, not a list", path[:1])
        member = json.dumps(nest(path[1:], value), ensure_ascii=False, indent=unit).replace("\n", nl + unit)
        body = "{" + nl + unit + json.dumps(path[0], ensure_ascii=False) + ": " + member + nl + "}" + nl
        # Whitespace alone is replaced; comments stay above the new object.
        prefix = "" if blank.strip() == "" else blank if blank.endswith("\n") else blank + nl
        self._tree = _tree(prefix + body, self.strict)
        self._unit = None


def _tree(text: str, strict: bool) -> Tree:
    try:
        return Tree(text, strict)
    except Invalid:
        pass
    parse_tree(text, strict)  # raises the ParseError that says where and why
    try:  # valid after all (an integer too long for the C scanner): scan every container
        return Tree(text, strict, eager=True)
    except Invalid:
        raise ParseError("could not be read", 1, 1) from None


def _kind(body: str) -> str:
    c = body[0]
    return {"{": "object", "[": "array", '"': "string", "t": "literal", "f": "literal", "n": "literal"}.get(c, "number")


def _expect_container(node: Node, key: Key, where: Path) -> None:
    want = "array" if isinstance(key, Item) else "object"
    if node.kind != want:
        shown = ".".join(str(k) for k in where) or "the top level"
        raise PathError(f"{shown} is a{'n' if node.kind[0] in 'aeiou' else ''} {node.kind}, not an {want}", where)






def _check_json(value: Any) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} cannot be written to JSON")
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValueError(f"JSON keys must be strings, not {k!r}")
            _check_json(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _check_json(v)
    elif not isinstance(value, (str, int, float, bool, type(None))):
        raise ValueError(f"{type(value).__name__} cannot be written to JSON")
