"""`aistack mcp-bridge`: driven over stdio by the SDK's client, forwarding to a real token-protected server."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import anyio
import mcp_types as types
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.shared.exceptions import MCPError

from conftest import REPO, subprocess_env
from mcp_remote import INSTRUCTIONS, RemoteServer, fingerprint

TOKEN = "at-" + "7" * 40  # what the IdP would hand out; must never appear on the bridge's stdout/stderr
TIMEOUT = 30


def write_profile(path: Path, servers: str) -> Path:
    path.write_text(f'schema = 1\n[org]\nname = "Test Org"\n{servers}', encoding="utf-8")
    return path


def remote_entry(name: str, url: str, transport: str = "http", auth: str = "token") -> str:
    return (f'[[mcp_servers]]\nname = "{name}"\nurl = "{url}"\ntransport = "{transport}"\nauth = "{auth}"\n'
            f'headers = {{ x-team = "platform" }}\n')


def bridge_params(profile: Path, name: str, **env: str) -> StdioServerParameters:
    full = subprocess_env(**env)
    return StdioServerParameters(command=sys.executable, args=["-m", "aistack", "mcp-bridge", name,
                                                               "--org", str(profile)], env=full, cwd=str(REPO))


async def _drive_happy_path(params: StdioServerParameters, errlog) -> dict:
    seen: list = []

    async def on_message(message):
        seen.append(message)

    out: dict = {}
    async with stdio_client(params, errlog=errlog) as (read, write):
        async with ClientSession(read, write, message_handler=on_message) as session:
            with anyio.fail_after(TIMEOUT):
                init = await session.initialize()
                out["init"] = init
                out["tools"] = await session.list_tools()
                out["whoami"] = await session.call_tool("whoami", {"text": "hello"})
                page1 = await session.list_resources()
                page2 = await session.list_resources(params=types.PaginatedRequestParams(cursor=page1.next_cursor))
                out["pages"] = (page1, page2)
                out["templates"] = await session.list_resource_templates()
                out["read"] = await session.read_resource("docs://oncall")
                out["prompts"] = await session.list_prompts()
                out["prompt"] = await session.get_prompt("review", {"change": "PR 12"})
                with pytest.raises(MCPError) as failed:
                    await session.call_tool("fail", {})
                out["fail"] = failed.value
                with pytest.raises(MCPError) as missing:
                    await session.read_resource("docs://nope")
                out["missing"] = missing.value
                await session.call_tool("changed", {})
                for _ in range(100):
                    if any(isinstance(m, types.ToolListChangedNotification) for m in seen):
                        break
                    await anyio.sleep(0.05)
    out["notifications"] = seen
    return out


@pytest.mark.peer
@pytest.mark.parametrize("transport", ["http", "sse"])
def test_bridge_forwards_everything_with_the_token(tmp_path, transport):
    with RemoteServer(TOKEN, transport) as remote:
        profile = write_profile(tmp_path / "org.toml", remote_entry("docs", remote.url, transport))
        errlog = (tmp_path / "stderr.txt").open("w+")
        out = anyio.run(_drive_happy_path, bridge_params(profile, "docs", AISTACK_TOKEN=TOKEN), errlog)

    init = out["init"]
    assert init.server_info.name == "docs-remote" and init.server_info.version == "7.1.0"
    assert init.instructions == INSTRUCTIONS
    assert init.capabilities.tools is not None and init.capabilities.prompts is not None
    assert init.capabilities.resources is not None
    assert [t.name for t in out["tools"].tools] == ["whoami", "fail", "changed"]
    body = json.loads(out["whoami"].content[0].text)
    assert body == {"echo": "hello", "bearer_sha": fingerprint(TOKEN), "x_team": "platform"}
    page1, page2 = out["pages"]
    assert [r.uri for r in page1.resources] == ["docs://handbook"] and page1.next_cursor == "1"
    assert [r.uri for r in page2.resources] == ["docs://oncall"] and page2.next_cursor is None
    assert out["templates"].resource_templates[0].uri_template == "docs://page/{slug}"
    assert out["read"].contents[0].text == "Page twice."
    assert [p.name for p in out["prompts"].prompts] == ["review"]
    assert out["prompt"].messages[0].content.text == "Review PR 12 against the handbook."
    assert out["fail"].error.code == -32042 and out["fail"].error.message == "the docs index is rebuilding"
    assert out["missing"].error.code == -32002
    assert any(isinstance(m, types.ToolListChangedNotification) for m in out["notifications"])
    # every request the remote got carried the token and the static header
    assert all(h.get("authorization") == f"Bearer {TOKEN}" for h in remote.state.seen_headers)
    assert all(h.get("x-team") == "platform" for h in remote.state.seen_headers)
    errlog.seek(0)
    stderr = errlog.read()
    assert TOKEN not in stderr
    assert "connected to 'docs'" in stderr
