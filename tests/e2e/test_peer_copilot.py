"""GitHub Copilot CLI 1.0.102 reading ~/.copilot/mcp-config.json; its gateway is environment only.

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


def test_copilot_lists_mcp_config(fake_home, mcp_server):
    peers.require("copilot")
    config = write(fake_home / ".copilot" / "mcp-config.json", json.dumps({"mcpServers": {
        "org-stdio": {"type": "local", "command": STDIO[0], "args": STDIO[1:], "tools": ["*"]},
        "org-http": {"type": "http", "url": mcp_server.http_url, "headers": {"X-Org": "acme"}, "tools": ["*"]},
        "org-sse": {"type": "sse", "url": mcp_server.sse_url, "tools": ["*"]},
        "org-bare-url": {"url": mcp_server.http_url},
        "broken": {"type": "http"},
        "mine": {**USERS_OWN, "tools": ["*"]},
    }}))
    before = config.read_bytes()
    listing = peers.mcp_listing("copilot", fake_home)
    assert config.read_bytes() == before
    assert "broken" not in listing  # dropped without a word
    assert (listing["org-stdio"]["transport"], listing["org-stdio"]["command"]) == ("stdio", STDIO[0])
    assert (listing["org-http"]["url"], listing["org-http"]["headers"]) == (mcp_server.http_url, {"X-Org": "acme"})
    assert (listing["org-sse"]["transport"], listing["org-sse"]["url"]) == ("sse", mcp_server.sse_url)
    assert listing["org-bare-url"]["transport"] == "http" and listing["org-bare-url"]["tools"] == ["*"]
    assert listing["mine"]["command"] == "user-own-server" and listing["mine"]["source"] == "user"


def test_copilot_config_dir_is_copilot_home_not_xdg(fake_home):
    peers.require("copilot")
    for where in (".copilot", ".config/.copilot", ".config/copilot", "elsewhere"):
        write(fake_home / where / "mcp-config.json",
              json.dumps({"mcpServers": {where.replace("/", "-"): {"url": "http://127.0.0.1:9/mcp"}}}))
    # clients.md says XDG_CONFIG_HOME relocates it; copilot 1.0.102 ignores XDG_CONFIG_HOME (set by the harness).
    assert set(peers.mcp_listing("copilot", fake_home)) == {".copilot"}
    assert set(peers.mcp_listing("copilot", fake_home, env={"COPILOT_HOME": str(fake_home / "elsewhere")})) == {
        "elsewhere"}


def test_copilot_env_gateway_and_mcp_header_interpolation(fake_home, gateway, protected_mcp_server, token):
    peers.require("copilot")
    write(fake_home / ".copilot" / "mcp-config.json", json.dumps({"mcpServers": {"org-token": {
        "type": "http", "url": protected_mcp_server.http_url,
        "headers": {"Authorization": "Bearer ${AISTACK_TOKEN}"}, "tools": ["*"]}}}))
    peers.run_cli("copilot", ["-p", "hello"], fake_home, timeout=60, env={
        "AISTACK_TOKEN": token, "COPILOT_OFFLINE": "true", "COPILOT_MODEL": "gpt-5",
        "COPILOT_PROVIDER_BASE_URL": f"{gateway.url}/openai/v1",
        "COPILOT_PROVIDER_API_KEY_COMMAND": f"echo {token}-key",
        "COPILOT_PROVIDER_HEADERS": "cf-aig-collect-log-payload: false",
    })
    first = gateway.requests[0]
    assert first.path == "/openai/v1/chat/completions"
    assert first.headers["authorization"] == f"Bearer {token}-key"
    assert first.headers["cf-aig-collect-log-payload"] == "false"
    assert f"Bearer {token}" in protected_mcp_server.authorizations()
    assert any(r.status == 200 for r in protected_mcp_server.seen)
