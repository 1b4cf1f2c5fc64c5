"""`aistack mcp-bridge`: driven over stdio (the SDK's client, raw JSON-RPC, Claude Code), forwarding to a
real token-protected MCP server."""

from __future__ import annotations

import json
import subprocess
import sys

import anyio
import mcp_types as types
import pytest
from bridge_support import INITIALIZE, TIMEOUT, TOKEN, bridge_params, call_whoami, remote_entry, write_profile
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.shared.exceptions import MCPError

from peers import mcp_server as org_mcp
from support import REPO, subprocess_env


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
                progress: list = []

                async def on_progress(done, total, message):
                    progress.append((done, total, message))

                out["progress_result"] = await session.call_tool("progress", {}, progress_callback=on_progress)
                out["progress"] = progress
                out["complete"] = await session.complete(types.PromptReference(type="ref/prompt", name="review"),
                                                         {"name": "change", "value": "PR"})
                await session.subscribe_resource("docs://handbook")
                await session.call_tool("changed", {})
                wanted = (types.ToolListChangedNotification, types.ResourceUpdatedNotification,
                          types.LoggingMessageNotification)
                for _ in range(100):
                    if all(any(isinstance(m, kind) for m in seen) for kind in wanted):
                        break
                    await anyio.sleep(0.05)
    out["notifications"] = seen
    return out


@pytest.mark.peer
@pytest.mark.parametrize("transport", ["http", "sse"])
# Subscriptions and logging are deprecated by the 2026 protocol, but the 2025 one GUI assistants speak has them.
@pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning")
def test_bridge_forwards_everything_with_the_token(tmp_path, transport):
    with org_mcp.start(tokens={TOKEN}, hooks=True) as remote:
        profile = write_profile(tmp_path / "org.toml", remote_entry("docs", remote.url(transport), transport))
        errlog = (tmp_path / "stderr.txt").open("w+")
        out = anyio.run(_drive_happy_path, bridge_params(profile, "docs", AISTACK_TOKEN=TOKEN), errlog)

    init = out["init"]
    assert (init.server_info.name, init.server_info.version) == (org_mcp.server.NAME, org_mcp.server.VERSION)
    assert init.instructions == org_mcp.server.INSTRUCTIONS
    assert init.capabilities.tools is not None and init.capabilities.prompts is not None
    assert init.capabilities.resources is not None
    assert [t.name for t in out["tools"].tools] == ["handbook", "echo", "whoami", "fail", "changed", "progress"]
    assert out["progress"] == [(1.0, 2.0, "halfway")] and out["progress_result"].content[0].text == "done"
    body = json.loads(out["whoami"].content[0].text)
    assert body == {"echo": "hello", "bearer_sha": org_mcp.server.fingerprint(TOKEN), "x_team": "platform"}
    page1, page2 = out["pages"]
    assert [r.uri for r in page1.resources] == ["docs://handbook"] and page1.next_cursor == "1"
    assert [r.uri for r in page2.resources] == ["docs://oncall"] and page2.next_cursor is None
    assert out["templates"].resource_templates[0].uri_template == "docs://page/{slug}"
    assert out["read"].contents[0].text == "Page twice."
    assert [p.name for p in out["prompts"].prompts] == ["review"]
    assert out["prompt"].messages[0].content.text == "Review PR 12 against the handbook."
    assert out["fail"].error.code == -32042 and out["fail"].error.message == "the docs index is rebuilding"
    assert out["missing"].error.code == -32002
    assert out["complete"].completion.values == ["PR 12", "PR 13"]
    assert remote.state.subscribed == ["docs://handbook"]
    assert init.capabilities.resources.subscribe and init.capabilities.completions is not None
    assert init.capabilities.logging is not None
    assert any(isinstance(m, types.ToolListChangedNotification) for m in out["notifications"])
    assert [str(m.params.uri) for m in out["notifications"]
            if isinstance(m, types.ResourceUpdatedNotification)] == ["docs://handbook"]
    assert [m.params.data for m in out["notifications"]
            if isinstance(m, types.LoggingMessageNotification)] == ["tool list changed"]
    # every request the remote got carried the token and the static header
    assert remote.seen and all(r.headers.get("authorization") == f"Bearer {TOKEN}" for r in remote.seen)
    assert all(r.headers.get("x-team") == "platform" for r in remote.seen)
    errlog.seek(0)
    stderr = errlog.read()
    assert TOKEN not in stderr
    assert "connected to 'docs'" in stderr
    # nothing at rest: no file the run left under HOME or aistack's directories holds the token
    assert [f for f in tmp_path.rglob("*") if f.is_file() and TOKEN.encode() in f.read_bytes()] == []


@pytest.mark.peer
def test_auth_none_sends_only_static_headers(tmp_path):
    with org_mcp.start() as remote:
        profile = write_profile(tmp_path / "org.toml", remote_entry("open", remote.url(), auth="none"))
        out = anyio.run(call_whoami, bridge_params(profile, "open", AISTACK_TOKEN=TOKEN))
        assert remote.seen
        assert all("authorization" not in r.headers and r.headers.get("x-team") == "platform" for r in remote.seen)
    assert json.loads(out.content[0].text)["x_team"] == "platform"


@pytest.mark.peer
def test_a_2026_client_that_discovers_instead_of_initializing(tmp_path):
    """Clients of protocol 2026-07-28 send `server/discover` and a per-request envelope; the bridge
    answers with the remote's capabilities and still speaks the handshake protocol to the remote."""

    async def drive(params):
        async with stdio_client(params, errlog=sys.stderr) as (read, write):
            async with ClientSession(read, write) as session:
                with anyio.fail_after(TIMEOUT):
                    found = await session.discover()
                    tools = await session.list_tools()
                    called = await session.call_tool("whoami", {"text": "modern"})
                    return found, tools, called

    with org_mcp.start(tokens={TOKEN}) as remote:
        profile = write_profile(tmp_path / "org.toml", remote_entry("docs", remote.url()))
        found, tools, called = anyio.run(drive, bridge_params(profile, "docs", AISTACK_TOKEN=TOKEN))
    assert found.instructions == org_mcp.server.INSTRUCTIONS and found.capabilities.prompts is not None
    assert "whoami" in [t.name for t in tools.tools]
    assert json.loads(called.content[0].text)["echo"] == "modern"


CLAUDE = REPO / "tests" / "node" / "node_modules" / ".bin" / "claude"
CLAUDE_OFFLINE = {"CI": "1", "NO_COLOR": "1", "TERM": "dumb", "DO_NOT_TRACK": "1", "BROWSER": "false",
                  "DISABLE_TELEMETRY": "1", "DISABLE_AUTOUPDATER": "1", "DISABLE_ERROR_REPORTING": "1",
                  "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1"}


@pytest.mark.peer
def test_claude_code_connects_through_the_bridge(tmp_path, fake_home):
    """The real Claude Code CLI runs the bridge as a stdio server, configured as the README shows (no
    --org: the remembered profile), and reports it connected."""
    from aistack.paths import Env
    from aistack.profile import load, remember

    if not CLAUDE.exists():
        pytest.skip("@anthropic-ai/claude-code is not installed: run `npm ci --prefix tests/node`")
    with org_mcp.start(tokens={TOKEN}) as remote:
        profile = write_profile(tmp_path / "org.toml", remote_entry("docs", remote.url()))
        config_home = fake_home / ".config"
        remember(load(str(profile)), Env(home=fake_home, environ={"XDG_CONFIG_HOME": str(config_home)}))
        entry = {"type": "stdio", "command": sys.executable, "args": ["-m", "aistack", "mcp-bridge", "docs"],
                 "env": {"AISTACK_TOKEN": TOKEN}}
        (fake_home / ".claude.json").write_text(json.dumps({"mcpServers": {"docs": entry}}), encoding="utf-8")
        env = {k: v for k, v in subprocess_env().items() if k in ("PATH", "LANG", "TMPDIR", "PYTHONPATH")}
        env.update(CLAUDE_OFFLINE, HOME=str(fake_home), XDG_CONFIG_HOME=str(config_home))
        project = tmp_path / "project"
        project.mkdir()
        done = subprocess.run([str(CLAUDE), "mcp", "list"], cwd=project, env=env, capture_output=True, text=True,
                              timeout=90, stdin=subprocess.DEVNULL)
        reached = [r for r in remote.seen if r.headers.get("authorization") == f"Bearer {TOKEN}"]
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("docs:")), "")
    assert "Connected" in line and "Failed" not in line, done.stdout + done.stderr
    assert reached, "the bridge never reached the remote with the token"


def test_the_token_goes_in_the_gateways_token_header():
    from aistack.profile import parse_text
    from aistack.relay.target import target_for

    text = ('schema = 1\n[org]\nname = "T"\n[gateway]\nurl = "https://ai.example.com"\ntoken_header = "X-Api-Token"\n'
            + remote_entry("docs", "https://mcp.example.com/docs") + remote_entry("open", "https://o.example.com",
                                                                                auth="none"))
    profile = parse_text(text, "org.toml")
    docs, open_ = target_for(profile, "docs"), target_for(profile, "open")
    assert (docs.token_header, docs.token_value("t0k"), docs.headers) == ("X-Api-Token", "t0k", {"x-team": "platform"})
    assert open_.token_header is None
    default = target_for(parse_text(text.replace('token_header = "X-Api-Token"\n', ""), "org.toml"), "docs")
    assert (default.token_header, default.token_value("t0k")) == ("Authorization", "Bearer t0k")


@pytest.mark.peer
def test_an_older_client_over_raw_json_rpc_and_a_clean_exit(tmp_path):
    """What an assistant from 2024 sends, line by line: the bridge answers in its protocol version with
    the remote's identity, prints only JSON-RPC, and exits 0 when the assistant closes stdin."""
    with org_mcp.start(tokens={TOKEN}) as remote:
        profile = write_profile(tmp_path / "org.toml", remote_entry("docs", remote.url()))
        cmd = [sys.executable, "-m", "aistack", "mcp-bridge", "docs", "--org", str(profile)]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=subprocess_env(AISTACK_TOKEN=TOKEN), cwd=str(REPO))
        try:
            old = json.loads(json.dumps(INITIALIZE))
            old["params"]["protocolVersion"] = "2024-11-05"
            proc.stdin.write(json.dumps(old) + "\n")
            proc.stdin.flush()
            init = json.loads(proc.stdout.readline())
            proc.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
            proc.stdin.write(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}) + "\n")
            proc.stdin.flush()
            listed = json.loads(proc.stdout.readline())
            proc.stdin.close()
            code = proc.wait(timeout=TIMEOUT)
            rest, err = proc.stdout.read(), proc.stderr.read()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            proc.stderr.close()
    assert init["id"] == 1 and init["result"]["protocolVersion"] == "2024-11-05"
    assert init["result"]["serverInfo"]["name"] == org_mcp.server.NAME
    assert init["result"]["instructions"] == org_mcp.server.INSTRUCTIONS
    assert listed["id"] == 2 and [t["name"] for t in listed["result"]["tools"]][:1] == ["handbook"]
    assert code == 0 and rest.strip() == "", (code, rest, err)
    assert TOKEN not in err

