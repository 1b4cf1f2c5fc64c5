"""`aistack doctor`'s layers: each set-up assistant's effective MCP servers and gateway settings with the layer
each comes from (managed, project, user), and what the managed layer blocks or a higher layer shadows. Managed
files are placed under AISTACK_MANAGED_ROOT (tests/conftest.py) or the assistant's override variable."""

import json

from aistack.assistants import claude_code
from aistack.doctor import render
from aistack.doctor.layers import check_layers, effective
from aistack.doctor.model import OK, WARN, State
from aistack.paths import Env
from aistack.profile.source import load
from support import EXAMPLE_ORG
from support.managed import place

ORG = str(EXAMPLE_ORG)


def test_claude_layers_name_managed_user_and_project_and_what_is_blocked(cli, fake_home, tmp_path):
    assert cli("setup", "claude-code", "--org", ORG)[0] == 0
    state = json.loads((fake_home / ".claude.json").read_text())
    state["mcpServers"]["mine"] = {"type": "stdio", "command": "my-mcp", "args": []}
    (fake_home / ".claude.json").write_text(json.dumps(state))
    (tmp_path / ".mcp.json").write_text(json.dumps({"mcpServers": {"docs": {"type": "http", "url": "https://x"}}}))
    managed = place(tmp_path, claude_code.MANAGED[0].paths["linux"], json.dumps({
        "deniedMcpServers": [{"serverName": "mine"}], "env": {"ANTHROPIC_BASE_URL": "https://managed.example"}}))
    data = effective("claude-code", Env.current(), load(ORG), tmp_path)
    by = {(s["server"], s["layer"]): s for s in data["servers"]}
    assert by[("mine", "user")]["state"] == "blocked" and "deniedMcpServers" in by[("mine", "user")]["why"]
    assert by[("docs", "project")]["state"] == "active"
    assert by[("docs", "user")]["state"] == "shadowed" and "project" in by[("docs", "user")]["why"]
    assert by[("git", "user")]["state"] == "active" and by[("git", "user")]["org"]
    base = next(g for g in data["gateway"] if g["setting"] == "env.ANTHROPIC_BASE_URL")
    assert base["layer"] == "managed" and base["file"] == str(managed)
    assert base["shadowed"] == [str(fake_home / ".claude" / "settings.json")]
    assert [f["status"] for f in data["managed_files"]] == ["present", "absent"]
    lines = render.layer_lines(data)
    assert any(line.startswith("server mine: user") and "BLOCKED" in line for line in lines)
    assert any(line.startswith("gateway env.ANTHROPIC_BASE_URL: managed") for line in lines)


def test_no_managed_layer_is_ok_and_says_so(cli, fake_home):
    assert cli("setup", "codex", "--org", ORG)[0] == 0
    result = check_layers("codex", State(env=Env.current(), profile=load(ORG)))
    assert result.status == OK and "none on this machine" in result.detail
    assert {s["layer"] for s in result.data["servers"]} == {"user"}
    assert result.to_json()["data"]["gateway"][0]["layer"] == "user"


def test_an_unreadable_managed_file_is_a_warning_naming_it(cli, fake_home, root_dir, monkeypatch):
    bad = root_dir / "system.json"
    bad.write_text('{"mcp": ')
    monkeypatch.setenv("GEMINI_CLI_SYSTEM_SETTINGS_PATH", str(bad))
    assert cli("setup", "gemini-cli", "--org", ORG)[0] == 0
    result = check_layers("gemini-cli", State(env=Env.current(), profile=load(ORG)))
    assert result.status == WARN and str(bad) in result.detail
    assert result.data["managed_files"][0]["status"] == "unreadable"


def test_gemini_system_servers_shadow_the_users(cli, fake_home, tmp_path, root_dir, monkeypatch):
    system = root_dir / "system.json"
    system.write_text(json.dumps({"mcpServers": {"docs": {"httpUrl": "https://org.example/docs"}},
                                  "mcp": {"excluded": ["tickets"]}}))
    monkeypatch.setenv("GEMINI_CLI_SYSTEM_SETTINGS_PATH", str(system))
    assert cli("setup", "gemini-cli", "--org", ORG)[0] == 0  # docs and tickets not written: dead entries
    data = effective("gemini-cli", Env.current(), load(ORG), tmp_path)
    layers = {(s["server"], s["layer"]): s["state"] for s in data["servers"]}
    assert layers == {("docs", "managed"): "active", ("git", "user"): "active"}
