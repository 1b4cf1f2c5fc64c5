"""`aistack mcp-bridge` over a long life inside a GUI assistant: tokens expire, remotes restart."""

from __future__ import annotations

import json
import sys

import anyio
import pytest
from bridge_support import TIMEOUT, TOKEN, bridge_params, remote_entry, write_profile
from mcp.client.session import ClientSession
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPError

from peers import mcp_server as org_mcp


@pytest.mark.peer
def test_a_rejected_token_is_replaced_by_a_fresh_one(tmp_path):
    """Access tokens expire while a GUI assistant keeps the bridge running for days: on a 401 the
    bridge asks `get_token` again and retries. `get_token` here is a list of tokens standing in for
    `aistack token` over time; the server is real and revokes the first token mid-session."""
    from aistack.relay.remote import TokenAuth, connect
    from aistack.relay.target import Target

    first, second = "at-first-" + "1" * 30, "at-second-" + "2" * 30
    handed_out = [second]

    async def scenario(remote: org_mcp.RunningServer):
        target = Target(name="docs", url=remote.url(), kind="http", headers={"x-team": "platform"},
                        token_header="Authorization")
        auth = TokenAuth(target, lambda: handed_out[0], first)

        async def ignore(message):
            pass

        async with connect(target, auth, ignore) as (session, init):
            before = await session.call_tool("whoami", {"text": "1"})
            remote.tokens = {second}  # the IdP rotated: the first token is no longer valid
            after = await session.call_tool("whoami", {"text": "2"})
        return before, after

    with org_mcp.start(tokens={first}) as remote:
        before, after = anyio.run(scenario, remote)
        assert 401 in remote.statuses()
    assert json.loads(before.content[0].text)["bearer_sha"] == org_mcp.server.fingerprint(first)
    assert json.loads(after.content[0].text)["bearer_sha"] == org_mcp.server.fingerprint(second)


@pytest.mark.peer
def test_the_bridge_reconnects_when_the_remote_restarts(tmp_path):
    """A GUI assistant keeps the bridge for days; the remote is redeployed meanwhile. A restarted
    remote no longer knows the session: the request is resent on a new connection. A remote that is
    down fails the request clearly, and the next request after it is back works again."""

    async def drive(params, first: org_mcp.RunningServer, errlog):
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                with anyio.fail_after(TIMEOUT):
                    await session.initialize()
                    results = [await session.call_tool("whoami", {"text": "before"})]
                    first.stop()
                    with org_mcp.start(tokens={TOKEN}, port=first.port):
                        results.append(await session.call_tool("whoami", {"text": "restarted"}))
                    with pytest.raises(MCPError) as down:
                        await session.call_tool("whoami", {"text": "down"})
                    with org_mcp.start(tokens={TOKEN}, port=first.port):
                        results.append(await session.call_tool("whoami", {"text": "back"}))
                    return results, down.value

    first = org_mcp.start(tokens={TOKEN})
    try:
        profile = write_profile(tmp_path / "org.toml", remote_entry("docs", first.url()))
        errlog = (tmp_path / "stderr.txt").open("w+")
        results, down = anyio.run(drive, bridge_params(profile, "docs", AISTACK_TOKEN=TOKEN), first, errlog)
    finally:
        first.stop()
    assert [json.loads(r.content[0].text)["echo"] for r in results] == ["before", "restarted", "back"]
    assert first.url() in down.error.message or "Connection closed" in down.error.message
    errlog.seek(0)
    assert errlog.read().count("connected to 'docs'") == 3


@pytest.mark.peer
def test_a_token_revoked_mid_session_is_reported_as_such(tmp_path):
    """AISTACK_TOKEN cannot be refreshed: once the remote stops accepting it, calls fail saying so."""

    async def drive(params, remote):
        async with stdio_client(params, errlog=sys.stderr) as (read, write):
            async with ClientSession(read, write) as session:
                with anyio.fail_after(TIMEOUT):
                    await session.initialize()
                    await session.call_tool("whoami", {"text": "ok"})
                    remote.tokens = {"someone-else"}
                    with pytest.raises(MCPError) as refused:
                        await session.call_tool("whoami", {"text": "refused"})
                    return refused.value

    with org_mcp.start(tokens={TOKEN}) as remote:
        profile = write_profile(tmp_path / "org.toml", remote_entry("docs", remote.url()))
        refused = anyio.run(drive, bridge_params(profile, "docs", AISTACK_TOKEN=TOKEN), remote)
    assert "rejected the token from AISTACK_TOKEN (HTTP 401)" in refused.error.message
    assert TOKEN not in refused.error.message
