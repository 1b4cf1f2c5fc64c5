"""Codex 0.169.0 reading ~/.codex/config.toml.

Part of the ground truth for the assistant adapters: config files written by hand in the shape
clients.md describes, read back by the real CLI offline in a temporary HOME, against a real MCP
server on 127.0.0.1 (and a recording gateway for model traffic). Where the CLI disagrees with
clients.md the test pins what the CLI does; the facts are summed up in tests/peers/__init__.py.
"""

from __future__ import annotations

import json

import pytest

import peers
from peers.configs import STDIO, helper_script, write
from peers.fixtures import gateway, mcp_server, mcp_server_factory, protected_mcp_server, token  # noqa: F401

pytestmark = [pytest.mark.peer, pytest.mark.timeout(90)]


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
env_http_headers = {{ "X-Token-Copy" = "AISTACK_TOKEN" }}
http_headers = {{ "X-Org" = "acme" }}

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
    assert token in by_env.header_values("x-token-copy") and "acme" in by_env.header_values("x-org")
    assert any(r.status == 200 for r in by_env.seen)
    assert f"Bearer {helper_token}" in by_helper.authorizations()
    assert any(r.status == 200 for r in by_helper.seen)
