"""A logged-in engineer and the org's MCP servers, for the tests that run `aistack setup` and then the real
assistants: a real login against oidc-provider (device flow), a server that checks the token at the IdP, an open
SSE server, and a stdio one. Import `stack` into the test module (it uses oidc_peer's `provider` and `user`)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from . import mcp_server as test_mcp


@pytest.fixture
def stack(provider, user, memory_keyring, tmp_path, monkeypatch):
    """A logged-in engineer; an MCP server that checks the token at the IdP; an open SSE one; a stdio one."""
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    protected = test_mcp.start(verify=lambda tok: provider.userinfo(tok).status_code == 200)
    open_server = test_mcp.start()
    command = test_mcp.stdio_command()
    org = tmp_path / "org.toml"
    org.write_text(f"""schema = 1
[org]
name = "E2E Org"
[auth]
issuer = "{provider.issuer}"
client_id = "aistack-cli"
[[mcp_servers]]
name = "docs"
url = "{protected.http_url}"
auth = "token"
[[mcp_servers]]
name = "events"
url = "{open_server.sse_url}"
transport = "sse"
[[mcp_servers]]
name = "local"
command = "{command[0]}"
args = {json.dumps(command[1:])}
""")
    from aistack.__main__ import main

    assert main(["login", "--org", str(org), "--device"]) == 0
    yield {"org": org, "protected": protected, "open": open_server, "command": command}
    protected.stop()
    open_server.stop()


def aistack_env(token: str | None = None) -> dict[str, str]:
    """What a peer CLI needs to run this test's aistack (the bridge, a helper): its dirs and PATH; with `token`,
    also what `aistack run <cli>` adds for the assistants that read AISTACK_TOKEN from their environment."""
    env = {k: os.environ[k] for k in ("AISTACK_CONFIG_DIR", "AISTACK_DATA_DIR", "AISTACK_CACHE_DIR", "PATH")}
    if token:
        env["AISTACK_TOKEN"] = token
    return env
