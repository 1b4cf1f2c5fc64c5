"""YAML documents (Goose, Continue): surgical splices of an entry's own lines, every other byte kept."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from aistack.engine.document import MISSING, Item, ParseError, PathError, parse
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


def test_an_empty_flow_mapping_grows_as_block_and_comes_back():
    """Issue case: `extensions: {}` then a blank line and another key: set, then delete, gives the bytes back."""
    for text in ("extensions: {}\n\nGOOSE_MODEL: x\n", "extensions: {}  # none yet\nGOOSE_MODEL: x\n",
                 "a:\n  extensions: []\n\n  b: 1\n", "extensions: {}"):
        path = (("a", "extensions") if text.startswith("a:") else ("extensions",))
        doc = YamlDocument(text)
        key = Item("name", "docs") if text.startswith("a:") else "docs"
        doc.set((*path, key), GOOSE_EXT if key == "docs" else {"name": "docs", "cmd": "x"})
        doc.set((*path, "git" if key == "docs" else Item("name", "git")), {"name": "git", "cmd": "uvx"})
        changed = doc.dump()
        assert "{}" not in changed.split("\n")[0] and "\n\n" in changed if "\n\n" in text else True
        again = YamlDocument(changed)
        again.delete((*path, "git" if key == "docs" else Item("name", "git")))
        again.delete((*path, key))
        assert again.dump() == text


def test_nothing_is_edited_through_an_alias_or_an_anchor_others_use():
    for text, path in [("d: &d\n  x: 1\nextensions: *d\n", ("extensions", "docs")),
                       ("extensions: &e\n  x: {}\nother: *e\n", ("extensions", "docs")),
                       ("base: &b {cmd: x}\nextensions:\n  <<: *b\n", ("extensions", "docs")),
                       ("l: &l [1]\nm: *l\n", ("m", Item("name", "x")))]:
        doc = YamlDocument(text)
        with pytest.raises(PathError, match="shared"):
            doc.set(path, {"name": "x"})
        assert doc.dump() == text


def test_directives_markers_nulls_and_numerals_keep_their_bytes():
    text = "%YAML 1.2\n---\n# goose\nn: 0x10\nf: 1e3\ne: ~\nz:\nextensions:\n  mine: {cmd: x, t: ~}\n...\n"
    changed = roundtrip(text, ("extensions", "docs"), {"cmd": "aistack", "args": ["mcp-bridge", "docs"]})
    assert changed.startswith("%YAML 1.2\n---\n") and changed.endswith("...\n")
    doc = YamlDocument(text)
    doc.set(("extensions", "mine"), {"cmd": "y"})
    assert "n: 0x10\nf: 1e3\ne: ~\nz:\n" in doc.dump()
    for text in ("---\n", "---\n...\n", "%YAML 1.2\n---\n# c\n"):
        roundtrip(text, ("extensions", "docs"), {"a": 1}, created=1)


def test_strings_that_read_as_something_else_are_quoted():
    odd = ["yes", "no", "on", "~", "null", "1.5", "0x10", "2024-01-02", "", " lead", "a: b", "a #b", "-x", "@x",
           "*x", "&x", "!x", "%x", "'q", '"q', "[x", "{x", ".5", ".inf", "<<", "\u2028", "\x85", "tab\there", "é ü"]
    changed = roundtrip("a: 1\n", ("b",), {"list": odd, "map": {s: s for s in odd if s}})
    assert YamlDocument(changed).get(("b", "list")) == odd


def test_edits_are_made_on_one_parse(monkeypatch):
    from aistack.engine import yaml_syntax

    composed = []
    real = yaml_syntax.load
    monkeypatch.setattr(yaml_syntax, "load", lambda text, **kw: composed.append(len(text)) or real(text, **kw))
    import aistack.engine.yamldoc as yamldoc

    monkeypatch.setattr(yamldoc, "load", yaml_syntax.load)
    doc = YamlDocument(GOOSE)
    for i in range(200):
        doc.set(("extensions", f"s{i}"), {"name": f"s{i}", "cmd": "uvx", "args": ["a", str(i)], "enabled": True})
    for i in range(0, 200, 2):
        doc.delete(("extensions", f"s{i}"))
    assert len(composed) == 1
    doc.dump()
    assert len(composed) == 2, "and once more to check the text holds what the edits made"
