"""Adapters are pure: the entries each writes for the example org, per OS."""

from pathlib import PureWindowsPath

import pytest

from aistack.assistants import registry
from aistack.assistants.base import Context
from aistack.paths import Env
from aistack.profile import load
from conftest import EXAMPLE_ORG

LINUX = Env(home="/home/u", environ={}, platform="linux")
MAC = Env(home="/Users/u", environ={}, platform="darwin")
WIN = Env(home="C:\\Users\\u", environ={"APPDATA": "C:\\Users\\u\\AppData\\Roaming",
                                        "USERPROFILE": "C:\\Users\\u"}, platform="win32")


@pytest.fixture(scope="module")
def org():
    return load(str(EXAMPLE_ORG))


def plan_of(name, org, env=LINUX):
    p = registry.get(name).plan(org, Context(env=env, aistack="/opt/aistack/bin/aistack"))
    return {(e.file, e.path): e.value for e in p.edits}, p


def test_every_adapter_follows_the_protocol():
    for name in registry.names():
        a = registry.get(name)
        assert a.NAME == name
        assert a.DELIVERY in ("helper", "env", "bridge")
        files = a.files(LINUX)
        assert set(a.SERVERS) <= set(files)
        for cfg in files.values():
            assert cfg.fmt in ("json", "jsonc", "toml", "yaml")


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


def test_codex_reports_sse_and_reads_token_by_name(org):
    edits, plan = plan_of("codex", org)
    assert edits[("config", ("mcp_servers", "docs"))] == {
        "url": "https://mcp.example.com/docs/mcp",
        "http_headers_helper": "/opt/aistack/bin/aistack token --headers-json --server docs"}
    assert ("config", ("mcp_servers", "tickets")) not in edits
    assert any("tickets" in s and "SSE" in s for s in plan.skipped)
    provider = edits[("config", ("model_providers", "aistack"))]
    assert provider["base_url"] == "https://ai.example.com/openai/v1"
    assert provider["env_key"] == "AISTACK_TOKEN"
    assert provider["http_headers"] == {"cf-aig-collect-log-payload": "false"}
    assert edits[("config", ("model_provider",))] == "aistack"


def test_env_references_per_assistant(org):
    expected = {"gemini-cli": "Bearer $AISTACK_TOKEN", "cursor": "Bearer ${env:AISTACK_TOKEN}",
                "windsurf": "Bearer ${env:AISTACK_TOKEN}", "opencode": "Bearer {env:AISTACK_TOKEN}"}
    for name, value in expected.items():
        edits, _ = plan_of(name, org)
        docs = next(v for (f, p), v in edits.items() if p[-1] == "docs")
        assert docs["headers"] == {"Authorization": value}, name
        oauth = next(v for (f, p), v in edits.items() if p[-1] == "tickets")
        assert "headers" not in oauth, f"{name}: OAuth servers are plain remote entries"


def test_windsurf_uses_server_url_and_cursor_url(org):
    w, wp = plan_of("windsurf", org)
    assert w[("mcp", ("mcpServers", "docs"))]["serverUrl"] == "https://mcp.example.com/docs/mcp"
    c, cp = plan_of("cursor", org)
    assert c[("mcp", ("mcpServers", "docs"))]["url"] == "https://mcp.example.com/docs/mcp"
    assert wp.manual and cp.manual and "Override OpenAI Base URL" in cp.manual[0]


def test_opencode_shapes(org):
    edits, _ = plan_of("opencode", org)
    assert edits[("config", ("mcp", "git"))] == {"type": "local", "command": ["uvx", "mcp-server-git"], "enabled": True}
    assert edits[("config", ("mcp", "docs"))]["type"] == "remote"
    assert edits[("config", ("provider", "anthropic", "options", "baseURL"))] == "https://ai.example.com/anthropic/v1"
    assert edits[("config", ("provider", "anthropic", "options", "headers"))] == {
        "cf-aig-collect-log-payload": "false", "Authorization": "Bearer {env:AISTACK_TOKEN}"}
    assert edits[("config", ("provider", "openai", "options", "apiKey"))] == "{env:AISTACK_TOKEN}"


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
