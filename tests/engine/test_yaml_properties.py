"""Generated YAML documents (Goose and Continue shapes: comments, blank lines, 2- or 4-space indents, dash
offsets, flow collections, `~` and empty nulls, `%YAML`/`---`/`...` markers, anchors and aliases, CRLF, no final
newline): set a new entry then get holds, a standard loader agrees, delete gives back the bytes, and nothing is
edited through an alias."""

from __future__ import annotations

import copy

from engine_fuzz import fuzz
from hypothesis import assume, given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from aistack.engine.document import Item
from aistack.engine.yamldoc import YamlDocument

SETTINGS = fuzz(100)

names = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)
scalars = st.one_of(st.booleans(), st.integers(-1000, 1000), names, st.text(max_size=6), st.none())
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, min_size=1, max_size=3),
                                                       st.dictionaries(names, inner, min_size=1, max_size=3)),
                      max_leaves=6)


def _escape(c: str) -> str:
    """A character in a YAML double-quoted scalar: raw C0/C1 controls are not allowed, astral ones use \\U."""
    if c in '"\\':
        return "\\" + c
    if c.isprintable():
        return c
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}"


class Writer:
    def __init__(self, draw):
        self.draw = draw
        self.nl = draw(st.sampled_from(["\n", "\r\n"]))
        self.step = draw(st.sampled_from([2, 4]))
        self.offset = draw(st.sampled_from([0, 2])) if self.step == 4 else draw(st.sampled_from([0]))

    def comment(self) -> str:
        return self.draw(st.sampled_from(["", "", "  # note"]))

    def scalar(self, value) -> str:
        if value is None:
            return self.draw(st.sampled_from(["~", "null", "Null"]))
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if value.isidentifier() and value not in ("true", "false", "null", "yes", "no", "on", "off", "y", "n"):
            return self.draw(st.sampled_from([value, "'" + value + "'", '"' + value + '"']))
        return '"' + "".join(_escape(c) for c in value) + '"'

    def block(self, value: dict | list, col: int) -> str:
        out = []
        if isinstance(value, dict):
            for k, v in value.items():
                extra = self.draw(st.integers(0, 6))
                if extra == 0:
                    out.append(" " * col + "# about " + k + self.nl)
                elif extra == 1:
                    out.append(self.nl)
                out.append(" " * col + k + ":" + self.after(v, col))
        else:
            for v in value:
                dash = col + self.offset
                if isinstance(v, dict):
                    inner = self.block(v, dash + 2)
                    out.append(" " * dash + "- " + inner[dash + 2:])
                elif isinstance(v, list):
                    out.append(" " * dash + "-" + self.nl + self.block(v, dash + 2))
                else:
                    out.append(" " * dash + "- " + self.scalar(v) + self.comment() + self.nl)
        return "".join(out)

    def flow(self, value) -> str:
        sep = self.draw(st.sampled_from([", ", ","]))
        if isinstance(value, dict):
            pad = self.draw(st.sampled_from(["", " "])) if value else ""
            return "{" + pad + sep.join(f"{k}: {self.flow(v)}" for k, v in value.items()) + pad + "}"
        if isinstance(value, list):
            return "[" + sep.join(self.flow(v) for v in value) + "]"
        return self.scalar(value)

    def after(self, value, col: int) -> str:
        if value is None and self.draw(st.integers(0, 3)) == 0:
            return self.comment() + self.nl  # a null written as nothing
        if isinstance(value, (dict, list)) and (not value or self.draw(st.integers(0, 3)) == 0):
            return " " + self.flow(value) + self.comment() + self.nl
        if isinstance(value, dict):
            return self.comment() + self.nl + self.block(value, col + self.step)
        if isinstance(value, list):
            return self.comment() + self.nl + self.block(value, col)
        return " " + self.scalar(value) + self.comment() + self.nl


@st.composite
def documents(draw, with_list: bool = False, aliases: bool = False):
    value = draw(st.dictionaries(names.filter(lambda n: n not in ("base", "other")),
                                 st.one_of(values, st.builds(dict), st.builds(list)), min_size=1, max_size=4))
    if with_list:  # Continue's shape: a list of mappings with a name
        servers = draw(st.lists(st.fixed_dictionaries({"name": names}, optional={"command": names, "args": st.lists(
            names, min_size=1, max_size=2)}), min_size=1, max_size=3, unique_by=lambda e: e["name"]))
        value[draw(names)] = servers
    w = Writer(draw)
    start = draw(st.sampled_from(["", "# config" + w.nl, "---" + w.nl, "%YAML 1.2" + w.nl + "---" + w.nl]))
    text = start + w.block(value, 0)
    if aliases:  # an anchored mapping and an alias of it
        text += "base: &b" + w.nl + "  k: v" + w.nl + "other: *b" + w.nl
        value = {**value, "base": {"k": "v"}, "other": {"k": "v"}}
    text += draw(st.sampled_from(["", w.nl, "# end" + w.nl] + (["..." + w.nl] if start.startswith(("-", "%")) else [])))
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    try:
        loaded = YAML(typ="safe").load(text)
    except Exception:
        loaded = None
    assume(loaded == value)
    return text, value


def lists_of_mappings(value, prefix=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from lists_of_mappings(v, prefix + (k,))
    elif isinstance(value, list) and value and all(isinstance(e, dict) for e in value):
        yield prefix, value


def mappings(value, prefix=()):
    if isinstance(value, dict):
        yield prefix, value
        for k, v in value.items():
            yield from mappings(v, prefix + (k,))


@SETTINGS
@given(st.data())
def test_set_new_entry_then_delete_gives_back_the_bytes(data):
    text, value = data.draw(documents())
    parent_path, parent = data.draw(st.sampled_from(list(mappings(value))))
    key = data.draw(names)
    assume(key not in parent)
    new = data.draw(st.one_of(values, st.fixed_dictionaries({"type": st.just("stdio"), "cmd": names,
                                                             "args": st.lists(names, max_size=2)})))
    as_list = data.draw(st.booleans())
    path = parent_path + ((key, Item("name", "docs")) if as_list else (key,))
    if as_list:
        new = {"name": "docs", "value": new}
    doc = YamlDocument(text)
    doc.set(path, new)
    changed = doc.dump()
    assert doc.get(path) == new
    expected = copy.deepcopy(value)
    holder = expected
    for k in parent_path:
        holder = holder[k]
    holder[key] = [new] if as_list else new
    assert YAML(typ="safe").load(changed) == expected
    again = YamlDocument(changed)
    again.delete(parent_path + (key,))
    assert again.dump() == text


@SETTINGS
@given(st.data())
def test_append_to_an_existing_list_by_name_then_delete(data):
    text, value = data.draw(documents(with_list=True))
    lists = list(lists_of_mappings(value))
    assume(lists)
    list_path, items = data.draw(st.sampled_from(lists))
    name = data.draw(names)
    assume(not any(e.get("name") == name for e in items))
    new = {"name": name, "command": data.draw(names), "args": data.draw(st.lists(names, max_size=2))}
    path = list_path + (Item("name", name),)
    doc = YamlDocument(text)
    doc.set(path, new)
    changed = doc.dump()
    expected = copy.deepcopy(value)
    holder = expected
    for k in list_path:
        holder = holder[k]
    holder.append(new)
    assert YAML(typ="safe").load(changed) == expected
    again = YamlDocument(changed)
    again.delete(path)
    assert again.dump() == text


@SETTINGS
@given(st.data())
def test_nothing_is_edited_through_an_alias(data):
    from aistack.engine.document import PathError

    text, value = data.draw(documents(aliases=True))
    target = data.draw(st.sampled_from(["base", "other"]))
    doc = YamlDocument(text)
    try:
        doc.set((target, "docs"), {"cmd": "x"})
    except PathError:
        assert doc.dump() == text
    else:
        raise AssertionError("an edit through an anchor with aliases changes the other places too")
    doc.set(("extensions", "docs"), {"cmd": "x"})
    assert YAML(typ="safe").load(doc.dump())["other"] == {"k": "v"}


anything = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                                  st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]))),
                        lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                st.dictionaries(st.text(max_size=5), inner, max_size=3)), max_leaves=8)


@SETTINGS
@given(st.dictionaries(st.text(max_size=8), anything, min_size=1, max_size=3), st.sampled_from(["", "# c\n"]))
def test_what_aistack_writes_reads_back_as_written(value, start):
    """A file aistack writes alone is not read back by ruamel when dumped: its writer must be right."""
    doc = YamlDocument(start)
    doc.set(("extensions", "docs"), value)
    loaded = YAML(typ="rt").load(doc.dump())
    from aistack.engine.yamldoc import plain

    assert plain(loaded) == {"extensions": {"docs": value}}


def _same_tree(node, fresh):
    assert (node.kind, node.flow, node.start, node.end) == (fresh.kind, fresh.flow, fresh.start, fresh.end)
    if node.entries is None or fresh.entries is None:
        return
    assert [(e.key, e.start, e.colon) for e in node.entries] == [(e.key, e.start, e.colon) for e in fresh.entries]
    for a, b in zip(node.entries, fresh.entries, strict=True):
        _same_tree(a.value, b.value)


@SETTINGS
@given(st.data())
def test_many_edits_on_one_parse_match_a_fresh_parse(data):
    from aistack.engine.yaml_syntax import load

    text, value = data.draw(documents(with_list=data.draw(st.booleans())))
    doc = YamlDocument(text)
    for _ in range(data.draw(st.integers(1, 5))):
        parents = [(p, v) for p, v in mappings(doc.get(()))]
        parent_path, parent = data.draw(st.sampled_from(parents))
        if parent and data.draw(st.booleans()):
            doc.delete(parent_path + (data.draw(st.sampled_from(sorted(parent))),))
        else:
            doc.set(parent_path + (data.draw(names),), data.draw(values))
    fresh = load(doc.dump(), tree=True)[0]
    if doc._root is not None and fresh is not None:
        _same_tree(doc._root, fresh)
