"""`aistack setup` seen by the assistants themselves: after a real login against oidc-provider and a setup in a
temporary HOME, each real CLI's own listing shows every org server (right URL or command) next to the user's own,
and the servers that check the engineer's token at the IdP accept what aistack delivers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import peers
from peers.configs import write
from peers.org_stack import aistack_env, stack  # noqa: F401
from support.oidc_peer import read_session
from support.relay import running_relay

pytestmark = pytest.mark.peer

CLIS = ("claude", "codex", "gemini", "opencode", "qwen", "copilot")
ASSISTANTS = ("claude-code", "codex", "gemini-cli", "opencode", "qwen-code", "copilot-cli")
USER_SERVER = {"command": "my-own-server", "args": ["--flag"]}


def seed_user_servers(home: Path) -> None:
    write(home / ".claude.json", json.dumps({"mcpServers": {"mine": {"type": "stdio", **USER_SERVER}}}, indent=2))
    write(home / ".codex" / "config.toml", '# my codex config\n[mcp_servers.mine]\ncommand = "my-own-server"\n'
                                          'args = ["--flag"]\n')
    write(home / ".gemini" / "settings.json", '{\n  // mine\n  "mcpServers": {"mine": ' + json.dumps(USER_SERVER)
          + "}\n}\n")
    write(home / ".qwen" / "settings.json", json.dumps({"mcpServers": {"mine": USER_SERVER}}, indent=2))
    write(home / ".config" / "opencode" / "opencode.json", json.dumps(
        {"mcp": {"mine": {"type": "local", "command": ["my-own-server", "--flag"]}}}, indent=2))
    write(home / ".copilot" / "mcp-config.json", json.dumps(
        {"mcpServers": {"mine": {"type": "local", **USER_SERVER, "tools": ["*"]}}}, indent=2))


def test_every_cli_lists_the_org_servers_and_the_users_own(stack, fake_home, cli, tmp_path):
    seed_user_servers(fake_home)
    with running_relay(tmp_path / "relay.log") as relay:
        code, _, err = cli("setup", *ASSISTANTS, "--org", str(stack["org"]))
        assert code == 0, err
        assert "codex: skipped: MCP server `events`" in err  # Codex has no SSE: reported, not dropped silently
        protected, open_server, command = stack["protected"], stack["open"], stack["command"]
        # No AISTACK_TOKEN for any CLI: each gets its token from aistack as it connects.
        listings = {name: peers.mcp_listing(name, fake_home, env=aistack_env(), timeout=120) for name in CLIS}
    token = read_session()["access_token"]
    direct = {"claude", "codex"}  # their helpers run `aistack token`; the others' files name the relay
    for name, listing in listings.items():
        assert listing["mine"]["command"] == "my-own-server", name
        assert listing["docs"]["url"] == (protected.http_url if name in direct else f"{relay}/mcp/docs"), name
        assert listing["local"]["command"] == command[0] and listing["local"]["args"] == command[1:], name
        if name != "codex":
            assert listing["events"]["url"] == open_server.sse_url, name
    assert "events" not in listings["codex"]
    # The CLIs that connect: the token-protected server accepts the token aistack delivered (claude through
    # headersHelper running `aistack token`, gemini, opencode and qwen through the relay).
    for name in ("claude", "gemini", "opencode", "qwen"):
        assert listings[name]["docs"]["status"] == "connected", (name, listings[name])
        assert listings[name]["local"]["status"] == "connected", (name, listings[name])
    assert f"Bearer {token}" in protected.authorizations()
    # No token in any file under HOME.
    for path in fake_home.rglob("*"):
        if path.is_file() and path.stat().st_size < 5_000_000:
            assert token.encode() not in path.read_bytes(), path


def test_claude_mcp_list_after_remove_shows_only_the_users_server(stack, fake_home, cli):
    seed_user_servers(fake_home)
    assert cli("setup", "claude-code", "--org", str(stack["org"]))[0] == 0
    assert cli("setup", "claude-code", "--remove")[0] == 0
    assert set(peers.mcp_listing("claude", fake_home)) == {"mine"}


def test_bridge_with_a_real_login_reaches_the_idp_checked_server(stack, fake_home, cli):
    """What a GUI assistant runs: the entry aistack wrote for Zed, driven by the SDK's stdio client; the token comes
    from the real login through `aistack token` (no AISTACK_TOKEN anywhere), and the server checks it at the IdP."""
    import anyio
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    from support import subprocess_env

    assert cli("setup", "zed", "--org", str(stack["org"]))[0] == 0
    settings = (fake_home / ".config" / "zed" / "settings.json").read_text()
    entry = json.loads(settings)["context_servers"]["docs"]
    assert entry["args"] == ["mcp-bridge", "docs"] and Path(entry["command"]).name == "aistack"
    env = subprocess_env()
    env.pop("AISTACK_TOKEN", None)
    params = StdioServerParameters(command=entry["command"], args=entry["args"], env=env)

    async def drive():
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                with anyio.fail_after(60):
                    await session.initialize()
                    tools = await session.list_tools()
                    result = await session.call_tool("echo", {"text": "through the bridge"})
                    return [t.name for t in tools.tools], result

    names, result = anyio.run(drive)
    assert "echo" in names
    assert result.content[0].text == "through the bridge"
    assert f"Bearer {read_session()['access_token']}" in stack["protected"].authorizations()
