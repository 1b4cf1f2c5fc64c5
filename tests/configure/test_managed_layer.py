"""`aistack setup` against the admin-owned layer on this machine: servers the layer blocks are not written (and
said so, with the file and the rule), the user's own blocked entries are named and left alone, and a managed file
that does not parse is a warning, never a crash nor a write. The managed files are placed under
AISTACK_MANAGED_ROOT (tests/conftest.py) or the assistant's own override variable, never the machine's /etc."""

import json

import pytest

from aistack.assistants import claude_code, codex, gemini_cli
from aistack.engine.document import read
from aistack.paths import Env
from support import EXAMPLE_ORG
from support.managed import place

ORG = str(EXAMPLE_ORG)


def test_env_resolves_a_managed_file_under_the_test_root_or_its_override(tmp_path):
    managed = gemini_cli.MANAGED[0]
    env = Env(home=tmp_path, environ={"AISTACK_MANAGED_ROOT": str(tmp_path / "root")})
    assert str(env.managed(managed.paths, managed.override)) == str(tmp_path / "root/etc/gemini-cli/settings.json")
    env = Env(home=tmp_path, environ={"GEMINI_CLI_SYSTEM_SETTINGS_PATH": "/srv/g.json", "AISTACK_MANAGED_ROOT": "/x"})
    assert str(env.managed(managed.paths, managed.override)) == "/srv/g.json"
    win = Env(home=tmp_path, platform="win32", environ={"AISTACK_MANAGED_ROOT": "D:\\img"})
    assert str(win.managed(claude_code.MANAGED[0].paths)) == "D:\\img\\Program Files\\ClaudeCode\\managed-settings.json"
    assert Env(home=tmp_path, platform="win32").managed(codex.MANAGED[0].paths) is None  # Codex: no Windows file


def test_claude_denied_server_is_not_written_and_said_so(cli, fake_home, tmp_path):
    place(tmp_path, claude_code.MANAGED[0].paths["linux"],
          json.dumps({"deniedMcpServers": [{"serverUrl": "https://mcp.example.com/tickets/*"}]}))
    code, out, err = cli("setup", "claude-code", "--org", ORG, "--json")
    assert code == 0, err
    written = json.loads((fake_home / ".claude.json").read_text())["mcpServers"]
    assert "tickets" not in written and {"docs", "git"} <= set(written)
    [result] = json.loads(out)["assistants"]
    [blocked] = result["blocked"]
    assert blocked["server"] == "tickets" and not blocked["own"]
    assert "deniedMcpServers" in blocked["rule"] and blocked["managed"][0].endswith("managed-settings.json")
    code, _, err = cli("setup", "claude-code")
    assert "MCP server `tickets` not written" in err and "managed-settings.json" in err and "platform team" in err


def test_claude_allowlist_by_command_and_url(tmp_path):
    docs = {"managed-settings": {"allowedMcpServers": [{"serverUrl": "https://*.example.com/*"},
                                                      {"serverCommand": ["uvx", "git-mcp"]}]}}
    verdict = claude_code.managed_verdict
    assert verdict(docs, "docs", {"type": "http", "url": "https://mcp.example.com/docs/mcp"}) is None
    assert "serverUrl" in verdict(docs, "x", {"type": "http", "url": "https://evil.test/mcp"})
    assert verdict(docs, "git", {"type": "stdio", "command": "uvx", "args": ["git-mcp"]}) is None
    assert "serverCommand" in verdict(docs, "git", {"type": "stdio", "command": "uvx", "args": ["other"]})
    assert "empty" in verdict({"managed-settings": {"allowedMcpServers": []}}, "docs", {"url": "https://a"})
    only = {"managed-settings": {"allowedMcpServers": [{"serverName": "docs"}], "allowManagedMcpServersOnly": True}}
    assert verdict(only, "docs", {"url": "https://a"}) is None
    assert "allowManagedMcpServersOnly" in verdict(only, "mine", {"url": "https://a"})
    exclusive = verdict({"managed-mcp": {"mcpServers": {"docs": {}}}}, "docs", {"url": "https://a"})
    assert "exclusive control" in exclusive and "organization provides it" in exclusive
    # Wrong types: read as closed, said so; never an exception.
    assert "not a list" in verdict({"managed-settings": {"deniedMcpServers": "docs"}}, "docs", {})
    assert verdict({"managed-settings": ["not", "an", "object"]}, "docs", {}) is None


@pytest.fixture
def gemini_system(root_dir, monkeypatch):
    def put(content: str):
        path = root_dir / "system" / "gemini-settings.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
        monkeypatch.setenv("GEMINI_CLI_SYSTEM_SETTINGS_PATH", str(path))
        return path
    return put


def test_gemini_excluded_server_and_users_own(cli, fake_home, gemini_system):
    settings = fake_home / ".gemini" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text('{\n  // mine\n  "mcpServers": {"scratch": {"command": "scratch-mcp"}}\n}\n')
    gemini_system(json.dumps({"mcp": {"excluded": ["scratch", "git"]}}))
    code, out, err = cli("setup", "gemini-cli", "--org", ORG, "--json")
    assert code == 0, err
    written = read(settings, "jsonc")[1].get(("mcpServers",))
    assert "git" not in written and "docs" in written and written["scratch"] == {"command": "scratch-mcp"}
    blocked = {b["server"]: b for b in json.loads(out)["assistants"][0]["blocked"]}
    assert set(blocked) == {"git", "scratch"}
    assert blocked["scratch"]["own"] and blocked["scratch"]["file"] == str(settings)
    assert "mcp.excluded lists 'scratch'" in blocked["scratch"]["rule"]


def test_a_managed_file_that_does_not_parse_is_a_warning(cli, fake_home, gemini_system):
    bad = gemini_system('{"mcp": {"excluded": [}')
    before = bad.read_bytes()
    code, out, err = cli("setup", "gemini-cli", "--org", ORG, "--json")
    assert code == 0, err
    result = json.loads(out)["assistants"][0]
    assert result["blocked"] == [] and str(bad) in result["policy_warnings"][0]
    assert bad.read_bytes() == before  # never written
    code, _, err = cli("setup", "gemini-cli")
    assert f"gemini-cli: managed layer: {bad}" in err


def test_gemini_wrong_types_are_ignored_as_gemini_does():
    verdict = gemini_cli.managed_verdict
    assert verdict({"system-settings": {"mcp": {"excluded": "git"}}}, "git", {}) is None
    assert verdict({"system-settings": {"mcp": {"allowed": []}}}, "git", {}) is None  # empty: no restriction
    assert "does not list" in verdict({"system-settings": {"mcp": {"allowed": ["docs"]}}}, "git", {})
    assert "replaces the user's" in verdict({"system-settings": {"mcpServers": {"git": {}}}}, "git", {})


def test_codex_requirements_allowlist_by_name_and_identity(cli, fake_home, tmp_path):
    place(tmp_path, codex.MANAGED[0].paths["linux"],
          '[mcp_servers.docs.identity]\nurl = "https://mcp.example.com/docs/mcp"\n'
          '[mcp_servers.git.identity]\ncommand = "npx"\n')
    code, out, err = cli("setup", "codex", "--org", ORG, "--json")
    assert code == 0, err
    config = (fake_home / ".codex" / "config.toml").read_text()
    assert "[mcp_servers.docs]" in config and "[mcp_servers.git]" not in config
    blocked = {b["server"]: b["rule"] for b in json.loads(out)["assistants"][0]["blocked"]}
    assert "identity.command is 'npx'" in blocked["git"]
    assert "mcp_servers.docs" not in blocked
    assert "not a table" in codex.managed_verdict({"requirements": {"mcp_servers": []}}, "docs", {})


def test_dry_run_reports_blocked_servers_too(cli, fake_home, gemini_system):
    gemini_system(json.dumps({"mcp": {"allowed": ["docs"]}}))
    code, out, err = cli("setup", "gemini-cli", "--org", ORG, "--dry-run", "--json")
    assert code == 0, err
    assert {b["server"] for b in json.loads(out)["assistants"][0]["blocked"]} == {"tickets", "git"}
    assert not (fake_home / ".gemini" / "settings.json").exists()


def test_gemini_system_settings_gemini_would_skip_block_nothing(cli, fake_home, tmp_path, monkeypatch):
    system = tmp_path / "gemini-system.json"  # under /tmp (1777): Gemini CLI 0.61.0 skips it as insecure
    system.write_text(json.dumps({"mcp": {"excluded": ["git"]}}))
    monkeypatch.setenv("GEMINI_CLI_SYSTEM_SETTINGS_PATH", str(system))
    code, out, err = cli("setup", "gemini-cli", "--org", ORG, "--json")
    assert code == 0, err
    result = json.loads(out)["assistants"][0]
    assert result["blocked"] == [] and "skips this file" in result["policy_warnings"][0]
    assert "writable by group or others" in result["policy_warnings"][0]
    assert "git" in read(fake_home / ".gemini" / "settings.json", "jsonc")[1].get(("mcpServers",))
