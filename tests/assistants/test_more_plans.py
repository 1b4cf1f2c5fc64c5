"""Issue-4 assistants: the entries and paths each writes, on Linux, macOS and Windows (computed here)."""

import pytest

from aistack.assistants import registry
from aistack.assistants.base import Context
from aistack.engine.document import Item
from aistack.paths import Env
from aistack.profile import load
from support import EXAMPLE_ORG

AISTACK = "/opt/aistack/bin/aistack"
LINUX = Env(home="/home/u", environ={}, platform="linux")
MAC = Env(home="/Users/u", environ={}, platform="darwin")
WIN_VARS = {"APPDATA": "C:\\Users\\u\\AppData\\Roaming", "LOCALAPPDATA": "C:\\Users\\u\\AppData\\Local"}
WIN = Env(home="C:\\Users\\u", environ=WIN_VARS, platform="win32")


@pytest.fixture(scope="module")
def org():
    return load(str(EXAMPLE_ORG))


RELAY = "http://127.0.0.1:24123"


def edits_of(name, org, env=LINUX, relay=RELAY):
    plan = registry.get(name).plan(org, Context(env=env, aistack=AISTACK, relay=relay))
    return {e.path: e.value for e in plan.edits}, plan


def path_of(name, env, key=None):
    files = registry.get(name).files(env)
    return str(files[key or next(iter(files))].path)


def test_at_least_eighteen_assistants():
    assert len(registry.names()) >= 18
    for name in registry.names():
        adapter = registry.get(name)
        assert adapter.GATEWAY in ("file", "run", "manual", "none"), name


BRIDGE = {"command": AISTACK, "args": ["mcp-bridge", "docs"]}


@pytest.mark.parametrize("name, path, docs", [
    ("vscode", ("servers", "docs"), {"type": "http", "url": f"{RELAY}/mcp/docs"}),
    ("zed", ("context_servers", "docs"), BRIDGE),
    ("claude-desktop", ("mcpServers", "docs"), BRIDGE),
    ("copilot-cli", ("mcpServers", "docs"), {"type": "http", "url": f"{RELAY}/mcp/docs", "tools": ["*"]}),
    ("qwen-code", ("mcpServers", "docs"), {"httpUrl": f"{RELAY}/mcp/docs"}),
    ("cline", ("mcpServers", "docs"), {**BRIDGE, "timeout": 60}),
    ("zoo-code", ("mcpServers", "docs"), BRIDGE),
    ("kilo-code", ("mcp", "docs"), {"type": "remote", "url": f"{RELAY}/mcp/docs", "enabled": True, "oauth": False}),
    ("amp", ("amp.mcpServers", "docs"), {"url": f"{RELAY}/mcp/docs"}),
    ("junie", ("mcpServers", "docs"), BRIDGE),
    ("antigravity", ("mcpServers", "docs"), BRIDGE),
    ("devin", ("mcpServers", "docs"), {"serverUrl": f"{RELAY}/mcp/docs"}),
])
def test_token_server_entry(org, name, path, docs):
    edits, _ = edits_of(name, org)
    assert edits[path] == docs


def test_goose_extensions(org):
    edits, plan = edits_of("goose", org)
    assert edits[("extensions", "docs")] == {"name": "docs", "enabled": True, "timeout": 300, "type": "stdio",
                                             "cmd": AISTACK, "args": ["mcp-bridge", "docs"]}
    assert edits[("extensions", "git")]["cmd"].endswith("uvx")
    assert any("tickets" in s for s in plan.skipped), "SSE + OAuth cannot reach Goose"
    assert edits[("api_key_env",)] == "AISTACK_TOKEN"  # what `aistack run goose` sets; the relay replaces it
    assert edits[("base_url",)] == f"{RELAY}/gw/openai" and ("headers",) not in edits


# Continue writes only into a config.yaml that exists: a macOS file system declared here, with one.
CONTINUE_HERE = Env(home="/Users/u", environ={}, platform="darwin",
                    present=frozenset({"/Users/u/.continue/config.yaml"}))


def test_continue_list_entries(org):
    edits, _ = edits_of("continue", org, CONTINUE_HERE)
    assert edits[("mcpServers", Item("name", "docs"))] == {"name": "docs", **BRIDGE}
    assert edits[("mcpServers", Item("name", "tickets"))] == {"name": "tickets", "type": "sse",
                                                              "url": "https://mcp.example.com/tickets/sse"}


def test_qwen_gateway_provider(org):
    edits, _ = edits_of("qwen-code", org)
    provider = edits[("modelProviders", "openai", Item("id", "aistack"))]
    assert provider == {"id": "aistack", "name": "Example Corp AI gateway", "baseUrl": f"{RELAY}/gw/openai",
                        "envKey": "AISTACK_RELAY_KEY"}
    assert edits[("env", "AISTACK_RELAY_KEY")] == "aistack-adds-the-real-token"  # a placeholder, not a secret


def test_zed_routes_models(org):
    edits, plan = edits_of("zed", org)
    assert edits[("language_models", "anthropic", "api_url")] == f"{RELAY}/gw/anthropic"
    assert "any text" in plan.manual[0] and "aistack run zed" in plan.manual[0]


def test_oauth_servers_cannot_go_through_the_bridge(org):
    for name in ("claude-desktop", "junie"):
        edits, plan = edits_of(name, org)
        assert ("mcpServers", "tickets") not in edits
        assert any("OAuth" in s for s in plan.skipped), name


def test_manual_gateway_steps_are_printed(org):
    for name in ("cursor", "windsurf", "vscode", "cline", "continue", "claude-desktop", "devin", "amp"):
        _, plan = edits_of(name, org, CONTINUE_HERE)
        assert plan.manual, name


@pytest.mark.parametrize("name, linux, mac, win", [
    ("vscode", "/home/u/.config/Code/User/mcp.json", "/Users/u/Library/Application Support/Code/User/mcp.json",
     "C:\\Users\\u\\AppData\\Roaming\\Code\\User\\mcp.json"),
    ("zed", "/home/u/.config/zed/settings.json", "/Users/u/.config/zed/settings.json",
     "C:\\Users\\u\\AppData\\Roaming\\Zed\\settings.json"),
    ("claude-desktop", "/home/u/.config/Claude/claude_desktop_config.json",
     "/Users/u/Library/Application Support/Claude/claude_desktop_config.json",
     "C:\\Users\\u\\AppData\\Roaming\\Claude\\claude_desktop_config.json"),
    ("goose", "/home/u/.config/goose/config.yaml", "/Users/u/.config/goose/config.yaml",
     "C:\\Users\\u\\AppData\\Roaming\\Block\\goose\\config\\config.yaml"),
    ("continue", "/home/u/.continue/config.yaml", "/Users/u/.continue/config.yaml",
     "C:\\Users\\u\\.continue\\config.yaml"),
    ("cline", "/home/u/.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json",
     "/Users/u/Library/Application Support/Code/User/globalStorage/saoudrizwan.claude-dev/settings/"
     "cline_mcp_settings.json",
     "C:\\Users\\u\\AppData\\Roaming\\Code\\User\\globalStorage\\saoudrizwan.claude-dev\\settings\\"
     "cline_mcp_settings.json"),
    ("junie", "/home/u/.junie/mcp/mcp.json", "/Users/u/.junie/mcp/mcp.json", "C:\\Users\\u\\.junie\\mcp\\mcp.json"),
    ("copilot-cli", "/home/u/.copilot/mcp-config.json", "/Users/u/.copilot/mcp-config.json",
     "C:\\Users\\u\\.copilot\\mcp-config.json"),
    ("qwen-code", "/home/u/.qwen/settings.json", "/Users/u/.qwen/settings.json", "C:\\Users\\u\\.qwen\\settings.json"),
    ("antigravity", "/home/u/.gemini/config/mcp_config.json", "/Users/u/.gemini/config/mcp_config.json",
     "C:\\Users\\u\\.gemini\\config\\mcp_config.json"),
])
def test_paths_per_os(name, linux, mac, win):
    assert path_of(name, LINUX) == linux
    assert path_of(name, MAC) == mac
    assert path_of(name, WIN) == win


def test_claude_desktop_msix_location_is_detected():
    """The MSIX build cannot run here: a declared Windows file system stands in for it."""
    pkg = "C:\\Users\\u\\AppData\\Local\\Packages\\Claude_pzs8sxrjxfjjc"
    env = Env(home="C:\\Users\\u", environ=WIN_VARS, platform="win32", present=frozenset({pkg + "\\LocalCache"}))
    assert path_of("claude-desktop", env) == pkg + "\\LocalCache\\Roaming\\Claude\\claude_desktop_config.json"
    assert registry.get("claude-desktop").detect(env)


def test_windows_gui_stdio_commands_use_cmd_c(org):
    edits, _ = edits_of("claude-desktop", org, WIN)
    assert edits[("mcpServers", "git")] == {"command": "cmd", "args": ["/c", "uvx", "mcp-server-git"]}


def test_devin_and_antigravity_follow_the_location_in_use():
    assert path_of("devin", Env(home="/home/u", environ={}, platform="darwin")) == \
        "/home/u/.codeium/windsurf/mcp_config.json"
    mac_with_devin = Env(home="/Users/u", environ={}, platform="darwin",
                         present=frozenset({"/Users/u/.config/devin/mcp_config.json"}))
    assert path_of("devin", mac_with_devin) == "/Users/u/.config/devin/mcp_config.json"
    legacy = Env(home="/Users/u", environ={}, platform="darwin",
                 present=frozenset({"/Users/u/.gemini/antigravity/mcp_config.json"}))
    assert path_of("antigravity", legacy) == "/Users/u/.gemini/antigravity/mcp_config.json"
