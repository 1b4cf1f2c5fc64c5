"""`aistack setup --project [DIR]`: the repo-level files a team commits; MCP servers only, no personal paths."""

import json
import tomllib

from support import EXAMPLE_ORG

ORG = str(EXAMPLE_ORG)


def test_project_files_for_every_assistant_that_reads_one(cli, tmp_path, fake_home):
    repo = tmp_path / "repo"
    repo.mkdir()
    code, _, err = cli("setup", "--project", str(repo), "--org", ORG)
    assert code == 0, err
    claude = json.loads((repo / ".mcp.json").read_text())["mcpServers"]
    assert claude["docs"]["headersHelper"] == "aistack token --headers-json --server docs", "no personal path"
    assert json.loads((repo / ".vscode" / "mcp.json").read_text())["servers"]["git"]["type"] == "stdio"
    assert "docs" in json.loads((repo / "opencode.json").read_text())["mcp"]
    codex = tomllib.loads((repo / ".codex" / "config.toml").read_text())
    assert set(codex) == {"mcp_servers"}, "Codex ignores project-level providers: none written"
    assert "trusted" in err and "approve" in err, "each assistant's caveat is said"
    for path in (repo / ".gemini" / "settings.json", repo / ".cursor" / "mcp.json", repo / ".zed" / "settings.json"):
        assert path.is_file(), path
    assert not any(p.is_file() for p in fake_home.rglob("*")), "nothing in the user's own files"
    gemini = json.loads((repo / ".gemini" / "settings.json").read_text())
    assert "security" not in gemini, "only MCP servers go into project files"
    assert cli("setup", "--project", str(repo), "--remove")[0] == 0
    assert [p for p in repo.rglob("*") if p.is_file()] == []


def test_project_dot_is_the_current_directory(cli, tmp_path, monkeypatch):
    repo = tmp_path / "here"
    repo.mkdir()
    monkeypatch.chdir(repo)
    code, _, err = cli("setup", "claude-code", "--project", ".", "--org", ORG)
    assert code == 0, err
    assert (repo / ".mcp.json").is_file()


def test_project_refuses_assistants_without_project_files(cli, tmp_path):
    code, _, err = cli("setup", "windsurf", "--project", str(tmp_path), "--org", ORG)
    assert code == 2 and "windsurf reads no project-level file" in err
    code, _, err = cli("setup", "--project", str(tmp_path / "missing"), "--org", ORG)
    assert code == 2 and "not a directory" in err
