"""The whole cycle on generated files of every format: setup, setup again, setup --force, setup --remove.

The servers go into any mapping of the generated file, some under names the user's entries already have
(equal to aistack's or not). Whatever the file, no exception escapes, a second setup changes nothing, and
--remove after --force gives back the original bytes."""

from __future__ import annotations

import copy

import test_jsonc_properties as jsonc
import test_toml_properties as toml
import test_yaml_properties as yaml
from engine_fuzz import fuzz
from hypothesis import event, given
from hypothesis import strategies as st

from aistack.engine.document import Item, parse
from aistack.engine.editor import Change, Editor
from aistack.engine.ownership import FileRecord, Owned

SETTINGS = fuzz(150)
OWNER = "p@Org"

server = st.fixed_dictionaries({"command": st.sampled_from(["uvx", "npx", "aistack"])},
                               optional={"args": st.lists(st.sampled_from(["-y", "mcp-server-git", "1"]), max_size=2),
                                         "env": st.dictionaries(st.sampled_from(["K", "TOKEN"]),
                                                                st.sampled_from(["v", "${X}"]), max_size=1)})


def run(fmt, text, changes, record, **how):
    editor = Editor(fmt, parse(fmt, text), record, OWNER, how.get("force", False))
    editor.run(changes, how.get("remove", False))
    out = editor.doc.dump()
    again = FileRecord("f")  # through the record's JSON, as the next run reads it
    for owned in record.entries.values():
        again.put(Owned.from_json(copy.deepcopy(owned.to_json())))
    return out, editor, again


def mappings(value, prefix=()):
    if isinstance(value, dict):
        yield prefix, value
        for k, v in value.items():
            yield from mappings(v, prefix + (k,))


def cycle(data, fmt, text, value, as_items=False):
    where, holder = data.draw(st.sampled_from(list(mappings(value))))
    if as_items:  # Continue's shape: a list of mappings selected by name
        where = where + (data.draw(yaml.names),)
    names = data.draw(st.lists(st.one_of(st.sampled_from(sorted(holder) or ["docs"]), st.sampled_from(["docs", "git"])),
                               min_size=1, max_size=3, unique=True))
    changes = []
    for name in names:
        same = name in holder and data.draw(st.booleans())
        entry = copy.deepcopy(holder[name]) if same else data.draw(server)
        key = Item("name", name) if as_items else name
        if as_items and isinstance(entry, dict):
            entry = {"name": name, **entry}
        changes.append(Change((*where, key), entry))
    record = FileRecord("f")
    first, e1, record = run(fmt, text, changes, record)
    second, e2, record = run(fmt, first, changes, record)
    assert second == first, "a second setup changes nothing"
    assert e2.conflicts == e1.conflicts
    event("a user entry in the way" if e1.conflicts else "no conflict")
    event("an entry equal to aistack's" if e1.notes else "no equal entry")
    forced, e3, record = run(fmt, second, changes, record, force=True)
    event("replaced text kept" if any(o.original for o in record.entries.values()) else "nothing replaced")
    assert all("aistack leaves it alone" in c for c in e3.conflicts), e3.conflicts
    removed, e4, record = run(fmt, forced, changes, record, remove=True)
    assert not e4.conflicts
    assert removed == text
    assert not record.entries


@SETTINGS
@given(st.data())
def test_jsonc_cycle(data):
    text, value = data.draw(jsonc.documents())
    cycle(data, "jsonc", text, value)


@SETTINGS
@given(st.data())
def test_json_cycle(data):
    text, value = data.draw(jsonc.documents(strict=True))
    cycle(data, "json", text, value)


@SETTINGS
@given(st.data())
def test_toml_cycle(data):
    text, value = data.draw(toml.documents())
    cycle(data, "toml", text, value)


@SETTINGS
@given(st.data(), st.booleans())
def test_yaml_cycle(data, as_items):
    text, value = data.draw(yaml.documents(with_list=as_items))
    cycle(data, "yaml", text, value, as_items=as_items)
