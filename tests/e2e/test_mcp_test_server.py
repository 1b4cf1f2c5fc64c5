"""The test MCP server itself, driven by the `mcp` SDK's own client over both transports."""

from __future__ import annotations

import anyio
import httpx
import pytest

from peers import mcp_server as mcp_module
from peers.fixtures import gateway, mcp_server, mcp_server_factory, protected_mcp_server, token  # noqa: F401

pytestmark = [pytest.mark.peer, pytest.mark.timeout(60)]

INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                         "clientInfo": {"name": "test", "version": "1"}}}
ACCEPT = {"Accept": "application/json, text/event-stream"}


def test_streamable_http_and_sse_serve_the_tools(mcp_server):
    from mcp.client.client import Client
    from mcp.client.session import ClientSession
    from mcp.client.sse import sse_client

    async def main():
        async with Client(mcp_server.http_url) as client:
            result = await client.call_tool("echo", {"text": "over http"})
            http_text = result.content[0].text
        async with sse_client(mcp_server.sse_url) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                tools = await session.list_tools()
        return http_text, [t.name for t in tools.tools]

    assert anyio.run(main) == ("over http", mcp_module.TOOLS)
    assert {r.path for r in mcp_server.seen} >= {"/mcp", "/sse", "/messages/"}


def test_protected_server_wants_the_bearer_token(protected_mcp_server, token):
    url = protected_mcp_server.http_url
    assert httpx.post(url, json=INITIALIZE, headers=ACCEPT).status_code == 401
    assert httpx.post(url, json=INITIALIZE, headers={**ACCEPT, "Authorization": "Bearer nope"}).status_code == 401
    assert httpx.post(url, json=INITIALIZE, headers={**ACCEPT, "Authorization": f"Bearer {token}"}).status_code == 200
    assert protected_mcp_server.authorizations() == ["Bearer nope", f"Bearer {token}"]


def test_token_check_may_be_async(mcp_server_factory):
    async def verify(presented: str) -> bool:  # the shape of an IdP introspection call
        await anyio.sleep(0)
        return presented == "good"

    url = mcp_server_factory(verify=verify).http_url
    assert httpx.post(url, json=INITIALIZE, headers={**ACCEPT, "Authorization": "Bearer bad"}).status_code == 401
    assert httpx.post(url, json=INITIALIZE, headers={**ACCEPT, "Authorization": "Bearer good"}).status_code == 200


def test_server_stops(mcp_server_factory):
    server = mcp_server_factory()
    server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.post(server.http_url, json=INITIALIZE, headers=ACCEPT, timeout=2)
