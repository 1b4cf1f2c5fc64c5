"""Continue's CLI 1.5.47 (`cn`, npm @continuedev/cli) reading ~/.continue/config.yaml.

Part of the ground truth for the assistant adapters: config files written by hand, read back by the real CLI
offline in a temporary HOME. cn has no MCP listing: `cn -p PROMPT` connects to every server first and stops,
naming each one that failed, so a prompt answered by a local gateway shows what it read. The facts are summed up
in tests/peers/__init__.py.
"""

from __future__ import annotations

import pytest

import peers
from peers.configs import STDIO, write
from peers.fixtures import answering_gateway, mcp_server, mcp_server_factory, protected_mcp_server, token  # noqa: F401

pytestmark = [pytest.mark.peer, pytest.mark.timeout(120)]


def model(gateway) -> str:
    return (f"models:\n  - name: test\n    provider: openai\n    model: test-model\n"
            f"    apiBase: {gateway.url}/v1\n    apiKey: ${{{{ secrets.AISTACK_TOKEN }}}}\n")


def test_cn_connects_every_server_and_reads_secrets_from_its_environment(fake_home, answering_gateway, mcp_server,
                                                                        protected_mcp_server, token):
    peers.require("cn")
    write(fake_home / ".continue" / "config.yaml", f"""# my continue config
name: Local Config
version: 1.0.0
schema: v1
{model(answering_gateway)}mcpServers:
  - name: org-stdio
    command: {STDIO[0]}
    args: {STDIO[1:]}
  - name: org-sse
    type: sse
    url: {mcp_server.sse_url}
  - name: org-token
    type: streamable-http
    url: {protected_mcp_server.http_url}
    requestOptions:
      headers:
        Authorization: Bearer ${{{{ secrets.AISTACK_TOKEN }}}}
""")
    names = ["org-stdio", "org-sse", "org-token"]
    code, servers = peers.continue_run(fake_home, names, env={"AISTACK_TOKEN": token}, timeout=110)
    assert code == 0 and all(s["status"] == "connected" for s in servers.values()), servers
    request = answering_gateway.requests[-1]
    assert request.path == "/v1/chat/completions" and request.headers["authorization"] == f"Bearer {token}"
    assert request.tools.count("echo") == 3
    assert f"Bearer {token}" in protected_mcp_server.authorizations()
    code, servers = peers.continue_run(fake_home, names, timeout=110)  # no AISTACK_TOKEN: named, exit 1
    assert code == 1 and servers["org-token"]["status"] == "failed", servers


@pytest.mark.parametrize(("text", "why"), [
    ("mcpServers:\n  - name: a\n    command: a\n", "name: Required, version: Required"),
    ("name: x\nversion: 1.0.0\nmcpServers:\n  - name: a\n    type: http\n    url: http://127.0.0.1:9/mcp\n",
     "mcpServers.0: Invalid input"),
])
def test_cn_refuses_the_whole_file(fake_home, text, why):
    peers.require("cn")
    write(fake_home / ".continue" / "config.yaml", text)
    proc = peers.run_cli("cn", ["-p", "hi"], fake_home, timeout=60)
    assert proc.returncode == 1 and why in proc.stdout + proc.stderr, proc.stdout + proc.stderr
