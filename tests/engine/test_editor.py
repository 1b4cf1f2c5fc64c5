"""The editor's decisions on one document and its record: the user's entries, exact restores, routing that
gives way, and records written by earlier versions."""

from __future__ import annotations

import json

import pytest

from aistack.engine import ownership
from aistack.engine.document import MISSING, parse
from aistack.engine.editor import Change, Editor
from aistack.engine.ownership import FileRecord, Owned, value_hash

OWNER = "t@Org"
DOCS = {"url": "https://mcp.example.com/docs/mcp"}


def run(fmt, text, changes, record=None, *, remove=False, force=False):
    """One run: the text after it, the editor (conflicts, notes, kept) and the record as it would be saved."""
    record = record if record is not None else FileRecord("f")
    editor = Editor(fmt, parse(fmt, text), record, OWNER, force)
    editor.run(changes, remove)
    # What is saved is read back by the next run.
    saved = json.loads(json.dumps([o.to_json() for o in record.entries.values()], ensure_ascii=False))
    again = FileRecord("f")
    for raw in saved:
        again.put(Owned.from_json(raw))
    return editor.doc.dump(), editor, again


def cycle(fmt, text, changes):
    """setup, setup, setup --force, setup --remove: the bytes after each."""
    first, e1, record = run(fmt, text, changes)
    second, e2, record = run(fmt, first, changes, record)
    forced, e3, record = run(fmt, second, changes, record, force=True)
    removed, e4, record = run(fmt, forced, changes, record, remove=True)
    return (first, second, forced, removed), (e1, e2, e3, e4), record


VSCODE = """{
  "servers": {
    // my own docs server
    "docs": {
      "command": "my-docs", // local build
      "args": ["--port", "8080",],
    },
    "other": {"command": "x"}
  },
}
"""


def test_force_then_remove_gives_back_the_users_entry_byte_for_byte():
    changes = [Change(("servers", "docs"), DOCS), Change(("servers", "git"), {"command": "uvx"})]
    (first, second, forced, removed), (e1, _, e3, e4), record = cycle("jsonc", VSCODE, changes)
    assert e1.conflicts and "servers.docs" in e1.conflicts[0]
    assert second == first
    assert parse("jsonc", forced).get(("servers", "docs")) == DOCS
    assert "// local build" not in forced and "// my own docs server" in forced
    assert not e3.conflicts and not e4.conflicts
    assert removed == VSCODE
    assert not record.entries


def test_a_toml_entry_spread_over_several_tables_comes_back_as_it_was():
    text = ('model = "o3"\n\n[mcp_servers.git]\ncommand = "git-mcp"  # mine\n\n'
            '[projects."/src"]\ntrust_level = "trusted"\n'
            '\n[mcp_servers.git.env]\nGITHUB_TOKEN = "${GITHUB_TOKEN}"\n')
    changes = [Change(("mcp_servers", "git"), {"command": "uvx", "args": ["mcp-server-git"]})]
    (_, _, forced, removed), (e1, _, _, e4), _ = cycle("toml", text, changes)
    assert e1.conflicts
    assert "GITHUB_TOKEN" not in forced
    assert parse("toml", forced).get(("projects",)) == {"/src": {"trust_level": "trusted"}}
    assert not e4.conflicts
    assert removed == text


@pytest.mark.parametrize("fmt, text, path", [
    ("json", '{\n  "mcpServers": {\n    "docs": {"n": 1e400}\n  }\n}\n', ("mcpServers", "docs")),
    ("json", '{\n  "mcpServers": {\n    "docs": {"s": "\\ud800 lone"}\n  }\n}\n', ("mcpServers", "docs")),
    ("toml", '[mcp_servers.docs]\nsince = 2024-01-02\nat = 07:30:00\nn = 0x10\nf = 1e3\n', ("mcp_servers", "docs")),
    ("yaml", '%YAML 1.2\n---\nextensions:\n  docs: {n: 0x10, f: 1e3, none: ~}\n...\n', ("extensions", "docs")),
])
def test_force_over_values_json_cannot_hold_restores_the_text(fmt, text, path):
    """inf, lone surrogates, dates: the restore puts the text back instead of a value, and nothing crashes."""
    (_, _, forced, removed), (e1, _, e3, e4), record = cycle(fmt, text, [Change(path, DOCS)])
    assert e1.conflicts and not e3.conflicts and not e4.conflicts
    assert parse(fmt, forced).get(path) == DOCS
    assert removed == text


def test_an_entry_equal_to_aistacks_is_the_users():
    text = ('{\n  "mcpServers": {\n    // already there\n    "docs": {\n'
            '      "url": "https://mcp.example.com/docs/mcp"\n    }\n  }\n}\n')
    after, editor, record = run("jsonc", text, [Change(("mcpServers", "docs"), DOCS)])
    assert after == text and not editor.conflicts
    assert editor.notes == ["`mcpServers.docs` is already there as aistack would write it: yours, left as it is"]
    assert not record.entries, "never taken for aistack's"
    removed, editor, _ = run("jsonc", after, [Change(("mcpServers", "docs"), DOCS)], record, remove=True)
    assert removed == text


def test_a_record_of_an_earlier_version_still_restores():
    text = '{\n  "mcpServers": {\n    "docs": {"command": "mine"}\n  }\n}\n'
    forced = '{\n  "mcpServers": {\n    "docs": {\n      "url": "https://mcp.example.com/docs/mcp"\n    }\n  }\n}\n'
    record = FileRecord("f")
    record.put(Owned.from_json({"path": ["mcpServers", "docs"], "hash": value_hash(DOCS), "owner": OWNER,
                                "previous": {"command": "mine"}}))
    removed, editor, after = run("json", forced, [], record, remove=True)
    assert not editor.conflicts and not after.entries
    assert json.loads(removed) == json.loads(text)


def test_an_adopted_entry_of_an_earlier_version_is_left_to_the_user():
    text = '{\n  "mcpServers": {\n    "docs": {"url": "https://mcp.example.com/docs/mcp"}  // mine\n  }\n}\n'
    record = FileRecord("f")
    record.put(Owned.from_json({"path": ["mcpServers", "docs"], "hash": value_hash(DOCS), "owner": OWNER,
                                "previous": DOCS}))
    removed, editor, after = run("jsonc", text, [], record, remove=True)
    assert removed == text and not after.entries
    again, editor, after = run("jsonc", text, [Change(("mcpServers", "docs"), DOCS)], record)
    assert again == text and editor.notes and not after.entries


def test_when_the_text_around_changed_the_value_comes_back():
    text = '{\n  "a": 1,\n  "mcpServers": {\n    "docs": {"command": "mine"}\n  }\n}\n'
    _, _, record = run("json", text, [Change(("mcpServers", "docs"), DOCS)], force=True)
    forced = run("json", text, [Change(("mcpServers", "docs"), DOCS)], force=True)[0]
    edited = forced.replace('"mcpServers": {\n', '"mcpServers": {\n    "mine2": 2,\n')
    removed, editor, after = run("json", edited, [], record, remove=True)
    assert not editor.conflicts and not after.entries
    assert parse("json", removed).get(("mcpServers",)) == {"mine2": 2, "docs": {"command": "mine"}}


def test_without_a_value_to_fall_back_on_a_restore_that_cannot_be_exact_is_refused():
    text = '[mcp_servers.docs]\nsince = 2024-01-02\n\n[other]\nx = 1\n'
    change = [Change(("mcp_servers", "docs"), DOCS)]
    forced, _, record = run("toml", text, change, force=True)
    edited = forced.replace('[mcp_servers.docs]\n', '[mcp_servers.docs]  # edited by hand\n')
    removed, editor, after = run("toml", edited, [], record, remove=True)
    assert editor.conflicts and "backup" in editor.conflicts[0]
    assert removed == edited and after.entries, "aistack's entry stays, and so does the record"


GEMINI = '{\n  // signed in with Google\n  "security": {"auth": {"selectedType": "oauth-personal"}}\n}\n'
AUTH = ("security", "auth", "selectedType")


def routing(value="gemini-api-key"):
    return [Change(("mcpServers", "docs"), DOCS), Change(AUTH, value, soft="gateway routing",
                                                          aliases=(("selectedAuthType",),))]


def test_routing_gives_way_to_the_users_sign_in_without_a_conflict():
    after, editor, record = run("jsonc", GEMINI, routing())
    assert not editor.conflicts
    assert editor.kept == ['`security.auth.selectedType` is "oauth-personal": your choice, left as it is '
                           "(gateway routing not set up)"]
    assert parse("jsonc", after).get(AUTH) == "oauth-personal"
    assert parse("jsonc", after).get(("mcpServers", "docs")) == DOCS, "the servers are set up all the same"
    forced, editor, record = run("jsonc", after, routing(), record, force=True)
    assert parse("jsonc", forced).get(AUTH) == "gemini-api-key" and not editor.kept
    removed, _, _ = run("jsonc", forced, routing(), record, remove=True)
    assert removed == GEMINI


def test_the_older_spelling_of_a_setting_is_the_same_setting():
    old = '{\n  "selectedAuthType": "oauth-personal",\n  "theme": "Dracula"\n}\n'
    after, editor, record = run("jsonc", old, routing())
    assert editor.kept and "`selectedAuthType` is \"oauth-personal\"" in editor.kept[0]
    assert parse("jsonc", after).get(AUTH) is MISSING, "no second spelling added beside the user's"
    forced, editor, record = run("jsonc", after, routing(), record, force=True)
    assert parse("jsonc", forced).get(AUTH) == "gemini-api-key"
    assert parse("jsonc", forced).get(("selectedAuthType",)) == "gemini-api-key", "both spellings agree"
    assert run("jsonc", forced, routing(), record, remove=True)[0] == old


def test_a_routing_group_is_left_out_whole():
    """The user's own base URL: aistack's key helper must not go there either (its token would)."""
    text = '{\n  "env": {"ANTHROPIC_BASE_URL": "https://my-proxy.example"}\n}\n'
    group = [Change(("env", "ANTHROPIC_BASE_URL"), "https://ai.example.com/anthropic", soft="gateway routing"),
             Change(("apiKeyHelper",), "aistack token", soft="gateway routing")]
    after, editor, _ = run("json", text, group)
    assert after == text and editor.kept and not editor.conflicts


def test_routing_the_user_changes_later_is_theirs_and_aistacks_rest_goes():
    group = [Change(("env", "ANTHROPIC_BASE_URL"), "https://ai.example.com/anthropic", soft="gateway routing"),
             Change(("apiKeyHelper",), "aistack token", soft="gateway routing")]
    first, _, record = run("json", "{}", group)
    mine = first.replace("https://ai.example.com/anthropic", "https://my-proxy.example")
    after, editor, record = run("json", mine, group, record)
    assert not editor.conflicts and editor.kept
    assert parse("json", after).get(()) == {"env": {"ANTHROPIC_BASE_URL": "https://my-proxy.example"}}
    assert not record.entries
    assert run("json", after, group, record, remove=True)[0] == after


def test_value_hash_takes_every_value_a_format_can_hold():
    import datetime

    for value in (float("inf"), "\ud800", datetime.date(2024, 1, 2), {1: "a", "1": "b"}, [datetime.time(7, 30)]):
        assert value_hash(value) == value_hash(value)
    import hashlib

    old = hashlib.sha256(json.dumps({"a": [1, "é"]}, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]
    assert value_hash({"a": [1, "é"]}) == old, "records written before keep matching"
    assert ownership.storable({"a": 1}) and not ownership.storable(float("inf")) and not ownership.storable("\ud800")
