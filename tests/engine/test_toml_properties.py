"""Generated TOML documents (comments, blank lines, CRLF, no final newline, multi-line arrays, quoted keys with
literal tabs, inline tables, dotted keys, split tables, dates, hex/octal/binary/underscored/exponent numerals):
parse -> dump is identical, set then get holds, set then delete gives back the bytes, and tomllib agrees."""

from __future__ import annotations

import copy
import json
import re
import tomllib

from engine_fuzz import fuzz
from hypothesis import assume, given
from hypothesis import strategies as st

from aistack.engine.document import MISSING, PathError
from aistack.engine.tomldoc import TomlDocument

SETTINGS = fuzz(200)

text_chars = st.characters(codec="utf-8", exclude_categories=["Cs"])
keys = st.one_of(st.from_regex(r"[A-Za-z0-9_-]{1,6}", fullmatch=True), st.text(text_chars, max_size=6))
scalars = st.one_of(st.booleans(), st.integers(-10**15, 10**15), st.dates(), st.times(),
                    st.datetimes(min_value=__import__("datetime").datetime(1, 1, 1, 0, 0, 1)),
                    st.floats(allow_nan=False, allow_infinity=False, width=32), st.text(text_chars, max_size=8),
                    st.lists(st.sampled_from(["a", "\n", "[x]", "# no", '"', "\\"]), max_size=6).map("".join))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(keys, inner, max_size=3)), max_leaves=6)


def basic(s: str) -> str:
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


class Writer:
    def __init__(self, draw):
        self.draw = draw
        self.nl = draw(st.sampled_from(["\n", "\r\n"]))

    def key(self, key: str) -> str:
        if re.fullmatch(r"[A-Za-z0-9_-]+", key) and self.draw(st.integers(0, 3)):
            return key
        if "'" not in key and not re.search(r"[\x00-\x1f\x7f]", key) and self.draw(st.booleans()):
            return "'" + key + "'"
        return basic(key).replace("\\t", "\t") if self.draw(st.booleans()) else basic(key)  # a literal tab

    def value(self, value) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            style = self.draw(st.sampled_from(["", "", "hex", "oct", "bin", "_"])) if value >= 0 else ""
            return {"hex": f"{value:#x}", "oct": f"{value:#o}", "bin": f"{value:#b}",
                    "_": f"{value:_}"}.get(style, repr(value))
        if isinstance(value, float):
            return self.draw(st.sampled_from([repr(value), f"{value:e}", f"{value:E}"]))
        if hasattr(value, "isoformat"):
            return value.isoformat()
        if isinstance(value, str):
            plain = not re.search(r"[\x00-\x1f\x7f]", value.replace("\n", ""))
            style = self.draw(st.sampled_from(["basic", "literal", "multi", "multi-literal"]))
            if style == "literal" and "'" not in value and "\n" not in value and plain:
                return "'" + value + "'"
            if style == "multi-literal" and "'" not in value and plain:
                return "'''" + self.nl + value + "'''"
            if style == "multi":
                return '"""' + self.nl + basic(value)[1:-1].replace("\\n", self.nl) + '"""'
            return basic(value)
        if isinstance(value, list):
            if value and self.draw(st.booleans()):  # multi-line, with comments and a trailing comma
                items = "".join("  " + self.value(v) + "," + self.comment() + self.nl for v in value)
                return "[" + self.comment() + self.nl + items + "]"
            return "[" + ", ".join(self.value(v) for v in value) + "]"
        sep = self.draw(st.sampled_from([", ", ",", " , "]))
        pad = self.draw(st.sampled_from(["", " "])) if value else self.draw(st.sampled_from(["", " "]))
        return "{" + pad + sep.join(f"{self.key(k)} = {self.value(v)}" for k, v in value.items()) + pad + "}"

    def comment(self) -> str:
        return self.draw(st.sampled_from(["", "", " # note", "  #", " # ü ["]))

    def filler(self) -> str:
        """Blank lines and comment lines between statements."""
        return "".join(self.draw(st.lists(st.sampled_from([self.nl, "# comment" + self.nl, "  # indented [x]" + self.nl]),
                                          max_size=2)))

    def kvs(self, items: dict) -> str:
        indent = self.draw(st.sampled_from(["", "", "  "]))
        out = ""
        for k, v in items.items():
            flat = isinstance(v, dict) and v and all(not isinstance(x, dict) for x in v.values())
            if flat and self.draw(st.booleans()):
                lines = [(self.key(k) + "." + self.key(k2), x) for k2, x in v.items()]  # dotted keys
            else:
                lines = [(self.key(k), v)]
            for key, x in lines:
                out += (self.filler() + indent + key + self.draw(st.sampled_from([" = ", "=", "  =  "]))
                        + self.value(x) + self.comment() + self.nl)
        return out


@st.composite
def documents(draw):
    w = Writer(draw)
    root = draw(st.dictionaries(keys, values, max_size=3))
    names = draw(st.lists(st.tuples(keys, st.one_of(st.none(), keys)), max_size=4, unique=True))
    text = w.kvs(root)
    for first, second in names:
        header = (first,) if second is None else (first, second)
        text += w.filler() + "[" + ".".join(w.key(k) for k in header) + "]" + w.comment() + w.nl
        text += w.kvs(draw(st.dictionaries(keys, values, max_size=3)))
    for _ in range(draw(st.integers(0, 2))):  # an array of tables, which setting elsewhere must not disturb
        text += w.filler() + "[[servers]]" + w.comment() + w.nl
        text += w.kvs(draw(st.dictionaries(keys, values, max_size=2)))
    text += w.filler()
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        assume(False)
    return text, data


def tables(data, prefix=()):
    """Paths of every table in data."""
    yield prefix
    for k, v in data.items():
        if isinstance(v, dict):
            yield from tables(v, prefix + (k,))


@SETTINGS
@given(documents())
def test_parse_dump_identity_and_values(doc):
    text, data = doc
    parsed = TomlDocument(text)
    assert parsed.dump() == text
    assert parsed.get(()) == data


@SETTINGS
@given(st.data())
def test_set_new_path_then_delete_gives_back_the_bytes(data):
    text, before = data.draw(documents())
    parent = data.draw(st.sampled_from(list(tables(before))))
    holder = before
    for k in parent:
        holder = holder[k]
    key = data.draw(keys)
    assume(key not in holder)
    server = data.draw(st.one_of(values, st.fixed_dictionaries(
        {"url": st.text(text_chars, max_size=8)}, optional={"env": st.dictionaries(keys, st.text(max_size=4), max_size=2),
                                                             "args": st.lists(st.text(max_size=4), max_size=2)})))
    path = parent + (key,)
    doc = TomlDocument(text)
    try:
        doc.set(path, server)
    except PathError:
        # Only a scalar for a table that has no header of its own (or lives in an inline value) is refused.
        assert not isinstance(server, dict)
        assert doc.dump() == text
        return
    changed = doc.dump()
    assert doc.get(path) == server
    expected = copy.deepcopy(before)
    target = expected
    for k in parent:
        target = target[k]
    target[key] = server
    assert tomllib.loads(changed) == expected
    if "\r\n" in text and not _inside_inline_value(text, parent):  # no bare LF added to a CRLF file
        assert changed.replace("\r\n", "").count("\n") == text.replace("\r\n", "").count("\n")

    again = TomlDocument(changed)
    again.delete(path)
    assert again.get(path) is MISSING
    if not _dotted_inline(text, parent):
        assert again.dump() == text
    assert tomllib.loads(again.dump()) == before


def _inside_inline_value(text: str, parent) -> bool:
    from aistack.engine.toml_syntax import scan

    return any(st.kind == "kv" and parent[: len(st.key)] == st.key for st in scan(text)) if parent else False


def _dotted_inline(text: str, parent) -> bool:
    """An inline table with dotted members is rewritten whole (a documented limit)."""
    return _inside_inline_value(text, parent) and re.search(r"\{[^}\n]*[\w'\"]\.[\w'\"][^}\n]*=", text) is not None


@SETTINGS
@given(st.data())
def test_set_existing_key_replaces_whole(data):
    text, before = data.draw(documents())
    # The generated [[servers]] array of tables is read-only (a documented limit).
    paths = [p + (k,) for p in tables(before) for k in _at(before, p) if p + (k,) != ("servers",)]
    assume(paths)
    path = data.draw(st.sampled_from(paths))
    new = data.draw(values)
    doc = TomlDocument(text)
    try:
        doc.set(path, new)
    except PathError:
        # A table turned into a scalar under a parent with no header of its own: refused, nothing changed.
        assert isinstance(_at(before, path), dict) and not isinstance(new, dict)
        assert doc.dump() == text
        return
    assert doc.get(path) == new
    expected = copy.deepcopy(before)
    _at(expected, path[:-1])[path[-1]] = new
    assert tomllib.loads(doc.dump()) == expected


def _at(data, path):
    for k in path:
        data = data[k]
    return data
