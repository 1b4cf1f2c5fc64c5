"""YAML documents (Goose, Continue) edited surgically: every edit is a splice of the entry's own lines (or, in
a flow collection, of the entry and its separator); every other byte stays as it was.

ruamel.yaml reads the text once (`yaml_tree` keeps where each key and item is), and reads it again when the
document is dumped, to check that the text holds exactly the values the edits made. New entries are written
by `yaml_emit` in the file's own indent steps (detected), after the last entry of their mapping or sequence
and the comment lines indented inside it; an entry in a flow collection (`env: {A: b}`) stays flow style. An
empty flow mapping or sequence that is a key's value (`extensions: {}`) grows as block style and, once its
last entry is deleted, goes back to `{}` (`[]`). Edits never go through a node other places share: an anchor
with aliases, an alias (`extensions: *defaults`), a merge key: that is a PathError, and the file is left.

Known limits: a file that was only `{}` comes back empty, without the `{}`; an empty flow collection spelt with
spaces (`{ }`) or several spaces after its key comes back as `key: {}`.
"""

from __future__ import annotations

import copy
import datetime
import math
import re
from typing import Any

from aistack.engine.document import MISSING, Item, Key, ParseError, Path, PathError, nest, same_value, with_item_key
from aistack.engine.text import newline_of
from aistack.engine.yaml_syntax import NullTop, _yaml, detect_indent, load, plain  # noqa: F401 - plain: the API
from aistack.engine.yaml_tree import YEntry, YNode, build, scanned, shift


class YamlDocument:
    def __init__(self, text: str):
        self._text = text
        self._indent = detect_indent(text)
        self._nl = newline_of(text)
        self._null_top = False
        self._root: YNode | None = None
        try:
            self._root, self._data = load(text, tree=True)
        except NullTop:
            self._data, self._null_top = {}, True
        self._checked = True
        self._blank = not text.strip()
        self._items: dict[tuple[int, str], tuple[list[Any], dict[str, int]]] = {}  # (list, key) -> value -> index

    # -- the Document protocol -------------------------------------------------------------------------

    def dump(self) -> str:
        # The edits were made on the text and on the values: they must agree. A text that was blank holds only
        # what yaml_emit wrote (its own property tests read it back), and ruamel's import is spared.
        if not self._checked and self._blank:
            self._checked = True
        if not self._checked:
            try:
                agree = same_value(load(self._text)[1], self._data)
            except NullTop:
                agree = self._data == {}
            except ParseError as err:
                raise RuntimeError(f"internal error: an edit produced invalid YAML ({err})") from err
            if not agree:
                raise RuntimeError("internal error: an edit to the YAML text did not do what it should")
            self._checked = True
        return self._text

    def get(self, path: Path) -> Any:
        found = self._walk(path)
        return found if found is MISSING else copy.deepcopy(found)

    def has(self, path: Path) -> bool:
        return self._walk(path) is not MISSING

    def set(self, path: Path, value: Any) -> None:
        if not path:
            raise PathError("the path is empty", path)
        _check(value)
        if self._root is None:
            self._set_empty(path, value)
        else:
            chain = [self._root]
            for depth, key in enumerate(path):
                node = chain[-1]
                self._expect(node, key, path[:depth])
                entry = self._find(node, path[:depth], key)
                if entry is None:
                    inner = nest(path[depth + 1:], value)
                    self._insert(chain, key, with_item_key(key, inner) if isinstance(key, Item) else inner)
                    break
                if depth == len(path) - 1:
                    if entry.value.shared:
                        raise PathError(f"{_show(path)} is shared with other places (an anchor or alias)", path)
                    self._replace(chain, entry, with_item_key(key, value) if isinstance(key, Item) else value)
                    break
                chain.append(entry.value)
        self._assign(path, value)

    def delete(self, path: Path) -> None:
        if not path or self._root is None or self._walk(path) is MISSING:
            return
        chain = [self._root]
        for depth, key in enumerate(path[:-1]):
            self._expect(chain[-1], key, path[:depth])
            chain.append(self._found(chain[-1], path[:depth], key).value)
        self._expect(chain[-1], path[-1], path[:-1])
        self._remove(chain, self._found(chain[-1], path[:-1], path[-1]))
        parent = self._walk(path[:-1])
        if isinstance(path[-1], Item):
            del parent[self._item_index(parent, path[-1])]
            self._forget(parent)
        else:
            del parent[path[-1]]
        self._checked = False

    # -- reading ---------------------------------------------------------------------------------------

    def _expect(self, node: YNode, key: Key, where: Path) -> None:
        want = "seq" if isinstance(key, Item) else "map"
        if node.kind == "alias" or node.shared:
            raise PathError(f"{_show(where)} is shared with other places (an anchor or alias): aistack does not "
                            "edit through it", where)
        if node.kind != want:
            raise PathError(f"{_show(where)} is not a {'list' if want == 'seq' else 'mapping'}", where)
        self._fill(node)

    def _fill(self, node: YNode) -> None:
        """Read the entries of a value aistack inserted (known by its span until now)."""
        if node.entries is not None:
            return
        start = node.start if node.flow else self._text.rfind("\n", 0, node.start) + 1
        composed = _yaml().compose(self._text[start:node.end])  # text aistack wrote: valid
        filled = build(composed, self._text[start:node.end], 0) if composed is not None else None
        node.entries = []
        if filled is not None:
            _relocate(filled, start)
            node.entries = filled.entries

    def _find(self, node: YNode, where: Path, key: Key) -> YEntry | None:
        if isinstance(key, Item):
            i = self._item_index(self._walk(where), key)
            return None if i is None else scanned(node)[i]
        return next((e for e in scanned(node) if e.key == key), None)

    def _found(self, node: YNode, where: Path, key: Key) -> YEntry:
        """The entry of a key the values hold (the text holds it too)."""
        entry = self._find(node, where, key)
        if entry is None:
            raise AssertionError(f"{_show((*where, key))} is in the values but not in the text")
        return entry

    def _walk(self, path: Path) -> Any:
        """walk(), with the elements of lists found by an index (Continue keeps hundreds of servers in one)."""
        data = self._data
        for key in path:
            if isinstance(key, Item):
                i = self._item_index(data, key) if isinstance(data, list) else None
                if i is None:
                    return MISSING
                data = data[i]
            elif isinstance(data, dict) and key in data:
                data = data[key]
            else:
                return MISSING
        return data

    def _item_index(self, items: list[Any], item: Item) -> int | None:
        """The index of the first mapping in items whose `item.key` is `item.value`."""
        cached = self._items.get((id(items), item.key))
        if cached is None or cached[0] is not items:
            index: dict[str, int] = {}
            for i, element in enumerate(items):
                value = element.get(item.key) if isinstance(element, dict) else None
                if isinstance(value, str):
                    index.setdefault(value, i)
            cached = self._items[(id(items), item.key)] = (items, index)
        return cached[1].get(item.value)

    def _forget(self, items: list[Any]) -> None:
        for key in [k for k in self._items if k[0] == id(items)]:
            del self._items[key]

    # -- positions ---------------------------------------------------------------------------------------

    def _line_start(self, i: int) -> int:
        return self._text.rfind("\n", 0, i) + 1

    def _line_end(self, i: int) -> int:
        """After the line break of the line holding offset i (the text's end on a last line without one)."""
        n = self._text.find("\n", i)
        return len(self._text) if n < 0 else n + 1

    def _content_end(self, i: int) -> int:
        """The end of the line holding offset i, before its line break."""
        end = self._line_end(i)
        return end - (2 if self._text[:end].endswith("\r\n") else 1 if self._text[:end].endswith("\n") else 0)

    def _column(self, i: int) -> int:
        return i - self._line_start(i)

    def _after_block(self, end: int, column: int) -> int:
        """Where an entry goes after a block collection ending at `end`: after its last line and the comment
        lines indented inside it."""
        at = self._line_end(end)
        while at < len(self._text):
            line = self._text[at:self._line_end(at)]
            stripped = line.lstrip(" ")
            if not stripped.startswith("#") or len(line) - len(stripped) < column:
                break
            at += len(line)
        return at

    # -- edits ---------------------------------------------------------------------------------------------

    def _splice(self, start: int, end: int, new: str) -> None:
        self._text = "".join((self._text[:start], new, self._text[end:]))
        delta = len(new) - (end - start)
        if delta and self._root is not None:
            shift(self._root, end, delta)

    def _lines(self, text: str) -> str:
        return text.replace("\n", self._nl)

    def _insert(self, chain: list[YNode], key: Key, value: Any) -> None:
        from aistack.engine.yaml_edit import insert

        insert(self, chain, key, value)

    def _replace(self, chain: list[YNode], entry: YEntry, value: Any) -> None:
        from aistack.engine.yaml_edit import replace

        replace(self, chain, entry, value)

    def _remove(self, chain: list[YNode], entry: YEntry) -> None:
        from aistack.engine.yaml_edit import remove

        remove(self, chain, entry)

    def _set_empty(self, path: Path, value: Any) -> None:
        """The first entry of a document that holds only comments, blank lines and markers: at its end (before a
        closing `...`)."""
        if isinstance(path[0], Item):
            raise PathError("the top level is a mapping, not a list", path[:1])
        if self._null_top:
            raise PathError("the top level is written as null (`~`), not as a mapping", ())
        text = self._text
        at = len(text)
        m = re.search(r"(?m)^\.\.\.[ \t]*(#.*)?(\r?\n)?\Z", text)
        if m:
            at = m.start()
        from aistack.engine.yaml_edit import map_entry

        lead = self._nl if at and not text[:at].endswith("\n") else ""
        line, entry = map_entry(self, at + len(lead), 0, path[0], nest(path[1:], value))
        self._splice(at, at, lead + line + (self._nl if at < len(text) or not lead else ""))
        self._root = YNode("map", False, entry.start, entry.value.end, [entry])

    def _assign(self, path: Path, value: Any) -> None:
        data = self._data
        for depth, key in enumerate(path):
            last = depth == len(path) - 1
            inner = copy.deepcopy(value) if last else nest(path[depth + 1:], value)
            if isinstance(key, Item):
                i = self._item_index(data, key)
                if i is None:
                    data.append(with_item_key(key, inner))
                    self._items[(id(data), key.key)][1][key.value] = len(data) - 1
                    break
                if last:
                    data[i] = with_item_key(key, inner)
                    self._forget(data)
                    break
                data = data[i]
            else:
                if key not in data or last:
                    data[key] = inner
                    break
                data = data[key]
        self._checked = False


def _relocate(node: YNode, offset: int) -> None:
    node.start += offset
    node.end += offset
    for entry in node.entries or ():
        entry.start += offset
        if entry.colon >= 0:
            entry.colon += offset
        _relocate(entry.value, offset)






def _show(path: Path) -> str:
    return ".".join(str(k) for k in path) or "the top level"


def _check(value: Any) -> None:
    if isinstance(value, float) and math.isnan(value):
        raise ValueError("NaN cannot be compared after it is written; refusing to write it")
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValueError(f"keys must be strings, not {k!r}")
            _check(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _check(v)
    elif not isinstance(value, (str, int, float, bool, type(None), datetime.date, datetime.time)):
        raise ValueError(f"{type(value).__name__} cannot be written to YAML")
