"""Gemini CLI 0.61.0 and Qwen Code 0.24.4 reading their settings.json (one schema, two readings).

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


def gemini_style_settings(open_server, protected, interpolation: str) -> str:
    return f"""{{
  // servers for the whole company
  "ui": {{"theme": "Default"}},
  "mcpServers": {{
    "org-stdio": {{"command": {json.dumps(STDIO[0])}, "args": {json.dumps(STDIO[1:])}, "env": {{"ORG": "1"}}}},
    "org-httpurl": {{"httpUrl": "{open_server.http_url}", "headers": {{"X-Org": "acme"}}}},
    "org-typed-http": {{"type": "http", "url": "{open_server.http_url}"}},
    "org-typed-sse": {{"type": "sse", "url": "{open_server.sse_url}"}},
    "org-bare-url-sse": {{"url": "{open_server.sse_url}"}},
    "org-token": {{"httpUrl": "{protected.http_url}", "headers": {{"Authorization": "Bearer {interpolation}"}}}},
    "mine": {json.dumps(USERS_OWN)}
  }}
}}
"""


def test_gemini_lists_settings_servers(fake_home, mcp_server, protected_mcp_server, token):
    peers.require("gemini")
    settings = write(fake_home / ".gemini" / "settings.json",
                     gemini_style_settings(mcp_server, protected_mcp_server, "$AISTACK_TOKEN"))
    before = settings.read_bytes()
    listing = peers.mcp_listing("gemini", fake_home, env={"AISTACK_TOKEN": token})
    assert settings.read_bytes() == before
    assert set(listing) == {"org-stdio", "org-httpurl", "org-typed-http", "org-typed-sse", "org-bare-url-sse",
                            "org-token", "mine"}
    for name, transport in [("org-stdio", "stdio"), ("org-httpurl", "http"), ("org-typed-http", "http"),
                            ("org-typed-sse", "sse"), ("org-token", "http")]:
        assert (listing[name]["transport"], listing[name]["status"]) == (transport, "connected"), listing[name]
    assert listing["org-typed-http"]["url"] == mcp_server.http_url
    # clients.md: a bare `url` is SSE. Gemini 0.61 takes it as streamable HTTP, so an SSE endpoint fails.
    assert (listing["org-bare-url-sse"]["transport"], listing["org-bare-url-sse"]["status"]) == ("http", "failed")
    assert listing["mine"]["command"] == "user-own-server"
    assert f"Bearer {token}" in protected_mcp_server.authorizations()  # $AISTACK_TOKEN expanded


def test_gemini_braced_interpolation_and_trailing_comma(fake_home, mcp_server, protected_mcp_server, token):
    peers.require("gemini")
    settings = fake_home / ".gemini" / "settings.json"
    write(settings, gemini_style_settings(mcp_server, protected_mcp_server, "${AISTACK_TOKEN}"))
    listing = peers.mcp_listing("gemini", fake_home, env={"AISTACK_TOKEN": token})
    assert listing["org-token"]["status"] == "connected"
    # Comments are fine, a trailing comma is not: Gemini refuses the whole file.
    write(settings, '{\n  // c\n  "mcpServers": {"mine": {"command": "x"},}\n}\n')
    proc = peers.run_cli("gemini", ["mcp", "list"], fake_home)
    assert proc.returncode != 0 and str(settings) in proc.stdout + proc.stderr


def test_gemini_untrusted_folder_disables_user_servers(fake_home, mcp_server):
    peers.require("gemini")
    write(fake_home / ".gemini" / "settings.json", json.dumps({"mcpServers": {"org": {"httpUrl": mcp_server.http_url}}}))
    listing = peers.mcp_listing("gemini", fake_home, env={"GEMINI_CLI_TRUST_WORKSPACE": ""})
    assert listing["org"]["status"] == "disabled"


def test_gemini_warns_about_unknown_keys_in_an_entry(fake_home):
    """A marker key inside an entry (one way a tool could tag its own entries) makes Gemini complain."""
    peers.require("gemini")
    write(fake_home / ".gemini" / "settings.json",
          json.dumps({"mcpServers": {"a": {"httpUrl": "http://127.0.0.1:9/mcp", "x-managed-by": "me"}}}))
    proc = peers.run_cli("gemini", ["mcp", "list"], fake_home)
    assert "Unrecognized key(s) in object: 'x-managed-by'" in proc.stdout + proc.stderr
    assert "a" in peers.parse_gemini_list(proc.stdout + proc.stderr)  # listed all the same


def test_gemini_gateway_from_dotenv(fake_home, gateway, token):
    peers.require("gemini")
    write(fake_home / ".gemini" / ".env", f"GOOGLE_GEMINI_BASE_URL={gateway.url}/google\n"
                                          "GEMINI_API_KEY_AUTH_MECHANISM=bearer\n"
                                          "GEMINI_CLI_CUSTOM_HEADERS=cf-aig-collect-log-payload: false, x-org: acme\n")
    # Without a selected auth type a headless run stops before any request (GEMINI_DEFAULT_AUTH_TYPE does not help).
    proc = peers.run_cli("gemini", ["-p", "hello"], fake_home, timeout=60,
                         env={"GEMINI_API_KEY": token, "GEMINI_DEFAULT_AUTH_TYPE": "gemini-api-key"})
    assert (proc.returncode, gateway.requests) == (41, []) and "Invalid auth method" in proc.stdout + proc.stderr
    write(fake_home / ".gemini" / "settings.json", json.dumps({"security": {"auth": {"selectedType": "gemini-api-key"}}}))
    peers.run_cli("gemini", ["-p", "hello"], fake_home, env={"GEMINI_API_KEY": token}, timeout=60)
    first = gateway.requests[0]
    assert first.path.startswith("/google/v1beta/models/")
    assert first.headers["authorization"] == f"Bearer {token}"
    assert (first.headers["cf-aig-collect-log-payload"], first.headers["x-org"]) == ("false", "acme")


def test_qwen_lists_settings_servers(fake_home, mcp_server, protected_mcp_server, token):
    peers.require("qwen")
    settings = write(fake_home / ".qwen" / "settings.json",
                     gemini_style_settings(mcp_server, protected_mcp_server, "$AISTACK_TOKEN"))
    listing = peers.mcp_listing("qwen", fake_home, env={"AISTACK_TOKEN": token})
    # Qwen migrates a settings file without "$version": it adds "$version": 4 and re-indents
    # the servers it rewrote, keeping comments; once migrated, it leaves the bytes alone.
    migrated = settings.read_text()
    assert '"$version": 4' in migrated and "// servers for the whole company" in migrated
    peers.mcp_listing("qwen", fake_home, env={"AISTACK_TOKEN": token})
    assert settings.read_text() == migrated
    for name, transport in [("org-stdio", "stdio"), ("org-httpurl", "http"), ("org-typed-sse", "sse"),
                            ("org-bare-url-sse", "sse"), ("org-token", "http")]:
        assert (listing[name]["transport"], listing[name]["status"]) == (transport, "connected"), listing[name]
    # Qwen ignores `type`: `type: "http"` + `url` is taken as SSE and fails against a streamable HTTP endpoint.
    assert (listing["org-typed-http"]["transport"], listing["org-typed-http"]["status"]) == ("sse", "failed")
    assert listing["mine"]["command"] == "user-own-server"
    assert f"Bearer {token}" in protected_mcp_server.authorizations()


def test_qwen_gateway_from_model_providers(fake_home, gateway, token):
    peers.require("qwen")
    settings = {"modelProviders": {"openai": [{
        "id": "company-model", "name": "Company gateway", "baseUrl": f"{gateway.url}/openai/v1",
        "envKey": "AISTACK_TOKEN",
        "generationConfig": {"customHeaders": {"cf-aig-collect-log-payload": "false"}}}]}}
    write(fake_home / ".qwen" / "settings.json", json.dumps(settings))
    # A provider alone is not used: without a selected auth type a headless run stops before any request.
    proc = peers.run_cli("qwen", ["-p", "hello"], fake_home, env={"AISTACK_TOKEN": token}, timeout=60)
    assert gateway.requests == [] and "No auth type is selected" in proc.stdout + proc.stderr
    settings["security"] = {"auth": {"selectedType": "openai"}}  # model.name is optional: the first model is used
    write(fake_home / ".qwen" / "settings.json", json.dumps(settings))
    peers.run_cli("qwen", ["-p", "hello"], fake_home, env={"AISTACK_TOKEN": token}, timeout=60)
    first = gateway.requests[0]
    assert first.path == "/openai/v1/chat/completions"
    assert first.headers["authorization"] == f"Bearer {token}"
    assert first.headers["cf-aig-collect-log-payload"] == "false"
