"""JSON and JSONC documents: byte-identical surgical edits, the file's own style, and precise parse errors."""

from __future__ import annotations

import json

import pytest

from aistack.engine.document import MISSING, Item, ParseError, PathError, parse
from aistack.engine.jsonc_syntax import to_standard_json
from aistack.engine.jsoncdoc import JsoncDocument

SERVER = {"url": "https://mcp.example.com/docs/mcp", "headers": {"Authorization": "Bearer ${env:AISTACK_TOKEN}"}}

COMMENTED = """// top comment
{
  /* before a */ "a": 1, // after a
  "b": { // after brace
    "c": [1, 2, /* inside */ 3], // after c
  },
  // before close
}
"""


def roundtrip(text: str, path, value, strict: bool = False, created: int | None = None) -> str:
    """Set a missing path, check the value reads back, delete it (or the top-most parent set created: the first
    `created` keys of the path), and check the bytes came back."""
    doc = JsoncDocument(text, strict=strict)
    assert doc.get(path) is MISSING
    doc.set(path, value)
    changed = doc.dump()
    assert doc.get(path) == value
    assert JsoncDocument(changed, strict=strict).get(path) == value
    doc.delete(path if created is None else path[:created])
    assert doc.dump() == text
    return changed


@pytest.mark.parametrize("text", [
    "{}", "{\n}\n", " { } ", '{"a":1}', COMMENTED, '{\r\n  "a": [1,\r\n 2]\r\n}\r\n', "\t{\n\t\t\"x\": null\n}",
    '{"a": "\\u00e9\\n", "b": -0.5e+10, "c": true, "d": false, "e": null}', "", "   \n", "// only a comment\n",
])
def test_dump_gives_back_the_text(text):
    assert JsoncDocument(text).dump() == text


def test_new_key_goes_after_the_last_member_in_the_files_indent():
    text = '{\n  "theme": "dark",\n  "mcpServers": {\n    "mine": {"command": "x"}\n  }\n}\n'
    changed = roundtrip(text, ("mcpServers", "docs"), SERVER)
    assert changed == (
        '{\n  "theme": "dark",\n  "mcpServers": {\n    "mine": {"command": "x"},\n'
        '    "docs": {\n      "url": "https://mcp.example.com/docs/mcp",\n'
        '      "headers": {\n        "Authorization": "Bearer ${env:AISTACK_TOKEN}"\n      }\n    }\n  }\n}\n'
    )


def test_four_spaces_tabs_and_crlf_are_kept():
    four = '{\n    "a": 1\n}'
    assert roundtrip(four, ("b",), {"c": [1]}) == '{\n    "a": 1,\n    "b": {\n        "c": [\n            1\n        ]\n    }\n}'
    tabs = '{\n\t"a": 1\n}\n'
    assert roundtrip(tabs, ("b",), {"c": 2}) == '{\n\t"a": 1,\n\t"b": {\n\t\t"c": 2\n\t}\n}\n'
    crlf = '{\r\n  "a": 1\r\n}\r\n'
    changed = roundtrip(crlf, ("b",), {"c": 2})
    assert changed == '{\r\n  "a": 1,\r\n  "b": {\r\n    "c": 2\r\n  }\r\n}\r\n'
    assert "\n" not in changed.replace("\r\n", "")


def test_indent_is_detected_from_deeper_members_when_the_top_is_on_one_line():
    doc = JsoncDocument('{"a": {\n        "b": {\n                "c": 1}}}')
    assert doc.indent_unit() == "        "
    assert JsoncDocument('{"a": 1}').indent_unit() == "  "
    assert JsoncDocument('  {\n     "a": 1}').indent_unit() == "   "
    assert JsoncDocument('{\n\t\t"a": 1}').indent_unit() == "\t\t"


def test_trailing_comma_style_is_kept():
    text = '{\n  "a": 1,\n  "b": {\n    "x": 1,\n  },\n}\n'
    assert roundtrip(text, ("b", "y"), 2) == '{\n  "a": 1,\n  "b": {\n    "x": 1,\n    "y": 2,\n  },\n}\n'
    assert roundtrip(text, ("c",), []) == '{\n  "a": 1,\n  "b": {\n    "x": 1,\n  },\n  "c": [],\n}\n'


def test_comments_everywhere_survive_and_set_then_delete_restores_them():
    changed = roundtrip(COMMENTED, ("b", "d"), {"k": "v"})
    for comment in ("// top comment", "/* before a */", "// after a", "// after brace", "/* inside */",
                    "// after c", "// before close"):
        assert changed.count(comment) == 1
    assert '    "c": [1, 2, /* inside */ 3], // after c\n    "d": {\n      "k": "v"\n    },\n  },' in changed
    roundtrip(COMMENTED, ("z",), 1)
    roundtrip(COMMENTED, ("b", "c", Item("name", "n")), {"name": "n"})


def test_a_comment_before_the_last_key_on_its_line_keeps_one_member_per_line():
    text = '{\n  /* mine */ "a": 1\n}'
    assert roundtrip(text, ("b",), {"c": 1}) == '{\n  /* mine */ "a": 1,\n  "b": {\n    "c": 1\n  }\n}'


def test_a_comment_after_the_last_member_stays_on_its_line():
    text = '{\n  "a": 1 // why a\n}'
    changed = roundtrip(text, ("b",), 2)
    assert changed == '{\n  "a": 1, // why a\n  "b": 2\n}'
    text = '{\n  "a": 1 /* x */ /* y */\n}'
    assert roundtrip(text, ("b",), 2) == '{\n  "a": 1, /* x */ /* y */\n  "b": 2\n}'


def test_missing_parents_are_created_and_deleting_the_topmost_restores():
    text = '{\n  "a": 1\n}\n'
    doc = JsoncDocument(text)
    doc.set(("mcp", "servers", "docs"), {"url": "u"})
    assert doc.dump() == '{\n  "a": 1,\n  "mcp": {\n    "servers": {\n      "docs": {\n        "url": "u"\n      }\n    }\n  }\n}\n'
    doc.delete(("mcp",))
    assert doc.dump() == text


def test_set_replaces_the_whole_value_and_nothing_else():
    text = '{\n  // mine\n  "mcpServers": {\n    "docs": {"url": "old", "extra": true},\n    "other": 1\n  }\n}'
    doc = JsoncDocument(text)
    doc.set(("mcpServers", "docs"), {"url": "new"})
    assert doc.get(("mcpServers", "docs")) == {"url": "new"}
    assert doc.dump() == text.replace('{"url": "old", "extra": true}', '{\n      "url": "new"\n    }')
    doc.set(("mcpServers", "other"), "x")
    assert doc.dump().endswith('"other": "x"\n  }\n}')


def test_values_inside_a_one_line_object_stay_on_one_line():
    text = '{"a": {"b": 1}, "z": [1, 2]}'
    assert roundtrip(text, ("a", "c"), {"d": [1, 2]}) == '{"a": {"b": 1, "c": {"d": [1, 2]}}, "z": [1, 2]}'
    assert roundtrip('{"a":1}', ("b",), {"c": 1}) == '{"a":1, "b":{"c":1}}'
    doc = JsoncDocument(text)
    doc.set(("a", "b"), {"x": 1})
    assert doc.dump() == '{"a": {"b": {"x": 1}}, "z": [1, 2]}'


def test_empty_containers():
    assert roundtrip("{}", ("a",), 1) == '{\n  "a": 1\n}'
    assert roundtrip('{\n  "s": {}\n}', ("s", "a"), {"b": {}}) == '{\n  "s": {\n    "a": {\n      "b": {}\n    }\n  }\n}'
    assert roundtrip('{"s": [ ]}', ("s", Item("name", "x")), {"name": "x"}) == \
        '{"s": [\n  {\n    "name": "x"\n  }\n ]}'
    # A line break already inside: a blank line is the price of giving the bytes back on delete.
    assert roundtrip("{\n}\n", ("a",), 1) == '{\n  "a": 1\n\n}\n'
    assert roundtrip('{\n  "s": { /* none yet */ }\n}', ("s", "a"), 1) == \
        '{\n  "s": { /* none yet */\n    "a": 1\n   }\n}'
    roundtrip('{\n  // nothing\n}', ("a",), 1)


def test_blank_text_is_an_empty_object():
    for text in ("", "  \n\n", "\r\n"):
        doc = JsoncDocument(text)
        assert doc.get(()) == {}
        assert doc.get(("a",)) is MISSING
        doc.delete(("a",))
        assert doc.dump() == text
    doc = JsoncDocument("")
    doc.set(("k",), {"x": 1})
    assert doc.dump() == '{\n  "k": {\n    "x": 1\n  }\n}\n'
    roundtrip("", ("k", "j"), 1, created=1)
    roundtrip("\n", ("k",), 1, strict=True)
    assert roundtrip("\r\n", ("k",), 1) == '{\r\n  "k": 1\r\n}\r\n'
    assert roundtrip("// settings\n", ("k",), 1) == '// settings\n{\n  "k": 1\n}\n'


def test_item_paths_select_objects_in_arrays():
    text = '{\n  "servers": [\n    {"name": "mine", "command": "x"},\n    "not an object",\n    {"name": "docs", "url": "old"}\n  ]\n}'
    doc = JsoncDocument(text)
    assert doc.get(("servers", Item("name", "docs"))) == {"name": "docs", "url": "old"}
    assert doc.get(("servers", Item("name", "docs"), "url")) == "old"
    assert doc.get(("servers", Item("name", "none"))) is MISSING
    assert doc.get(("servers", Item("command", "x"), "name")) == "mine"
    doc.set(("servers", Item("name", "docs")), {"url": "new"})
    assert doc.get(("servers", Item("name", "docs"))) == {"name": "docs", "url": "new"}
    doc.delete(("servers", Item("name", "docs")))
    assert doc.dump() == '{\n  "servers": [\n    {"name": "mine", "command": "x"},\n    "not an object"\n  ]\n}'
    changed = roundtrip(text, ("servers", Item("name", "git")), {"name": "git", "command": "uvx"})
    assert changed.endswith('{"name": "docs", "url": "old"},\n    {\n      "name": "git",\n      "command": "uvx"\n    }\n  ]\n}')
    doc = JsoncDocument("{}")
    doc.set(("servers", Item("name", "a"), "env"), {"K": "v"})
    assert doc.get(()) == {"servers": [{"name": "a", "env": {"K": "v"}}]}
    with pytest.raises(PathError):
        doc.set(("servers", Item("name", "a")), {"name": "b"})
    with pytest.raises(PathError):
        doc.set(("servers", Item("name", "zz")), ["not", "an", "object"])


def test_duplicate_keys_act_on_the_last_occurrence():
    doc = JsoncDocument('{"a": 1, "a": 2}')
    assert doc.get(("a",)) == 2
    assert doc.get(()) == {"a": 2}
    doc.set(("a",), 3)
    assert doc.dump() == '{"a": 1, "a": 3}'
    doc.delete(("a",))
    assert doc.dump() == '{"a": 1}'


def test_unicode_is_written_as_is():
    changed = roundtrip('{\n  "é": "ü"\n}', ("名前",), "値 ✓ \u2028")
    assert '"名前": "値 ✓ \u2028"' in changed
    assert JsoncDocument(changed).get(("é",)) == "ü"
    assert JsoncDocument('{"a": "\\ud83d\\ude00\\t\\"q\\""}').get(("a",)) == "\U0001F600\t\"q\""


def test_get_returns_plain_values():
    doc = JsoncDocument('{"i": -12, "f": 1.5e3, "t": true, "n": null, "s": "x", "l": [1, {"k": []}], "big": 12345678901234567890}')
    assert doc.get(()) == {"i": -12, "f": 1500.0, "t": True, "n": None, "s": "x", "l": [1, {"k": []}],
                           "big": 12345678901234567890}
    assert type(doc.get(("i",))) is int and type(doc.get(("f",))) is float
    assert doc.get(("s", "deeper")) is MISSING
    assert doc.get(("l", "k")) is MISSING
    assert doc.get(("l", Item("k", "x"))) is MISSING


def test_setting_through_a_non_object_is_refused_and_changes_nothing():
    text = '{"a": "text", "l": [1]}'
    doc = JsoncDocument(text)
    with pytest.raises(PathError, match="a is a string"):
        doc.set(("a", "b"), 1)
    with pytest.raises(PathError, match="l is an array"):
        doc.set(("l", "b"), 1)
    with pytest.raises(PathError, match="top level is an object"):
        doc.set((Item("name", "x"),), {})
    with pytest.raises(ValueError):
        doc.set(("x",), float("nan"))
    with pytest.raises(ValueError):
        doc.set(("x",), {1: 2})
    assert doc.dump() == text


def test_delete_of_missing_paths_is_a_no_op():
    text = '{"a": {"b": 1}}'
    doc = JsoncDocument(text)
    for path in [("x",), ("a", "x"), ("a", "b", "c"), ("a", Item("n", "v")), ()]:
        doc.delete(path)
    assert doc.dump() == text


def test_deleting_user_members_leaves_valid_tidy_json():
    doc = JsoncDocument('{\n  "a": 1,\n  "b": 2,\n  "c": 3\n}', strict=True)
    doc.delete(("b",))
    assert doc.dump() == '{\n  "a": 1,\n  "c": 3\n}'
    doc.delete(("c",))
    assert doc.dump() == '{\n  "a": 1\n}'
    doc.delete(("a",))
    assert doc.dump() == "{}"
    doc = JsoncDocument('{"a": 1, "b": 2}')
    doc.delete(("a",))
    assert doc.dump() == '{"b": 2}'


def test_the_files_colon_style_is_kept():
    assert roundtrip('{\n  "a":1\n}', ("b",), {"c": 1}) == '{\n  "a":1,\n  "b":{\n    "c":1\n  }\n}'


def test_strict_json_rejects_comments_and_trailing_commas_tolerant_accepts_them():
    for text, message, line, column in [
        ('{\n  // c\n  "a": 1\n}', "comments are not allowed in JSON", 2, 3),
        ('{"a": 1 /* c */}', "comments are not allowed in JSON", 1, 9),
        ('{\n  "a": 1,\n}', "trailing commas are not allowed in JSON", 2, 9),
        ('{"a": [1, 2,]}', "trailing commas are not allowed in JSON", 1, 12),
    ]:
        with pytest.raises(ParseError) as info:
            parse("json", text)
        assert (info.value.message, info.value.line, info.value.column) == (message, line, column)
        assert parse("jsonc", text).dump() == text


@pytest.mark.parametrize("text, message, line, column", [
    ('{"a": 1 "b": 2}', "expected ',' or '}'", 1, 9),
    ('{\n  "a": [1 2]\n}', "expected ',' or ']'", 2, 11),
    ('{\n  "a": "abc\n}', "unterminated string", 2, 8),
    ('{"a": "abc', "unterminated string", 1, 7),
    ('{"a": "\\x"}', "invalid escape in string", 1, 8),
    ('{"a": "\\u12G4"}', "invalid unicode escape in string", 1, 8),
    ('{"a": "\t"}', "control character in string", 1, 8),
    ('{\n  /* open', "unterminated comment", 2, 3),
    ('{"a": 01}', "invalid number", 1, 7),
    ('{"a": 1.}', "invalid number", 1, 7),
    ('{"a": -}', "invalid number", 1, 7),
    ('{"a": tru}', "unexpected word 'tru'", 1, 7),
    ('{"a": undefined}', "unexpected word 'undefined'", 1, 7),
    ("{'a': 1}", "unexpected character \"'\"", 1, 2),
    ('{a: 1}', "unexpected word 'a'", 1, 2),
    ('{"a" 1}', "expected ':'", 1, 6),
    ('{"a":}', "expected a value", 1, 6),
    ('{"a": 1,,}', "expected a property name in double quotes", 1, 9),
    ('{"a": [1,,2]}', "expected a value", 1, 10),
    ('{"a": 1', "unexpected end of file, expected '}'", 1, 8),
    ('{"a": [1,', "unexpected end of file, expected ']'", 1, 10),
    ('{"a":', "unexpected end of file, expected a value", 1, 6),
    ('{} {}', "expected end of file", 1, 4),
    ('{}\n]', "expected end of file", 2, 1),
    ('[1, 2]', "the top level must be an object", 1, 1),
    ('\n  "text"', "the top level must be an object", 2, 3),
    ('}', "expected a value", 1, 1),
    ('{"a": 1} // ok\n/ x', "unexpected character '/'", 2, 1),
    ("{\"a\": NaN}", "unexpected word 'NaN'", 1, 7),
])
def test_parse_errors_carry_line_and_column(text, message, line, column):
    with pytest.raises(ParseError) as info:
        JsoncDocument(text)
    assert (info.value.message, info.value.line, info.value.column) == (message, line, column)
    assert str(info.value) == f"{message} at line {line}, column {column}"


def test_deep_nesting_is_an_error_not_a_crash():
    with pytest.raises(ParseError, match="nesting too deep"):
        JsoncDocument('{"a": ' + "[" * 5000 + "]" * 5000 + "}")
    ok = '{"a": ' + "[" * 300 + "]" * 300 + "}"
    assert JsoncDocument(ok).dump() == ok


def test_to_standard_json_leaves_json_with_the_same_positions():
    text = '// top\n{\n  /* a */ "a": 1, // after\n  "b": [2 /* x\n y */,],\n}\n'
    standard = to_standard_json(text)
    assert json.loads(standard) == {"a": 1, "b": [2]}
    assert standard.count("\n") == text.count("\n") and len(standard) == len(text)
    assert to_standard_json('{"a": "// not /* a comment", }') == '{"a": "// not /* a comment"  }'


def test_has_answers_without_building_values():
    doc = JsoncDocument('{"a": {"b": null}, "l": [{"name": "x"}], "s": "t"}')
    assert doc.has(()) and doc.has(("a",)) and doc.has(("a", "b"))
    assert doc.has(("l", Item("name", "x")))
    assert not doc.has(("l", Item("name", "y"))) and not doc.has(("s", "t")) and not doc.has(("z",))
    assert JsoncDocument("").has(()) and not JsoncDocument("").has(("a",))


@pytest.mark.parametrize("text", [
    '{ "theme": "One Dark", "vim_mode": true // keep vim\n}',
    '{"a": 1, "b": {"c": 2} // why\n}',
    '{\n  "a": 1, "b": 2 // two on a line\n}\n',
    '{"a": 1 // first\n, "b": 2 // second\n}',
    '{"a": 1 /* block */ // line\n}',
])
def test_a_member_after_a_line_comment_starts_a_line_of_its_own(text):
    changed = roundtrip(text, ("context_servers", "docs"), {"url": "u"}, created=1)
    assert JsoncDocument(changed).get(("context_servers",)) == {"docs": {"url": "u"}}
    for line in changed.splitlines():
        if "//" in line:
            assert "context_servers" not in line.split("//", 1)[1], "never inside the comment"
    doc = JsoncDocument(changed)
    doc.set(("context_servers", "docs"), {"url": "u"})
    assert doc.dump() == changed, "a second run appends nothing"


def test_the_issue_case_reads_as_written():
    changed = roundtrip('{ "theme": "One Dark", "vim_mode": true // keep vim\n}', ("s",), {"a": 1})
    assert changed == '{ "theme": "One Dark", "vim_mode": true, // keep vim\n  "s": {\n    "a": 1\n  }\n}'


def test_the_text_is_parsed_once_whatever_the_number_of_edits(monkeypatch):
    from aistack.engine import jsonc_tree

    built = []
    real = jsonc_tree.Tree.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(jsonc_tree.Tree, "__init__", counting)
    doc = JsoncDocument('{\n  // mine\n  "mcpServers": {"x": 1},\n  "z": [1, 2],\n}\n')
    for i in range(200):
        doc.set(("mcpServers", f"s{i}"), {"url": f"u{i}", "env": {"K": str(i)}})
    for i in range(0, 200, 2):
        doc.delete(("mcpServers", f"s{i}"))
    doc.set(("mcpServers", "s1"), {"url": "changed"})
    assert len(built) == 1
    fresh = JsoncDocument(doc.dump())
    assert fresh.get(()) == doc.get(())
    assert fresh.get(("mcpServers", "s1")) == {"url": "changed"}


def test_a_large_strict_file_is_read_lazily_and_its_bytes_kept():
    big = {"projects": {f"/p/{i}": {"history": [{"display": "x" * 50}] * 20} for i in range(2000)}, "n": 1}
    text = json.dumps(big, indent=2)
    doc = JsoncDocument(text, strict=True)
    assert doc._tree.root.entries[0].node.entries is None, "the projects map is a span nobody scanned"
    doc.set(("mcpServers", "docs"), SERVER)
    assert doc.get(("n",)) == 1 and doc.get(("projects", "/p/7", "history", )) == big["projects"]["/p/7"]["history"]
    doc.delete(("mcpServers",))
    assert doc.dump() == text


def test_strict_json_that_only_the_full_parser_reads_is_still_read():
    text = '{"a": ' + "1" * 5000 + ', "b": [1]}'  # an integer longer than int() takes
    doc = JsoncDocument(text, strict=True)
    assert doc.get(("b",)) == [1]
    assert doc.get(("a",)) == float("inf")
    with pytest.raises(ParseError, match="comments are not allowed"):
        JsoncDocument('{"a": [1, /* c */ 2]}', strict=True)
    with pytest.raises(ParseError, match="unexpected word 'NaN'"):
        JsoncDocument('{"a": {"b": NaN}}', strict=True)
