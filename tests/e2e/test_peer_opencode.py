"""OpenCode 1.18.33 reading ~/.config/opencode/opencode.json[c].

Part of the ground truth for the assistant adapters: config files written by hand in the shape
clients.md describes, read back by the real CLI offline in a temporary HOME, against a real MCP
server on 127.0.0.1 (and a recording gateway for model traffic). Where the CLI disagrees with
clients.md the test pins what the CLI does; the facts are summed up in tests/peers/__init__.py.
"""

from __future__ import annotations

import json

import pytest

import peers
from peers.configs import STDIO, write
from peers.fixtures import gateway, mcp_server, mcp_server_factory, protected_mcp_server, token  # noqa: F401

pytestmark = [pytest.mark.peer, pytest.mark.timeout(90)]


def test_opencode_lists_jsonc_servers(fake_home, mcp_server, protected_mcp_server, token):
    peers.require("opencode")
    config = write(fake_home / ".config" / "opencode" / "opencode.jsonc", f"""{{
  // my opencode config
  "$schema": "https://opencode.ai/config.json",
  "mcp": {{
    "org-stdio": {{"type": "local", "command": {json.dumps(STDIO)}, "environment": {{"ORG": "1"}}}},
    "org-http": {{"type": "remote", "url": "{mcp_server.http_url}", "headers": {{"X-Org": "acme"}}}},
    "org-sse": {{"type": "remote", "url": "{mcp_server.sse_url}"}},
    "org-token": {{"type": "remote", "url": "{protected_mcp_server.http_url}",
                  "headers": {{"Authorization": "Bearer {{env:AISTACK_TOKEN}}"}}, "oauth": false}},
    "mine": {{"type": "local", "command": ["user-own-server", "--flag"]}},
  }},
}}
""")
    before = config.read_bytes()
    listing = peers.mcp_listing("opencode", fake_home, env={"AISTACK_TOKEN": token})
    assert config.read_bytes() == before
    for name in ("org-stdio", "org-http", "org-sse", "org-token"):
        assert listing[name]["status"] == "connected", listing[name]
    assert (listing["org-stdio"]["command"], listing["org-stdio"]["args"]) == (STDIO[0], STDIO[1:])
    assert listing["org-http"]["url"] == mcp_server.http_url
    assert listing["org-sse"]["url"] == mcp_server.sse_url  # `remote` falls back to SSE by itself
    assert listing["mine"]["command"] == "user-own-server" and listing["mine"]["status"] == "failed"
    assert f"Bearer {token}" in protected_mcp_server.authorizations()


def test_opencode_merges_json_and_jsonc_and_creates_jsonc(fake_home):
    peers.require("opencode")
    conf = fake_home / ".config" / "opencode"
    peers.run_cli("opencode", ["mcp", "list"], fake_home, check=True)
    assert json.loads((conf / "opencode.jsonc").read_text()) == {"$schema": "https://opencode.ai/config.json"}
    write(conf / "opencode.json", json.dumps({"mcp": {
        "only-json": {"type": "local", "command": ["a"]}, "both": {"type": "local", "command": ["from-json"]}}}))
    write(conf / "opencode.jsonc", '{"mcp": {"only-jsonc": {"type": "local", "command": ["b"]},\n'
                                   ' "both": {"type": "local", "command": ["from-jsonc"]},},}')
    mcp = peers.opencode_config(fake_home)["mcp"]
    assert set(mcp) == {"only-json", "only-jsonc", "both"}
    assert mcp["both"]["command"] == ["from-jsonc"]  # opencode.jsonc wins over opencode.json


@pytest.mark.parametrize(("provider", "model", "base", "path"), [
    # The anthropic provider posts <baseURL>/messages: baseURL must carry /v1, unlike ANTHROPIC_BASE_URL.
    ("anthropic", "claude-sonnet-4-5", "/anthropic/v1", "/anthropic/v1/messages"),
    ("anthropic", "claude-sonnet-4-5", "/anthropic", "/anthropic/messages"),
    ("openai", "gpt-5", "/openai/v1", "/openai/v1/responses"),
])
def test_opencode_gateway_provider_base_url(fake_home, gateway, token, provider, model, base, path):
    peers.require("opencode")
    write(fake_home / ".config" / "opencode" / "opencode.json", json.dumps({
        "provider": {provider: {"options": {
            "baseURL": f"{gateway.url}{base}", "apiKey": "{env:AISTACK_TOKEN}",
            "headers": {"Authorization": "Bearer {env:AISTACK_TOKEN}", "cf-aig-collect-log-payload": "false"}}}},
        "model": f"{provider}/{model}",
    }))
    if base == "/anthropic/v1":  # once is enough: what `debug config` shows of a provider
        resolved = peers.opencode_config(fake_home, env={"AISTACK_TOKEN": token})
        assert resolved["provider"][provider]["options"]["baseURL"] == f"{gateway.url}{base}"
        assert token not in json.dumps(resolved)  # `debug config` masks keys and headers
    peers.run_cli("opencode", ["run", "hello"], fake_home, env={"AISTACK_TOKEN": token}, timeout=60)
    first = gateway.requests[0]
    assert first.path == path
    # apiKey goes out as x-api-key (anthropic) or Bearer (openai); an explicit Authorization header is sent as well.
    assert first.headers["authorization"] == f"Bearer {token}"
    assert first.headers.get("x-api-key") == (token if provider == "anthropic" else None)
    assert first.headers["cf-aig-collect-log-payload"] == "false"
