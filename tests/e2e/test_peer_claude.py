"""Claude Code 2.1.328 reading ~/.claude.json and ~/.claude/settings.json.

Part of the ground truth for the assistant adapters: config files written by hand in the shape
clients.md describes, read back by the real CLI offline in a temporary HOME, against a real MCP
server on 127.0.0.1 (and a recording gateway for model traffic). Where the CLI disagrees with
clients.md the test pins what the CLI does; the facts are summed up in tests/peers/__init__.py.
"""

from __future__ import annotations

import json

import pytest

import peers
from peers.configs import STDIO, USERS_OWN, write
from peers.fixtures import gateway, mcp_server, mcp_server_factory, protected_mcp_server, token  # noqa: F401

pytestmark = [pytest.mark.peer, pytest.mark.timeout(90)]


def test_claude_lists_user_servers_from_claude_json(fake_home, mcp_server):
    peers.require("claude")
    claude_json = write(fake_home / ".claude.json", json.dumps({"mcpServers": {
        "org-stdio": {"type": "stdio", "command": STDIO[0], "args": STDIO[1:], "env": {"ORG": "1"}},
        "org-http": {"type": "http", "url": mcp_server.http_url, "headers": {"X-Org": "acme"}},
        "org-sse": {"type": "sse", "url": mcp_server.sse_url},
        "mine": USERS_OWN,
    }}, separators=(",", ":")))
    before = json.loads(claude_json.read_text())
    listing = peers.mcp_listing("claude", fake_home)
    # Every claude run rewrites ~/.claude.json: re-indented, with its own state keys added.
    after = claude_json.read_text()
    assert after.startswith('{\n  "mcpServers"') and json.loads(after)["mcpServers"] == before["mcpServers"]
    assert {"firstStartTime", "userID"} <= set(json.loads(after))
    assert listing["org-http"] == {**listing["org-http"], "transport": "http", "url": mcp_server.http_url,
                                   "status": "connected"}
    assert listing["org-sse"] == {**listing["org-sse"], "transport": "sse", "url": mcp_server.sse_url,
                                  "status": "connected"}
    assert listing["org-stdio"]["status"] == "connected"
    assert listing["mine"]["command"] == "user-own-server" and listing["mine"]["status"] == "failed"
    got = peers.claude_get("org-stdio", fake_home)
    assert (got["command"], got["args"], got["environment"]) == (STDIO[0], STDIO[1:], {"ORG": "1"})
    assert peers.claude_get("org-http", fake_home)["headers"] == {"X-Org": "acme"}
    assert "acme" in mcp_server.header_values("x-org")  # the static header reached the server


def test_claude_config_dir_relocates_claude_json(fake_home):
    peers.require("claude")
    write(fake_home / ".claude.json", json.dumps({"mcpServers": {"in-home": {"command": "a"}}}))
    write(fake_home / "cfg" / ".claude.json", json.dumps({"mcpServers": {"in-config-dir": {"command": "a"}}}))
    assert set(peers.mcp_listing("claude", fake_home, env={"CLAUDE_CONFIG_DIR": str(fake_home / "cfg")})) == {
        "in-config-dir"}


def test_claude_json_is_strict_and_a_broken_one_is_kept(fake_home):
    peers.require("claude")
    broken = '{\n  // a comment\n  "mcpServers": {"mine": {"command": "x"}},\n}\n'
    write(fake_home / ".claude.json", broken)
    proc = peers.run_cli("claude", ["mcp", "list"], fake_home)
    assert proc.returncode == 1 and "corrupted" in proc.stderr
    assert (fake_home / ".claude.json").read_text() == broken  # left for the user to fix, plus a copy in backups


def test_claude_headers_helper_token_reaches_protected_server(fake_home, protected_mcp_server, token):
    peers.require("claude")
    # The helper is told which server it serves: CLAUDE_CODE_MCP_SERVER_NAME / _URL.
    helper = write(fake_home / "bin" / "token-headers",
                   "#!/bin/sh\nprintf '{\"Authorization\": \"Bearer %s\", \"X-Server\": \"%s %s\"}' "
                   f"'{token}' \"$CLAUDE_CODE_MCP_SERVER_NAME\" \"$CLAUDE_CODE_MCP_SERVER_URL\"\n")
    helper.chmod(0o755)
    write(fake_home / ".claude.json", json.dumps({"mcpServers": {
        "with-helper": {"type": "http", "url": protected_mcp_server.http_url, "headersHelper": str(helper)},
        "with-env": {"type": "http", "url": protected_mcp_server.http_url,
                     "headers": {"Authorization": "Bearer ${AISTACK_TOKEN}"}},
        "without": {"type": "http", "url": protected_mcp_server.http_url},
    }}))
    listing = peers.mcp_listing("claude", fake_home, env={"AISTACK_TOKEN": token})
    assert listing["with-helper"]["status"] == "connected", listing["with-helper"]
    assert listing["with-env"]["status"] == "connected", listing["with-env"]  # ${VAR} expanded in headers
    assert listing["without"]["status"] == "failed"
    assert f"Bearer {token}" in protected_mcp_server.authorizations()
    assert f"with-helper {protected_mcp_server.http_url}" in protected_mcp_server.header_values("x-server")


def test_claude_gateway_from_settings_env_and_api_key_helper(fake_home, gateway, token):
    peers.require("claude")
    write(fake_home / ".claude" / "settings.json", json.dumps({
        "env": {"ANTHROPIC_BASE_URL": f"{gateway.url}/anthropic",
                "ANTHROPIC_CUSTOM_HEADERS": "cf-aig-collect-log-payload: false\nx-org: acme"},
        "apiKeyHelper": f"echo {token}",
    }))
    peers.run_cli("claude", ["-p", "hello"], fake_home, timeout=60)
    first = gateway.requests[0]
    assert first.path.startswith("/anthropic/v1/messages")
    assert first.headers["authorization"] == f"Bearer {token}"
    assert first.headers["x-api-key"] == token  # apiKeyHelper feeds both headers
    assert (first.headers["cf-aig-collect-log-payload"], first.headers["x-org"]) == ("false", "acme")
