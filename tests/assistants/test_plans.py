"""Adapters are pure: the entries each writes for the example org, per OS."""

from pathlib import PureWindowsPath

import pytest

from aistack.assistants import registry
from aistack.assistants.base import MECHANISMS, Context
from aistack.paths import Env
from aistack.profile import load
from support import EXAMPLE_ORG

LINUX = Env(home="/home/u", environ={}, platform="linux")
MAC = Env(home="/Users/u", environ={}, platform="darwin")
WIN = Env(home="C:\\Users\\u", environ={"APPDATA": "C:\\Users\\u\\AppData\\Roaming",
                                        "USERPROFILE": "C:\\Users\\u"}, platform="win32")


@pytest.fixture(scope="module")
def org():
    return load(str(EXAMPLE_ORG))


RELAY = "http://127.0.0.1:24123"


def plan_of(name, org, env=LINUX, relay=RELAY):
    p = registry.get(name).plan(org, Context(env=env, aistack="/opt/aistack/bin/aistack", relay=relay))
    return {(e.file, e.path): e.value for e in p.edits}, p


def test_every_adapter_follows_the_protocol():
    for name in registry.names():
        a = registry.get(name)
        assert a.NAME == name
        assert a.DELIVERY.model in MECHANISMS and a.DELIVERY.mcp in MECHANISMS and a.DELIVERY.how, name
        assert a.DELIVERY.mcp in ("helper", "relay", "bridge"), f"{name}: MCP tokens must stay fresh"
        files = a.files(LINUX)
        assert set(a.SERVERS) <= set(files)
        for cfg in files.values():
            assert cfg.fmt in ("json", "jsonc", "toml", "yaml", "text")


def test_claude_code_uses_its_helpers(org):
    edits, _ = plan_of("claude-code", org)
    assert edits[("mcp", ("mcpServers", "docs"))] == {
        "type": "http", "url": "https://mcp.example.com/docs/mcp",
        "headersHelper": "/opt/aistack/bin/aistack token --headers-json --server docs"}
    assert edits[("mcp", ("mcpServers", "tickets"))] == {"type": "sse", "url": "https://mcp.example.com/tickets/sse"}
    assert edits[("mcp", ("mcpServers", "git"))] == {"type": "stdio", "command": "uvx", "args": ["mcp-server-git"],
                                                     "env": {}}
    assert edits[("settings", ("apiKeyHelper",))] == "/opt/aistack/bin/aistack token"
    assert edits[("settings", ("env", "ANTHROPIC_BASE_URL"))] == "https://ai.example.com/anthropic"
    assert edits[("settings", ("env", "ANTHROPIC_CUSTOM_HEADERS"))] == "cf-aig-collect-log-payload: false"


def test_claude_code_with_its_own_token_header_goes_through_the_relay(org):
    from dataclasses import replace

    custom = replace(org, gateway=replace(org.gateway, token_header="cf-access-token"))
    edits, plan = plan_of("claude-code", custom)
    assert edits[("settings", ("env", "ANTHROPIC_BASE_URL"))] == f"{RELAY}/gw/anthropic"
    assert ("settings", ("env", "ANTHROPIC_CUSTOM_HEADERS")) not in edits  # the relay adds them
    assert not plan.manual
    edits, plan = plan_of("claude-code", custom, relay=None)
    assert ("settings", ("apiKeyHelper",)) not in edits and "cf-access-token" in plan.manual[0]


def test_codex_reports_sse_and_runs_aistack_for_its_model_token(org):
    edits, plan = plan_of("codex", org)
    assert edits[("config", ("mcp_servers", "docs"))] == {
        "url": "https://mcp.example.com/docs/mcp",
        "http_headers_helper": "/opt/aistack/bin/aistack token --headers-json --server docs"}
    assert ("config", ("mcp_servers", "tickets")) not in edits
    assert any("tickets" in s and "SSE" in s for s in plan.skipped)
    provider = edits[("config", ("model_providers", "aistack"))]
    assert provider["base_url"] == "https://ai.example.com/openai/v1"
    assert provider["auth"] == {"command": "/opt/aistack/bin/aistack", "args": ["token"], "timeout_ms": 30000,
                                "refresh_interval_ms": 60000}
    assert "env_key" not in provider  # Codex refuses env_key beside auth; no `aistack run codex` needed
    assert provider["http_headers"] == {"cf-aig-collect-log-payload": "false"}
    assert edits[("config", ("model_provider",))] == "aistack"
    assert not plan.manual


def test_token_servers_are_at_the_relay_for_url_assistants(org):
    """No AISTACK_TOKEN reference anywhere: a reference is expanded once, and a GUI app started from the desktop
    has no such variable at all."""
    for name, key in {"gemini-cli": "url", "cursor": "url", "windsurf": "serverUrl", "opencode": "url",
                      "vscode": "url", "devin": "serverUrl", "copilot-cli": "url", "qwen-code": "httpUrl"}.items():
        edits, _ = plan_of(name, org)
        docs = next(v for (f, p), v in edits.items() if p[-1] == "docs")
        assert docs[key] == f"{RELAY}/mcp/docs" and "headers" not in docs, name
        oauth = next((v for (f, p), v in edits.items() if p[-1] == "tickets"), None)
        if oauth is not None:
            assert "headers" not in oauth and "relay" not in str(oauth), f"{name}: OAuth servers are plain remote"
        assert "AISTACK_TOKEN" not in str(edits), name


def test_without_a_relay_token_servers_go_through_the_bridge(org):
    """A project's shared file cannot name one user's relay port."""
    for name in ("gemini-cli", "cursor", "vscode", "copilot-cli", "qwen-code", "opencode"):
        edits, _ = plan_of(name, org, relay=None)
        docs = next(v for (f, p), v in edits.items() if p[-1] == "docs")
        command = docs["command"] if isinstance(docs["command"], str) else docs["command"][0]
        args = docs.get("args") or docs["command"][1:]
        assert (command, args) == ("/opt/aistack/bin/aistack", ["mcp-bridge", "docs"]), name


def test_sse_servers_needing_a_token_take_the_bridge_even_with_a_relay(org):
    from dataclasses import replace

    sse = replace(org, mcp_servers=[replace(org.server("tickets"), auth="token")])
    for name in ("gemini-cli", "cursor", "copilot-cli", "opencode"):
        edits, _ = plan_of(name, sse)
        entry = next(v for (f, p), v in edits.items() if p[-1] == "tickets")
        assert "mcp-bridge" in str(entry), name


def test_windsurf_uses_server_url_and_cursor_url(org):
    w, wp = plan_of("windsurf", org)
    assert w[("mcp", ("mcpServers", "tickets"))]["serverUrl"] == "https://mcp.example.com/tickets/sse"
    c, cp = plan_of("cursor", org)
    assert c[("mcp", ("mcpServers", "tickets"))]["url"] == "https://mcp.example.com/tickets/sse"
    assert wp.manual and cp.manual and "Override OpenAI Base URL" in cp.manual[0]


def test_opencode_shapes(org):
    edits, _ = plan_of("opencode", org)
    assert edits[("config", ("mcp", "git"))] == {"type": "local", "command": ["uvx", "mcp-server-git"], "enabled": True}
    assert edits[("config", ("mcp", "docs"))] == {"type": "remote", "url": f"{RELAY}/mcp/docs", "enabled": True,
                                                  "oauth": False}
    assert edits[("config", ("provider", "anthropic", "options", "baseURL"))] == "https://ai.example.com/anthropic/v1"
    assert edits[("config", ("provider", "anthropic", "options", "headers"))] == {"cf-aig-collect-log-payload": "false"}
    assert edits[("config", ("provider", "openai", "options", "apiKey"))] == "aistack-adds-the-real-token"
    plugin = edits[("plugin", ("text",))]
    assert '"/opt/aistack/bin/aistack"' in plugin and '["token", "--headers-json"]' in plugin
    assert ('{"anthropic": "https://ai.example.com/anthropic/v1", "openai": "https://ai.example.com/openai/v1", '
            '"google": "https://ai.example.com/google"}') in plugin and '"chat.headers"' in plugin
    assert r'a.replace(/\/+$/, "")' in plugin  # only requests to the base URL aistack wrote get the token
    assert registry.get("opencode").files(LINUX)["plugin"].path.as_posix() == \
        "/home/u/.config/opencode/plugin/aistack.js"


def test_stdio_server_needing_a_token_runs_through_aistack_run():
    org = load(str(EXAMPLE_ORG))
    from dataclasses import replace
    git = replace(org.server("git"), auth="token")
    org = replace(org, mcp_servers=[git])
    edits, _ = plan_of("cursor", org)
    assert edits[("mcp", ("mcpServers", "git"))]["command"] == "/opt/aistack/bin/aistack"
    assert edits[("mcp", ("mcpServers", "git"))]["args"] == ["run", "--", "uvx", "mcp-server-git"]


def test_windows_wraps_batch_shims_and_uses_userprofile(org):
    edits, _ = plan_of("cursor", org, WIN)
    assert edits[("mcp", ("mcpServers", "git"))]["command"] == "cmd"
    assert edits[("mcp", ("mcpServers", "git"))]["args"] == ["/c", "uvx", "mcp-server-git"]
    assert registry.get("cursor").files(WIN)["mcp"].path == PureWindowsPath("C:/Users/u/.cursor/mcp.json")
    assert registry.get("codex").files(WIN)["config"].path == PureWindowsPath("C:/Users/u/.codex/config.toml")
    assert registry.get("claude-code").files(WIN)["mcp"].path == PureWindowsPath("C:/Users/u/.claude.json")
    # Linux and macOS keep the plain command.
    edits, _ = plan_of("cursor", org, MAC)
    assert edits[("mcp", ("mcpServers", "git"))]["command"] == "uvx"


def test_paths_follow_environment_overrides():
    env = Env(home="/home/u", environ={"CODEX_HOME": "/srv/codex", "CLAUDE_CONFIG_DIR": "/srv/claude",
                                       "XDG_CONFIG_HOME": "/cfg"}, platform="linux")
    assert str(registry.get("codex").files(env)["config"].path) == "/srv/codex/config.toml"
    assert str(registry.get("claude-code").files(env)["settings"].path) == "/srv/claude/settings.json"
    assert str(registry.get("claude-code").files(env)["mcp"].path) == "/srv/claude/.claude.json"
    assert str(registry.get("opencode").files(env)["config"].path) == "/cfg/opencode/opencode.json"
