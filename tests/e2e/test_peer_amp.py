"""Amp 0.0.1790142911-g7618fb (`amp`, npm @ampcode/cli, which @sourcegraph/amp now wraps) reading
~/.config/amp/settings.json.

Part of the ground truth for the assistant adapters: config files written by hand, read back by the real CLI
offline in a temporary HOME, against a real MCP server on 127.0.0.1. `amp mcp list --json` reads without
connecting; `amp mcp doctor` connects. The facts are summed up in tests/peers/__init__.py.
"""

from __future__ import annotations

import json

import pytest

import peers
from peers import mcp_server as test_mcp
from peers.configs import STDIO, USERS_OWN, write
from peers.fixtures import gateway, mcp_server, mcp_server_factory, protected_mcp_server, token  # noqa: F401

pytestmark = [pytest.mark.peer, pytest.mark.timeout(120)]


def test_amp_reads_settings_json_before_jsonc(fake_home):
    peers.require("amp")
    conf = fake_home / ".config" / "amp"
    write(conf / "settings.jsonc", '{\n  // mine\n  "amp.mcpServers": {"from-jsonc": {"command": "a"},},\n}\n')
    assert set(peers.mcp_listing("amp", fake_home)) == {"from-jsonc"}  # JSONC, read when it is the only one
    write(conf / "settings.json", json.dumps({"amp.mcpServers": {"from-json": {"command": "b"}}}))
    assert set(peers.mcp_listing("amp", fake_home)) == {"from-json"}  # both there: settings.json only


def test_amp_expands_dollar_brace_in_headers_and_connects(fake_home, mcp_server, protected_mcp_server, token):
    peers.require("amp")
    write(fake_home / ".config" / "amp" / "settings.json", json.dumps({"amp.mcpServers": {
        "org-stdio": {"command": STDIO[0], "args": STDIO[1:]},
        "org-sse": {"url": mcp_server.sse_url},  # a bare url: streamable HTTP first, then SSE
        "org-token": {"url": protected_mcp_server.http_url, "headers": {"Authorization": "Bearer ${AISTACK_TOKEN}"}},
        "org-env-colon": {"url": protected_mcp_server.http_url,
                          "headers": {"Authorization": "Bearer ${env:AISTACK_TOKEN}"}},
        "mine": USERS_OWN,
    }}))
    listed = peers.mcp_listing("amp", fake_home)
    assert listed["org-token"]["headers"]["Authorization"] == "Bearer ${AISTACK_TOKEN}"  # the listing shows it raw
    assert listed["mine"]["command"] == "user-own-server"
    doctor = peers.amp_doctor(fake_home, env={"AISTACK_TOKEN": token}, timeout=110)
    for name in ("org-stdio", "org-sse", "org-token"):
        assert doctor[name]["status"] == "connected" and doctor[name]["tools"] == test_mcp.TOOLS, doctor[name]
    assert doctor["org-env-colon"]["status"] == "failed"  # `${env:VAR}` is sent as it is: a 401
    assert doctor["mine"]["status"] == "failed"
    assert f"Bearer {token}" in protected_mcp_server.authorizations()


def test_amp_workspace_servers_wait_for_approval(fake_home, mcp_server):
    peers.require("amp")
    project = fake_home / "repo"
    write(project / ".amp" / "settings.json", json.dumps({"amp.mcpServers": {"ws": {"url": mcp_server.http_url}}}))
    assert peers.mcp_listing("amp", fake_home, cwd=project)["ws"]["source"] == "workspace"
    assert peers.amp_doctor(fake_home, cwd=project)["ws"]["status"] == "needs-approval"
