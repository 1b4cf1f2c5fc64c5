"""Generated JSONC documents (comments, trailing commas, random whitespace and indent, CRLF): parse -> dump is
identical, set then get holds, set then delete gives back the bytes, and a standard parser agrees."""

from __future__ import annotations

import copy
import json

from engine_fuzz import fuzz
from hypothesis import assume, given
from hypothesis import strategies as st

from aistack.engine.document import Item
from aistack.engine.jsonc_syntax import parse_tree, to_standard_json
from aistack.engine.jsoncdoc import JsoncDocument

SETTINGS = fuzz(200)

keys = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=False, allow_infinity=False, width=32), keys)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(keys, inner, max_size=4)), max_leaves=12)
objects = st.dictionaries(keys, values, max_size=5)


class Writer:
    """Renders a value as JSONC in a randomly drawn style; strict: no comments, no trailing commas."""

    def __init__(self, draw, strict: bool):
        self.draw = draw
        self.strict = strict
        self.nl = draw(st.sampled_from(["\n", "\r\n"]))
        self.unit = draw(st.sampled_from(["  ", "    ", "\t", " ", "   "]))
        self.colon = draw(st.sampled_from([": ", ":", " : "]))

    def gap(self, line_end: bool = False) -> str:
        """Whitespace where a token may be followed by anything, with an optional comment."""
        choices = ["", " ", "  "]
        if not self.strict:
            choices += [" /* c */ ", "/*\u00e9*/"]
            if line_end:
                choices += [" // note"]
        return self.draw(st.sampled_from(choices))

    def write(self, value, depth: int) -> str:
        if isinstance(value, dict):
            items = [self.key(k) + self.gap() + self.colon + self.gap() + self.write(v, depth + 1)
                     for k, v in value.items()]
            return self.container("{", "}", items, depth)
        if isinstance(value, list):
            return self.container("[", "]", [self.write(v, depth + 1) for v in value], depth)
        return json.dumps(value, ensure_ascii=self.draw(st.booleans()))

    def key(self, key: str) -> str:
        return json.dumps(key, ensure_ascii=self.draw(st.booleans()))

    def container(self, open_: str, close: str, items: list[str], depth: int) -> str:
        trailing = bool(items) and not self.strict and self.draw(st.booleans())
        if not self.draw(st.booleans()):  # one line, perhaps with a line comment after its last member
            body = ("," + self.gap()).join(items) + ("," if trailing else "")
            end = self.gap()
            if not self.strict and self.draw(st.integers(0, 3)) == 0:
                end = " // after the last" + self.nl + self.unit * depth
            return open_ + self.gap() + body + end + close
        inner = self.unit * (depth + 1)
        lines = []
        for n, item in enumerate(items):
            comma = "," if n < len(items) - 1 or trailing else ""
            lead = ""
            if not self.strict and self.draw(st.integers(0, 5)) == 0:
                lead = inner + "// about the next one" + self.nl
            lines.append(lead + inner + item + comma + self.gap(line_end=True))
        close_lead = self.unit * depth
        if not items and self.draw(st.booleans()):
            return open_ + self.gap() + close
        return open_ + self.gap(line_end=True) + self.nl + "".join(line + self.nl for line in lines) + close_lead + close


@st.composite
def documents(draw, strict: bool = False):
    value = draw(objects)
    w = Writer(draw, strict)
    head = "" if strict else draw(st.sampled_from(["", "// settings" + w.nl, "/* top */ "]))
    tail = draw(st.sampled_from(["", w.nl, w.nl + w.nl])) + ("" if strict else draw(st.sampled_from(["", "// end"])))
    return head + w.write(value, 0) + tail, value


def object_paths(value, prefix=()):
    """Every path to an object in value, and to an array of objects (for Item paths)."""
    if isinstance(value, dict):
        yield prefix, value
        for k, v in value.items():
            yield from object_paths(v, prefix + (k,))
    elif isinstance(value, list):
        yield prefix, value


def lookup(value, path):
    for key in path:
        if isinstance(key, Item):
            value = next(e for e in value if isinstance(e, dict) and e.get(key.key) == key.value)
        else:
            value = value[key]
    return value


def standard(text: str):
    return json.loads(to_standard_json(text))


@SETTINGS
@given(documents())
def test_parse_dump_identity_and_values(doc):
    text, value = doc
    parsed = JsoncDocument(text)
    assert parsed.dump() == text
    assert parsed.get(()) == value
    assert standard(text) == value


@SETTINGS
@given(documents(strict=True))
def test_strict_documents_parse_as_json(doc):
    text, value = doc
    assert JsoncDocument(text, strict=True).dump() == text
    assert json.loads(text) == value


@SETTINGS
@given(st.data(), st.booleans())
def test_set_new_path_then_delete_gives_back_the_bytes(data, strict):
    text, value = data.draw(documents(strict=strict))
    candidates = list(object_paths(value))
    parent_path, parent = data.draw(st.sampled_from(candidates))
    new_value = data.draw(values)
    if isinstance(parent, list):
        name = data.draw(keys)
        assume(not any(isinstance(e, dict) and e.get("name") == name for e in parent))
        key = Item("name", name)
        new_value = {"name": name, "extra": new_value}
    else:
        key = data.draw(keys)
        assume(key not in parent)
    extra = tuple(data.draw(st.lists(keys, max_size=2)))
    path = parent_path + (key,) + extra

    doc = JsoncDocument(text, strict=strict)
    doc.set(path, new_value)
    changed = doc.dump()
    assert doc.get(path) == new_value
    expected = copy.deepcopy(value)
    holder = lookup(expected, parent_path)
    nested = new_value
    for k in reversed(extra):
        nested = {k: nested}
    if isinstance(key, Item):
        holder.append(nested if not extra else {"name": key.value, **nested})
    else:
        holder[key] = nested
    assert standard(changed) == expected
    if strict:
        assert json.loads(changed) == expected

    again = JsoncDocument(changed, strict=strict)
    again.delete(parent_path + (key,))
    assert again.dump() == text


@SETTINGS
@given(st.data())
def test_set_existing_path_replaces_whole_and_keeps_the_rest(data):
    text, value = data.draw(documents())
    paths = [p + (k,) for p, v in object_paths(value) if isinstance(v, dict) for k in v]
    assume(paths)
    path = data.draw(st.sampled_from(paths))
    new_value = data.draw(values)
    doc = JsoncDocument(text)
    doc.set(path, new_value)
    assert doc.get(path) == new_value
    expected = copy.deepcopy(value)
    lookup(expected, path[:-1])[path[-1]] = new_value
    assert standard(doc.dump()) == expected
    # Outside the old value, not a byte moved.
    node = parse_tree(text, strict=False).root
    for key in path:
        node = [e for e in node.entries if e.key == key][-1].node
    changed = doc.dump()
    assert changed.startswith(text[:node.start]) and changed.endswith(text[node.end:])


def _same_tree(tree, fresh, node, other):
    """Every container the edited tree has scanned sits where a fresh parse of its text finds it."""
    assert (node.kind, node.start, node.end) == (other.kind, other.start, other.end)
    if node.entries is None:
        return
    mine, theirs = node.entries, fresh.entries(other)
    assert [(e.key, e.start, e.comma) for e in mine] == [(e.key, e.start, e.comma) for e in theirs]
    for a, b in zip(mine, theirs, strict=True):
        _same_tree(tree, fresh, a.node, b.node)


@SETTINGS
@given(st.data(), st.booleans())
def test_many_edits_on_one_parse_match_a_fresh_parse(data, strict):
    """Edits splice the text and move the offsets after them: after any sequence of them, the tree is the one
    a fresh parse of the text gives, and the values are what the edits made."""
    from aistack.engine.jsonc_tree import Tree

    text, value = data.draw(documents(strict=strict))
    doc = JsoncDocument(text, strict=strict)
    expected = copy.deepcopy(value)
    for _ in range(data.draw(st.integers(1, 6))):
        parents = [(p, v) for p, v in object_paths(expected) if isinstance(v, dict)]
        parent_path, parent = data.draw(st.sampled_from(parents))
        if parent and data.draw(st.booleans()):
            key = data.draw(st.sampled_from(sorted(parent)))
            if data.draw(st.booleans()):
                doc.delete(parent_path + (key,))
                del lookup(expected, parent_path)[key]
                continue
        else:
            key = data.draw(keys)
        new_value = data.draw(values)
        doc.set(parent_path + (key,), new_value)
        lookup(expected, parent_path)[key] = new_value
    assert doc.get(()) == expected
    assert standard(doc.dump()) == expected
    if doc._tree.root is not None:
        fresh = Tree(doc.dump(), strict)
        _same_tree(doc._tree, fresh, doc._tree.root, fresh.root)
