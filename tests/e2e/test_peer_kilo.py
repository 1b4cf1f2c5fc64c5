"""Kilo Code 7.7.7 (`kilo`, an OpenCode fork) reading ~/.config/kilo/.

Part of the ground truth for the assistant adapters: config files written by hand, read back by the real CLI
offline in a temporary HOME, against a real MCP server on 127.0.0.1 and a recording gateway. `kilo debug config`
prints header values with `{env:}` expanded, so these tests never run it; `kilo mcp list` connects instead.
The facts are summed up in tests/peers/__init__.py.
"""

from __future__ import annotations

import json

import pytest

import peers
from peers.configs import STDIO, write
from peers.fixtures import gateway, mcp_server, mcp_server_factory, protected_mcp_server, token  # noqa: F401

pytestmark = [pytest.mark.peer, pytest.mark.timeout(120)]


def local(name: str) -> dict:
    return {"type": "local", "command": [*STDIO, name]}


def test_kilo_reads_its_own_dir_not_opencodes_nor_the_v6_extension_file(fake_home, protected_mcp_server, token):
    peers.require("kilo")
    conf = fake_home / ".config" / "kilo"
    kilo_jsonc = write(conf / "kilo.jsonc", f"""{{
  // my kilo config
  "mcp": {{
    "org-token": {{"type": "remote", "url": "{protected_mcp_server.http_url}",
                  "headers": {{"Authorization": "Bearer {{env:AISTACK_TOKEN}}"}}}},
    "both": {json.dumps(local("from-jsonc"))},
  }},
}}
""")
    write(conf / "kilo.json", json.dumps({"mcp": {"both": local("from-json"), "only-json": local("only-json")}}))
    write(fake_home / ".config" / "opencode" / "opencode.json", json.dumps({"mcp": {"opencodes": local("x")}}))
    legacy = fake_home / ".config" / "Code" / "User" / "globalStorage" / "kilocode.kilo-code" / "settings"
    write(legacy / "mcp_settings.json", json.dumps({"mcpServers": {"v6": {"command": STDIO[0], "args": STDIO[1:]}}}))
    listing = peers.mcp_listing("kilo", fake_home, env={"AISTACK_TOKEN": token}, timeout=110)
    assert set(listing) == {"org-token", "both", "only-json"}  # not OpenCode's file, not the v6 extension's
    assert listing["org-token"]["status"] == "connected"  # {env:AISTACK_TOKEN} expanded
    assert f"Bearer {token}" in protected_mcp_server.authorizations()
    assert listing["both"]["args"][-1] == "from-jsonc"  # kilo.jsonc wins over kilo.json
    text = kilo_jsonc.read_text()
    # Kilo rewrites its file on the first run: `$schema` (and a permission migration) added, comments kept.
    assert '"$schema": "https://app.kilo.ai/config.json"' in text and "// my kilo config" in text
    assert token not in text


def test_kilo_gateway_from_provider_options(fake_home, gateway, token):
    peers.require("kilo")
    write(fake_home / ".config" / "kilo" / "kilo.json", json.dumps({
        "provider": {"openai": {"options": {"baseURL": f"{gateway.url}/openai/v1", "apiKey": "{env:AISTACK_TOKEN}",
                                            "headers": {"cf-aig-collect-log-payload": "false"}}}},
        "model": "openai/gpt-5"}))
    peers.run_cli("kilo", ["run", "hello"], fake_home, env={"AISTACK_TOKEN": token}, timeout=110)
    first = gateway.requests[0]
    assert first.path == "/openai/v1/responses"
    assert first.headers["authorization"] == f"Bearer {token}"
    assert first.headers["cf-aig-collect-log-payload"] == "false"
