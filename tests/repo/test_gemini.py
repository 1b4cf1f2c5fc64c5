"""The Gemini CLI bridge: `context.fileName` in .gemini/settings.json gains AGENTS.md; every other byte stays."""

import json

import pytest

from support import backup_of
from support.gitrepo import ECOSYSTEMS, identity, make_repo

SETTINGS = ".gemini/settings.json"


@pytest.fixture(autouse=True)
def _identity(monkeypatch):
    identity(monkeypatch)


def repo_with_settings(tmp_path, text: str | bytes):
    files = dict(ECOSYSTEMS["npm"])
    files[SETTINGS] = text
    return make_repo(tmp_path / "r", files)


def test_existing_settings_with_comments_keep_every_other_byte(cli, tmp_path):
    text = ('{\n  // team MCP servers\n  "mcpServers": {\n    "docs": {"url": "https://docs.example.com/mcp"},\n  },\n'
            '  "theme": "GitHub", /* keep */\n}\n')
    root = repo_with_settings(tmp_path, text)
    code, _, err = cli("init-repo", str(root))
    assert code == 0, err
    after = (root / SETTINGS).read_text()
    assert after.startswith('{\n  // team MCP servers\n  "mcpServers": {\n    "docs": {"url": "https://docs.example.com/mcp"},\n  },\n'
                            '  "theme": "GitHub", /* keep */\n')
    from aistack.engine.document import parse
    doc = parse("jsonc", after)
    assert doc.get(("context", "fileName")) == ["AGENTS.md", "GEMINI.md"]
    doc.delete(("context",))
    assert doc.dump() == text  # removing what was added gives back the original bytes
    assert not backup_of(root / SETTINGS).exists()  # git holds the original
    assert cli("init-repo", str(root))[0] == 0 and (root / SETTINGS).read_text() == after


@pytest.mark.parametrize("current, expected", [
    ('"GEMINI.md"', ["AGENTS.md", "GEMINI.md"]),
    ('["CONTEXT.md"]', ["AGENTS.md", "CONTEXT.md"]),
])
def test_existing_file_name_keeps_what_it_had(cli, tmp_path, current, expected):
    root = repo_with_settings(tmp_path, '{\n  "context": {\n    "fileName": %s\n  }\n}\n' % current)
    cli("init-repo", str(root))
    assert json.loads((root / SETTINGS).read_text())["context"]["fileName"] == expected


def test_already_bridged_is_unchanged(cli, tmp_path):
    text = '{"context": {"fileName": ["GEMINI.md", "AGENTS.md"]}}'
    root = repo_with_settings(tmp_path, text)
    cli("init-repo", str(root))
    assert (root / SETTINGS).read_text() == text


def test_legacy_context_file_name_is_carried_over(cli, tmp_path):
    root = repo_with_settings(tmp_path, '{\n  "contextFileName": "TEAM.md"\n}\n')
    cli("init-repo", str(root))
    data = json.loads((root / SETTINGS).read_text())
    assert data == {"contextFileName": "TEAM.md", "context": {"fileName": ["AGENTS.md", "TEAM.md"]}}


def test_crlf_settings_stay_crlf(cli, tmp_path):
    root = repo_with_settings(tmp_path, b'{\r\n  "theme": "x"\r\n}\r\n')
    cli("init-repo", str(root))
    raw = (root / SETTINGS).read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b"") and b'"AGENTS.md"' in raw


def test_broken_settings_warn_and_agents_md_is_still_written(cli, tmp_path):
    text = '{\n  "theme": "x"\n  "oops": 1\n}\n'
    root = repo_with_settings(tmp_path, text)
    code, _, err = cli("init-repo", str(root))
    assert code == 0
    assert "warning: .gemini/settings.json: not valid JSON" in err and "line 3" in err
    assert (root / SETTINGS).read_text() == text
    assert (root / "AGENTS.md").is_file()


def test_context_of_the_wrong_type_is_left_alone(cli, tmp_path):
    root = repo_with_settings(tmp_path, '{"context": "nope"}')
    code, _, err = cli("init-repo", str(root))
    assert code == 0 and "`context` is not an object" in err
    assert (root / SETTINGS).read_text() == '{"context": "nope"}'


def test_untracked_modified_settings_get_a_backup_once(cli, tmp_path):
    root = make_repo(tmp_path / "r", ECOSYSTEMS["npm"])
    (root / ".gemini").mkdir()
    (root / SETTINGS).write_text('{"theme": "mine"}')  # not in git: the only copy
    cli("init-repo", str(root))
    assert backup_of(root / SETTINGS).read_text() == '{"theme": "mine"}'
    assert not list((root / ".gemini").glob("*.aistack*")), "no backup inside the work tree"


def test_check_reports_a_missing_bridge(cli, tmp_path):
    root = repo_with_settings(tmp_path, '{"context": {"fileName": "GEMINI.md"}}')
    cli("init-repo", str(root), "--bridges", "claude")
    code, out, err = cli("init-repo", str(root), "--check")
    assert code == 1 and "[context.fileName]" in out and '+["AGENTS.md", "GEMINI.md"]' in out
    assert ".gemini/settings.json: context.fileName out of date" in err
