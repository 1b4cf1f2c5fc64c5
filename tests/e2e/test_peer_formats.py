"""Ground truth: config files written by hand in the shape clients.md describes, read back by each real CLI.

Each test writes one assistant's user-scope file in a temporary HOME with a stdio server, an
http server and (where the assistant has it) an SSE server pointing at a real MCP server on
127.0.0.1, plus a server of the user's own, then asserts what the assistant itself lists.
Where a real CLI disagrees with clients.md, the test pins the real behaviour. Model routing
is checked by running a prompt against a recording gateway (tests/peers/gateway.py).
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

import peers
from peers import mcp_server as mcp_module
from peers.fixtures import gateway, mcp_server, mcp_server_factory, protected_mcp_server, token  # noqa: F401

pytestmark = [pytest.mark.peer, pytest.mark.timeout(90)]

PY = sys.executable
STDIO = mcp_module.stdio_command()  # [python, tests/peers/mcp_server.py]
USERS_OWN = {"command": "user-own-server", "args": ["--flag"]}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def helper_script(home: Path, name: str, headers: dict[str, str]) -> Path:
    """A headers helper: prints a JSON object of headers, as `aistack token` will."""
    path = home / "bin" / name
    write(path, f"#!/bin/sh\ncat <<'EOF'\n{json.dumps(headers)}\nEOF\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


# ---- Claude Code ------------------------------------------------------------------------------

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


# ---- Codex ------------------------------------------------------------------------------------

CODEX_CONFIG = """\
# my codex settings
model = "o3"  # keep

[mcp_servers.org-stdio]
command = {cmd}
args = {args}
env = {{ ORG = "1" }}

[mcp_servers.org-http]
url = "{http}"
bearer_token_env_var = "AISTACK_TOKEN"
http_headers = {{ "X-Org" = "acme" }}
env_http_headers = {{ "X-Token" = "AISTACK_TOKEN" }}

[mcp_servers.mine]
command = "user-own-server"
args = ["--flag"]
"""


def test_codex_lists_mcp_servers_from_config_toml(fake_home, mcp_server):
    peers.require("codex")
    config = write(fake_home / ".codex" / "config.toml",
                   CODEX_CONFIG.format(cmd=json.dumps(STDIO[0]), args=json.dumps(STDIO[1:]), http=mcp_server.http_url))
    before = config.read_bytes()
    listing = peers.mcp_listing("codex", fake_home)
    assert config.read_bytes() == before  # reading never rewrites it
    assert set(listing) == {"org-stdio", "org-http", "mine"}
    assert (listing["org-stdio"]["command"], listing["org-stdio"]["args"]) == (STDIO[0], STDIO[1:])
    assert listing["org-stdio"]["env"] == {"ORG": "1"}
    http = listing["org-http"]
    assert (http["transport"], http["url"], http["bearer_token_env_var"]) == ("http", mcp_server.http_url,
                                                                             "AISTACK_TOKEN")
    assert (http["http_headers"], http["env_http_headers"]) == ({"X-Org": "acme"}, {"X-Token": "AISTACK_TOKEN"})
    assert listing["mine"]["args"] == ["--flag"]


@pytest.mark.parametrize(("entry", "outcome"), [
    ('url = "http://127.0.0.1:9/mcp"\ntype = "http"\nheaders = { X = "1" }\nnot_a_codex_key = 1', "ignored"),
    ('url = "http://127.0.0.1:9/sse"\ntransport = "sse"', "ignored"),  # no SSE in Codex: used as streamable HTTP
    ('url = "http://127.0.0.1:9/mcp"\ncommand = "x"', "url is not supported for stdio"),
    ('url = "http://127.0.0.1:9/mcp"\nbearer_token = "abc"', "bearer_token is not supported"),
    ('url = "http://127.0.0.1:9/mcp"\nhttp_headers_helper = { command = "x" }', "expected a string"),
])
def test_codex_unknown_keys_are_ignored_mixed_entries_are_fatal(fake_home, entry, outcome):
    peers.require("codex")
    write(fake_home / ".codex" / "config.toml", f"[mcp_servers.s]\n{entry}\n")
    proc = peers.run_cli("codex", ["mcp", "list", "--json"], fake_home)
    if outcome == "ignored":
        assert proc.returncode == 0, proc.stderr
        server = peers.parse_codex_list(proc.stdout)["s"]
        assert server["transport"] == "http" and not server["http_headers"]
        assert set(server["raw"]["transport"]) == {"type", "url", "bearer_token_env_var", "http_headers",
                                                   "env_http_headers", "http_headers_helper"}
    else:
        assert proc.returncode != 0 and outcome in proc.stderr, proc.stderr


def test_codex_exec_uses_model_provider_and_sends_mcp_bearer_tokens(fake_home, gateway, mcp_server_factory, token):
    peers.require("codex")
    by_env = mcp_server_factory(verify=lambda t: t == token)
    helper_token = token + "-helper"
    by_helper = mcp_server_factory(verify=lambda t: t == helper_token)
    helper = helper_script(fake_home, "codex-headers", {"Authorization": f"Bearer {helper_token}"})
    write(fake_home / ".codex" / "config.toml", f"""\
model = "gpt-5"
model_provider = "aistack"

[model_providers.aistack]
name = "Company gateway"
base_url = "{gateway.url}/openai/v1"
env_key = "AISTACK_TOKEN"
wire_api = "responses"
http_headers = {{ "cf-aig-collect-log-payload" = "false" }}

[mcp_servers.by-env]
url = "{by_env.http_url}"
bearer_token_env_var = "AISTACK_TOKEN"

[mcp_servers.by-helper]
url = "{by_helper.http_url}"
http_headers_helper = "{helper}"
""")
    peers.run_cli("codex", ["exec", "--skip-git-repo-check", "hello"], fake_home, env={"AISTACK_TOKEN": token},
                  timeout=60)
    first = gateway.requests[0]
    assert first.path == "/openai/v1/responses"
    assert first.headers["authorization"] == f"Bearer {token}"
    assert first.headers["cf-aig-collect-log-payload"] == "false"
    assert f"Bearer {token}" in by_env.authorizations()
    assert any(r.status == 200 for r in by_env.seen)
    assert f"Bearer {helper_token}" in by_helper.authorizations()
    assert any(r.status == 200 for r in by_helper.seen)


# ---- Gemini CLI and Qwen Code -----------------------------------------------------------------

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


# ---- OpenCode ---------------------------------------------------------------------------------

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


# ---- GitHub Copilot CLI -----------------------------------------------------------------------

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


# ---- Project scope ----------------------------------------------------------------------------

def test_project_files_each_cli_reads(fake_home, mcp_server):
    """Which repo-level file each CLI reads from its working directory, and what it demands first."""
    project = fake_home / "repo"
    url = mcp_server.http_url
    write(project / ".mcp.json", json.dumps({"mcpServers": {"p-mcp-json": {"type": "http", "url": url}}}))
    write(project / ".github" / "mcp.json", json.dumps({"mcpServers": {"p-github": {"type": "http", "url": url}}}))
    write(project / ".vscode" / "mcp.json", json.dumps({"servers": {"p-vscode": {"type": "http", "url": url}}}))
    write(project / ".codex" / "config.toml", f'[mcp_servers.p-codex]\nurl = "{url}"\n')
    write(project / ".gemini" / "settings.json", json.dumps({"mcpServers": {"p-gemini": {"httpUrl": url}}}))
    write(project / ".qwen" / "settings.json", json.dumps({"mcpServers": {"p-qwen": {"httpUrl": url}}}))
    write(project / "opencode.json", json.dumps({"mcp": {"p-opencode": {"type": "remote", "url": url}}}))

    def listed(cli, **kw):
        peers.require(cli)
        return {name: entry["status"] for name, entry in peers.mcp_listing(cli, fake_home, cwd=project, **kw).items()}

    assert listed("claude") == {"p-mcp-json": "needs-approval"}
    assert listed("opencode") == {"p-opencode": "connected"}
    assert listed("gemini") == {"p-gemini": "connected"}  # the folder is trusted by the harness
    assert listed("qwen") == {"p-mcp-json": "needs-approval", "p-qwen": "needs-approval"}  # qwen reads .mcp.json too
    # Codex ignores a project config until the user config trusts the project.
    assert listed("codex") == {}
    write(fake_home / ".codex" / "config.toml", f'[projects."{project}"]\ntrust_level = "trusted"\n')
    assert listed("codex") == {"p-codex": "enabled"}
    # Copilot reads workspace servers only in a trusted folder, from .mcp.json, else .github/mcp.json; never .vscode.
    assert listed("copilot") == {}
    assert listed("copilot", env={"COPILOT_ALLOW_ALL": "true"}) == {"p-mcp-json": "enabled"}
    (project / ".mcp.json").unlink()
    assert listed("copilot", env={"COPILOT_ALLOW_ALL": "true"}) == {"p-github": "enabled"}


def test_harness_env_keeps_the_real_home_out(fake_home):
    env = peers.env_for("claude", fake_home, {"EXTRA": "1"})
    assert env["HOME"] == env["USERPROFILE"] == str(fake_home)
    assert env["XDG_CONFIG_HOME"] == str(fake_home / ".config") and env["EXTRA"] == "1"
    assert not {"ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GITHUB_TOKEN", "AISTACK_TOKEN"} & set(env)
    assert os.environ.get("HOME") == str(fake_home)
