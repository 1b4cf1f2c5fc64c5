"""JSON and JSONC documents edited surgically: every edit is a text splice, the rest stays byte-identical.

Edits follow jsonc-parser's `modify` model: a new member is appended after the parent's last member, in the
parent's own layout (one member per line, or all on one line) and trailing-comma style; a member owns the
whitespace that precedes its key, its comma and the comments on the rest of its line, so deleting it takes
exactly those away. Inserted values are formatted like `json.dumps(indent=<the file's indent>)`.

A key that appears twice in an object is read, replaced and deleted at its last occurrence, as JSON.parse
reads it. `Item(key, value)` selects the first object in an array whose `key` is `value`; setting a missing
one appends it, carrying that key first. Text that is blank (or only comments) is an empty object; once its
last member is deleted it gives back that text.

Known limit: an empty container whose inside already holds a line break (`{\n}`) gets a blank line before its
closing bracket when a member is added, so that deleting the member can give back the original bytes (the
output of adding to `{}` and to `{\n}` would otherwise be the same text).
"""

from __future__ import annotations

import json
import math
from typing import Any

from aistack.engine.document import MISSING, Item, Key, Path, PathError
from aistack.engine.jsonc_syntax import COMMENT, Entry, Node, Tree, parse_tree, to_python

_DEFAULT_UNIT = "  "


class JsoncDocument:
    def __init__(self, text: str, strict: bool = False):
        self.strict = strict
        self._tree = parse_tree(text, strict)
        # A document that started blank goes back to its exact text once its last member is deleted.
        self._blank = text if self._tree.root is None else None

    # -- the Document protocol -------------------------------------------------------------------------

    def dump(self) -> str:
        return self._tree.text

    def get(self, path: Path) -> Any:
        root = self._tree.root
        if root is None:
            return {} if not path else MISSING
        node: Node | None = root
        for key in path:
            entry = _find(node, key, self._tree)
            if entry is None:
                return MISSING
            node = entry.node
        return to_python(self._tree, node)

    def has(self, path: Path) -> bool:
        node: Node | None = self._tree.root
        if node is None:
            return not path
        for key in path:
            if node is None or node.kind not in ("object", "array"):
                return False
            entry = _find(node, key, self._tree)
            if entry is None:
                return False
            node = entry.node
        return True

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
            entry = _find(node, key, self._tree)
            if entry is None:
                self._insert(node, key, _nest(path[depth + 1:], value))
                return
            if depth == len(path) - 1:
                if isinstance(key, Item):
                    value = _with_item_key(key, value)
                self._replace(entry, value)
                return
            node = entry.node

    def delete(self, path: Path) -> None:
        if not path or self._tree.root is None:
            return
        node: Node | None = self._tree.root
        container = node
        entry = None
        for key in path:
            if node is None:
                return
            container = node
            entry = _find(node, key, self._tree)
            if entry is None:
                return
            node = entry.node
        assert entry is not None and container is not None
        self._remove(container, entry)
        if self._blank is not None and not self._tree.root.entries:
            self._apply([(0, len(self._tree.text), self._blank)])

    # -- layout of the file ----------------------------------------------------------------------------

    def newline(self) -> str:
        text = self._tree.text
        i = text.find("\n")
        return "\r\n" if i > 0 and text[i - 1] == "\r" else "\n"

    def indent_unit(self) -> str:
        """The file's indent step: how much the shallowest member on its own line is indented past the line
        that opens its container."""
        level = [self._tree.root] if self._tree.root else []
        while level:
            for node in level:
                outer = self._indent_of(node.first)
                for entry in node.entries or ():
                    lead = self._line_lead(entry.first)
                    if lead is None or not lead.startswith(outer):
                        continue
                    step = lead[len(outer):]
                    if step and (set(step) == {"\t"} or set(step) == {" "}):
                        return step
            level = [e.node for node in level for e in node.entries or () if e.node.entries is not None]
        return _DEFAULT_UNIT

    def _line_lead(self, index: int) -> str | None:
        """The whitespace that starts token `index`'s line, when only that and comments precede the token on
        it; None when another token does."""
        tree = self._tree
        start = tree.starts[index]
        line_start = tree.text.rfind("\n", 0, start) + 1
        while index > 0 and tree.kinds[index - 1] == COMMENT and tree.starts[index - 1] >= line_start:
            index -= 1
            start = tree.starts[index]
        lead = tree.text[line_start:start]
        return lead if lead.strip(" \t") == "" else None

    def _indent_of(self, index: int) -> str:
        text = self._tree.text
        start = self._tree.starts[index]
        line_start = text.rfind("\n", 0, start) + 1
        line = text[line_start:start]
        return line[: len(line) - len(line.lstrip(" \t"))]

    def _colon(self) -> str:
        """`: ` unless the file writes its first member `"key":value`."""
        tree = self._tree
        for entry in tree.root.entries or ():
            between = tree.text[tree.ends[entry.first]:tree.starts[entry.node.first]]
            if between.strip(" \t") == ":":
                return between[between.index(":"):]
            break
        return ": "

    # -- edits -----------------------------------------------------------------------------------------

    def _format(self, value: Any, indent: str | None) -> str:
        """The value's text: pretty at the given line indent, or on one line when indent is None."""
        colon = self._colon()
        if indent is None:
            return json.dumps(value, ensure_ascii=False, separators=(", ", colon))
        text = json.dumps(value, ensure_ascii=False, indent=self.indent_unit(), separators=(",", colon))
        return text.replace("\n", self.newline() + indent)

    def _member(self, key: Key, value: Any, indent: str | None) -> str:
        if isinstance(key, Item):
            return self._format(_with_item_key(key, value), indent)
        return json.dumps(key, ensure_ascii=False) + self._colon() + self._format(value, indent)

    def _end_of_line_part(self, entry: Entry) -> int:
        """Index of the last token an entry owns: its comma, then the comments that follow on its line."""
        tree = self._tree
        last = entry.comma if entry.comma is not None else entry.node.last
        while last + 1 < len(tree.kinds) and tree.kinds[last + 1] == COMMENT:
            if "\n" in tree.text[tree.ends[last]:tree.starts[last + 1]]:
                break
            last += 1
        return last

    def _insert(self, container: Node, key: Key, value: Any) -> None:
        tree = self._tree
        entries = container.entries or []
        nl = self.newline()
        if not entries:
            outer = self._indent_of(container.first)
            inner = outer + self.indent_unit()
            # After the last comment inside the empty container, else right after its opening bracket.
            anchor = container.last - 1
            at = tree.ends[anchor]
            text = nl + inner + self._member(key, value, inner) + nl + outer
            self._apply([(at, at, text)])
            return
        last = entries[-1]
        at = tree.ends[self._end_of_line_part(last)]
        comma = "," if last.comma is not None else ""
        lead = self._line_lead(last.first)
        if lead is not None:
            text = nl + lead + self._member(key, value, lead) + comma
        else:
            text = " " + self._member(key, value, None) + comma
        edits = [(at, at, text)]
        if last.comma is None:
            edits.append((last.node.end, last.node.end, ","))
        self._apply(edits)

    def _replace(self, entry: Entry, value: Any) -> None:
        lead = self._line_lead(entry.first)
        indent = self._indent_of(entry.first) if lead is not None else None
        node = entry.node
        self._apply([(node.start, node.end, self._format(value, indent))])

    def _remove(self, container: Node, entry: Entry) -> None:
        tree = self._tree
        entries = container.entries or []
        i = next(n for n, e in enumerate(entries) if e is entry)
        start = tree.ends[entry.first - 1]  # the whitespace before the entry is its own
        end = tree.ends[self._end_of_line_part(entry)]
        edits = []
        text = tree.text
        if len(entries) == 1:
            # Undo what an insertion into an empty container adds after the member.
            tail = self.newline() + self._indent_of(container.first)
            if text.startswith(tail, end):
                end += len(tail)
        elif i == 0 and "\n" not in text[start:tree.starts[entry.first]]:
            # First member of a one-line container: take the space before the next member instead.
            following = tree.starts[self._end_of_line_part(entry) + 1]
            if "\n" not in text[end:following]:
                end = following
        if entry.comma is None and i > 0:
            prev_comma = entries[i - 1].comma
            assert prev_comma is not None
            edits.append((tree.starts[prev_comma], tree.ends[prev_comma], ""))
        edits.append((start, end, ""))
        self._apply(edits)

    def _set_blank(self, path: Path, value: Any) -> None:
        blank = self._tree.text
        nl = "\r\n" if "\r\n" in blank else "\n"
        unit = _DEFAULT_UNIT
        member = json.dumps(_nest(path[1:], value), ensure_ascii=False, indent=unit).replace("\n", nl + unit)
        if isinstance(path[0], Item):
            raise PathError("the top level is an object, not a list", path[:1])
        body = "{" + nl + unit + json.dumps(path[0], ensure_ascii=False) + ": " + member + nl + "}" + nl
        # Whitespace alone is replaced; comments stay above the new object.
        prefix = "" if blank.strip() == "" else blank if blank.endswith("\n") else blank + nl
        self._apply([(0, len(blank), prefix + body)])

    def _apply(self, edits: list[tuple[int, int, str]]) -> None:
        text = self._tree.text
        for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
            text = text[:start] + new + text[end:]
        self._tree = parse_tree(text, self.strict)


def _expect_container(node: Node, key: Key, where: Path) -> None:
    want = "array" if isinstance(key, Item) else "object"
    if node.kind != want:
        shown = ".".join(str(k) for k in where) or "the top level"
        raise PathError(f"{shown} is a{'n' if node.kind[0] in 'aeiou' else ''} {node.kind}, not an {want}", where)


def _find(node: Node, key: Key, tree: Tree) -> Entry | None:
    if isinstance(key, Item):
        if node.kind != "array":
            return None
        for entry in node.entries or ():
            if entry.node.kind != "object":
                continue
            match = _find(entry.node, key.key, tree)
            if match is not None and match.node.kind == "string" and to_python(tree, match.node) == key.value:
                return entry
        return None
    if node.kind != "object":
        return None
    found = None
    for entry in node.entries or ():  # the last duplicate wins, as in JSON.parse
        if entry.key == key:
            found = entry
    return found


def _nest(rest: Path, value: Any) -> Any:
    """The value to insert for a missing key when `rest` of the path is still to be created under it."""
    if not rest:
        return value
    inner = _nest(rest[1:], value)
    key = rest[0]
    if isinstance(key, Item):
        return [_with_item_key(key, inner)]
    return {key: inner}


def _with_item_key(item: Item, value: Any) -> Any:
    """A list element selected by `item` must carry the key it is found by; it goes first when missing."""
    if not isinstance(value, dict):
        raise PathError(f"an element selected by {item.key}={item.value!r} must be an object", (item,))
    if item.key in value:
        if value[item.key] != item.value:
            raise PathError(f"the element's {item.key!r} is {value[item.key]!r}, not {item.value!r}", (item,))
        return value
    return {item.key: item.value, **value}


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
