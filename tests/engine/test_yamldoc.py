"""YAML documents (Goose, Continue): ruamel's edits transplanted onto the original text, comments kept."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from aistack.engine.document import MISSING, Item, ParseError, PathError, parse
from aistack.engine.transplant import transplant
from aistack.engine.yamldoc import YamlDocument, detect_indent

GOOSE = """# Goose config
GOOSE_PROVIDER: openai  # provider
GOOSE_MODEL:   gpt-4o
extensions:
  developer:
    enabled: true
    name: developer
    type: builtin
  # my own
  mine:
    cmd: uvx
    args:
    - mcp-server-git
    envs: {}
    type: stdio   # trailing
  # after mine
long: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbb"
flow: { a: 1,  b: 2 }
"""

CONTINUE = """name: My config  # mine
version: 0.0.1
schema: v1
models:
  - name: gpt   # chat
    provider: openai
    model: gpt-4o
mcpServers:
  # a server of mine
  - name: mine
    command: uvx
    args:
      - mcp-server-time
"""

GOOSE_EXT = {"type": "streamable_http", "name": "docs", "uri": "https://mcp.example.com/docs/mcp",
             "headers": {"Authorization": "Bearer x"}, "enabled": True, "timeout": 300}
CONTINUE_SERVER = {"name": "docs", "type": "streamable-http", "url": "https://mcp.example.com/docs/mcp",
                   "requestOptions": {"headers": {"X-Org": "example"}}}


def roundtrip(text: str, path, value, created: int | None = None) -> str:
    doc = YamlDocument(text)
    assert doc.get(path) is MISSING
    doc.set(path, value)
    changed = doc.dump()
    assert doc.get(path) == value
    assert YamlDocument(changed).get(path) == value
    assert YAML(typ="safe").load(changed) is not None
    again = YamlDocument(changed)
    again.delete(path if created is None else path[:created])
    assert again.dump() == text
    return changed


@pytest.mark.parametrize("text", [GOOSE, CONTINUE, "", "# only a comment\n", "a: 1", GOOSE.replace("\n", "\r\n")])
def test_dump_gives_back_the_text(text):
    assert YamlDocument(text).dump() == text


def test_goose_extension_is_added_in_the_files_style_and_removed_exactly():
    changed = roundtrip(GOOSE, ("extensions", "docs"), GOOSE_EXT)
    assert changed == GOOSE.replace("  # after mine\n", (
        "  # after mine\n  docs:\n    type: streamable_http\n    name: docs\n"
        "    uri: https://mcp.example.com/docs/mcp\n    headers:\n      Authorization: Bearer x\n"
        "    enabled: true\n    timeout: 300\n"))
    # Lines ruamel would re-space (extra spaces after a colon, a spaced flow mapping) are left as they are.
    assert "GOOSE_MODEL:   gpt-4o\n" in changed and "flow: { a: 1,  b: 2 }\n" in changed


def test_continue_list_entry_by_name():
    changed = roundtrip(CONTINUE, ("mcpServers", Item("name", "docs")), CONTINUE_SERVER)
    assert changed == CONTINUE + (
        "  - name: docs\n    type: streamable-http\n    url: https://mcp.example.com/docs/mcp\n"
        "    requestOptions:\n      headers:\n        X-Org: example\n")
    doc = YamlDocument(changed)
    assert doc.get(("mcpServers", Item("name", "docs"), "url")) == "https://mcp.example.com/docs/mcp"
    doc.set(("mcpServers", Item("name", "docs")), {"url": "https://new"})
    assert doc.get(("mcpServers", Item("name", "docs"))) == {"name": "docs", "url": "https://new"}
    assert doc.get(("mcpServers", Item("name", "mine"), "args")) == ["mcp-server-time"]
    assert "# a server of mine" in doc.dump() and "# chat" in doc.dump()


def test_a_missing_list_and_its_entry_are_created():
    text = "name: cfg\nversion: 1\n"
    changed = roundtrip(text, ("mcpServers", Item("name", "docs"), "url"), "u", created=1)
    assert changed == text + "mcpServers:\n- name: docs\n  url: u\n"


def test_crlf_tabs_free_four_space_files_and_no_final_newline():
    crlf = GOOSE.replace("\n", "\r\n")
    changed = roundtrip(crlf, ("extensions", "docs"), {"uri": "u"})
    assert "\r\n  docs:\r\n    uri: u\r\n" in changed and "\n" not in changed.replace("\r\n", "")
    four = "a:\n    b: 1\n    c:\n        - 1\n"
    assert roundtrip(four, ("a", "d"), {"e": [1, {"f": 2}]}) == four + "    d:\n        e:\n            - 1\n            - f: 2\n"
    assert roundtrip("a: 1", ("b",), [1, 2]) == "a: 1\nb:\n- 1\n- 2"
    assert roundtrip("a: 1", ("b",), "x") == "a: 1\nb: x"


def test_detect_indent():
    assert detect_indent(GOOSE) == (2, 2, 0)
    assert detect_indent(CONTINUE) == (2, 4, 2)
    assert detect_indent("a:\n    b:\n      - x\n") == (4, 4, 2)
    assert detect_indent("a: 1\n") == (2, 2, 0)


def test_empty_and_comment_only_files():
    assert roundtrip("", ("extensions", "docs"), {"a": 1}, created=1) == "extensions:\n  docs:\n    a: 1\n"
    assert roundtrip("# only\n", ("k",), "v") == "# only\nk: v\n"
    assert roundtrip("\n\n", ("k",), 1) == "\n\nk: 1\n"
    doc = YamlDocument("")
    assert doc.get(()) == {} and doc.get(("a",)) is MISSING
    doc.delete(("a",))
    assert doc.dump() == ""


def test_comments_at_several_places_survive():
    for path, value in [(("extensions", "docs"), GOOSE_EXT), (("zz",), {"k": [1]}), (("extensions", "mine", "timeout"), 5),
                        (("extensions", "mine", "envs", "K"), "v")]:
        changed = roundtrip(GOOSE, path, value)
        for comment in ("# Goose config", "# provider", "# my own", "# trailing", "# after mine"):
            assert changed.count(comment) == 1


def test_set_replaces_whole_and_unicode_and_quoting():
    doc = YamlDocument(GOOSE)
    doc.set(("extensions", "mine"), {"cmd": "npx"})
    assert doc.get(("extensions", "mine")) == {"cmd": "npx"}
    assert "  mine:\n    cmd: npx\n  # after mine\nlong:" in doc.dump()
    assert doc.dump().count("# Goose config") == 1 and doc.dump().count("# my own") == 1
    changed = roundtrip("a: 1\n", ("b",), {"ключ": "ü: not a mapping", "n": "123", "t": "true", "e": ""})
    assert YamlDocument(changed).get(("b", "n")) == "123"
    assert "ключ" in changed


def test_get_returns_plain_values():
    doc = YamlDocument("a: 1\nb: 1.5\nc: true\nd: [x, 'y']\ne: ~\nf: {g: [1]}\n")
    got = doc.get(())
    assert got == {"a": 1, "b": 1.5, "c": True, "d": ["x", "y"], "e": None, "f": {"g": [1]}}
    assert type(got["d"][1]) is str and type(got["f"]) is dict and type(got["a"]) is int


def test_paths_through_the_wrong_kind_are_refused():
    doc = YamlDocument(CONTINUE)
    with pytest.raises(PathError, match="name is not a mapping"):
        doc.set(("name", "x"), 1)
    with pytest.raises(PathError, match="models is not a mapping"):
        doc.set(("models", "x"), 1)
    with pytest.raises(PathError, match="name is not a list"):
        doc.set(("name", Item("name", "x")), {})
    with pytest.raises(PathError):
        doc.set(("mcpServers", Item("name", "x")), {"name": "y"})
    assert doc.dump() == CONTINUE
    for path in [("nope",), ("name", "x"), ("mcpServers", Item("name", "none")), ("mcpServers", Item("name", "mine"), "zz")]:
        doc.delete(path)
    assert doc.dump() == CONTINUE


def test_transplant_keeps_lines_ruamel_would_change():
    original = "a:   1\nb: {x: 1}\n"
    assert transplant(original, "a: 1\nb: {x: 1}\n", "a: 1\nb: {x: 1}\nc: 2\n") == "a:   1\nb: {x: 1}\nc: 2\n"
    # A changed line ruamel renders unlike the file is found between its unchanged neighbours.
    assert transplant(original, "a: 1\nb: {x: 1}\n", "a: 2\nb: {x: 1}\n") == "a: 2\nb: {x: 1}\n"
    assert transplant("x: 1\n", "a: 1\nb: 2\n", "a: 1\nb: 3\n") is None


@pytest.mark.parametrize("text, message, line, column", [
    ("a: b: c\n", "mapping values are not allowed here", 1, 5),
    ('a: "unterminated\n', "found unexpected end of stream", 2, 1),
    ("a: 1\na: 2\n", 'found duplicate key "a" with value "2" (original value: "1")', 2, 1),
    ("- 1\n- 2\n", "the top level must be a mapping", 1, 1),
    ("# c\n  just text\n", "the top level must be a mapping", 2, 3),
    ("a: [1, 2\n", "expected ',' or ']', but got '<stream end>'", 2, 1),
    ("a: 1\n---\nb: 2\n", "expected a single document in the stream, but found another document", 2, 1),
    ("\ta: 1\n", "found character '\\t' that cannot start any token", 1, 1),
    ("a: *nope\n", "found undefined alias 'nope'", 1, 4),
])
def test_parse_errors_carry_line_and_column(text, message, line, column):
    with pytest.raises(ParseError) as info:
        parse("yaml", text)
    assert (info.value.message, info.value.line, info.value.column) == (message, line, column)


def test_has():
    doc = YamlDocument(CONTINUE)
    assert doc.has(()) and doc.has(("mcpServers", Item("name", "mine"), "args"))
    assert not doc.has(("mcpServers", Item("name", "docs"))) and not doc.has(("name", "x"))
    assert YamlDocument("").has(()) and not YamlDocument("").has(("a",))
    assert YamlDocument("a: ~\n").has(("a",))
