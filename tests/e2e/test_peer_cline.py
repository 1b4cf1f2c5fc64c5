"""Cline's CLI 3.0.65 (`cline`, its platform binary @cline/cli-<os>-<cpu>) reading
~/.cline/data/settings/cline_mcp_settings.json.

Part of the ground truth for the assistant adapters: config files written by hand, read back by the real CLI
offline in a temporary HOME. `cline config mcp` lists without connecting; Cline connects to its servers only to
run a prompt, which here goes to a gateway that answers, so the tools it offers the model show which servers
connected. The facts are summed up in tests/peers/__init__.py.
"""

from __future__ import annotations

import json

import pytest

import peers
from peers.configs import STDIO, write
from peers.fixtures import answering_gateway, mcp_server, mcp_server_factory, protected_mcp_server, token  # noqa: F401

pytestmark = [pytest.mark.peer, pytest.mark.timeout(150)]
EXTENSION = ".config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json"
CLI = ".cline/data/settings/cline_mcp_settings.json"


def listed(home, **kw) -> tuple[int, dict, str]:
    proc = peers.run_cli("cline", ["config", "mcp"], home, **kw)
    return proc.returncode, peers.parse_cline_list(proc.stdout), proc.stdout + proc.stderr


def use_gateway(home, gateway) -> None:
    """Cline's own provider setup (it keeps the key in providers.json; a dummy one here)."""
    peers.run_cli("cline", ["auth", "openai", "-k", "dummy-key", "-m", "test-model", "-b", f"{gateway.url}/v1"],
                  home, check=True)


def test_cline_cli_reads_its_own_file_never_the_extensions(fake_home):
    peers.require("cline")
    write(fake_home / EXTENSION, json.dumps({"mcpServers": {"ext": {"command": "a"}}}))
    code, servers, out = listed(fake_home)
    assert servers == {} and "No MCP settings file found" in out
    write(fake_home / CLI, json.dumps({"mcpServers": {
        "s": {"command": "a"}, "h": {"type": "streamableHttp", "url": "http://127.0.0.1:9/mcp"},
        "bare": {"url": "http://127.0.0.1:9/sse"}, "off": {"command": "b", "disabled": True}}}))
    assert listed(fake_home)[1] == {"s": {"transport": "stdio", "status": "enabled"},
                                    "h": {"transport": "http", "status": "enabled"},
                                    "bare": {"transport": "sse", "status": "enabled"},  # a bare url is SSE
                                    "off": {"transport": "stdio", "status": "disabled"}}
    other = fake_home / "elsewhere.json"
    write(other, json.dumps({"mcpServers": {"moved": {"command": "c"}}}))
    assert set(listed(fake_home, env={"CLINE_MCP_SETTINGS_PATH": str(other)})[1]) == {"moved"}


@pytest.mark.parametrize("bad", [
    '{"mcpServers": {"a": {"command": "a"}, "b": {"type": "http", "url": "u"}}}',
    '{"mcpServers": {"a": {"command": "a"}, "b": {"type": "streamable-http", "url": "u"}}}',  # Roo's and Zoo's type
    '{\n  // a comment\n  "mcpServers": {"a": {"command": "a"}}\n}'])
def test_one_bad_entry_or_a_comment_rejects_the_whole_file(fake_home, bad):
    peers.require("cline")
    write(fake_home / CLI, bad)
    code, servers, out = listed(fake_home)
    assert servers == {} and ("Invalid MCP settings" in out or "Failed to parse MCP settings" in out), out


def test_cline_connects_only_to_run_a_prompt_and_never_interpolates(fake_home, answering_gateway, mcp_server,
                                                                   protected_mcp_server, token):
    peers.require("cline")
    config = write(fake_home / CLI, json.dumps({"mcpServers": {
        # Cline gives a server 3 s to initialize unless `timeout` (seconds) says otherwise.
        "org-stdio": {"command": STDIO[0], "args": STDIO[1:], "timeout": 60},
        "org-sse": {"type": "sse", "url": mcp_server.sse_url, "timeout": 60},
        "org-literal": {"type": "streamableHttp", "url": protected_mcp_server.http_url, "timeout": 60,
                        "headers": {"Authorization": "Bearer ${AISTACK_TOKEN}"}},
    }}))
    use_gateway(fake_home, answering_gateway)
    assert not protected_mcp_server.seen and not mcp_server.seen  # listing and setup connect to nothing
    proc = peers.run_cli("cline", ["--json", "say hi"], fake_home, env={"AISTACK_TOKEN": token}, timeout=140)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    offered = {t for r in answering_gateway.requests for t in r.tools}
    assert {"org-stdio__echo", "org-sse__echo"} <= offered, offered
    assert "org-literal__echo" not in offered
    assert "Bearer ${AISTACK_TOKEN}" in protected_mcp_server.authorizations()  # sent as written
    assert f"Bearer {token}" not in protected_mcp_server.authorizations()
    # Cline writes into its own file: the refused server's entry gains the OAuth error it met; the others stay.
    after = json.loads(config.read_text())["mcpServers"]
    assert "lastError" in after["org-literal"]["oauth"]
    assert after["org-stdio"] == {"command": STDIO[0], "args": STDIO[1:], "timeout": 60}
