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
    with RemoteServer(TOKEN, transport) as remote:
        profile = write_profile(tmp_path / "org.toml", remote_entry("docs", remote.url, transport))
        errlog = (tmp_path / "stderr.txt").open("w+")
        out = anyio.run(_drive_happy_path, bridge_params(profile, "docs", AISTACK_TOKEN=TOKEN), errlog)

    init = out["init"]
    assert init.server_info.name == "docs-remote" and init.server_info.version == "7.1.0"
    assert init.instructions == INSTRUCTIONS
    assert init.capabilities.tools is not None and init.capabilities.prompts is not None
    assert init.capabilities.resources is not None
    assert [t.name for t in out["tools"].tools] == ["whoami", "fail", "changed", "progress"]
    assert out["progress"] == [(1.0, 2.0, "halfway")] and out["progress_result"].content[0].text == "done"
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
    assert all(h.get("authorization") == f"Bearer {TOKEN}" for h in remote.state.seen_headers)
    assert all(h.get("x-team") == "platform" for h in remote.state.seen_headers)
    errlog.seek(0)
    stderr = errlog.read()
    assert TOKEN not in stderr
    assert "connected to 'docs'" in stderr
    # nothing at rest: no file the run left under HOME or aistack's directories holds the token
    assert [f for f in tmp_path.rglob("*") if f.is_file() and TOKEN.encode() in f.read_bytes()] == []


INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                         "clientInfo": {"name": "raw-test", "version": "1"}}}


def run_raw(profile: Path, name: str, *, send_initialize: bool = True, **env: str) -> tuple[int, list[dict], str]:
    """Start the bridge like an assistant does, send initialize, keep stdin open and wait for it to exit.

    Returns (exit code, the JSON-RPC messages on stdout, stderr). A bridge that does not exit by
    itself fails the test by timeout.
    """
    cmd = [sys.executable, "-m", "aistack", "mcp-bridge", name, "--org", str(profile)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=subprocess_env(**env), cwd=str(REPO))
    try:
        if send_initialize:
            proc.stdin.write(json.dumps(INITIALIZE) + "\n")
            proc.stdin.flush()
        code = proc.wait(timeout=TIMEOUT)
        out, err = proc.stdout.read(), proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            try:
                stream.close()
            except BrokenPipeError:
                pass
    messages = [json.loads(line) for line in out.splitlines() if line.strip()]  # nothing but JSON on stdout
    return code, messages, err


@pytest.mark.peer
@pytest.mark.parametrize("transport", ["http", "sse"])
def test_wrong_token_fails_initialize_clearly(tmp_path, transport):
    wrong = "at-" + "9" * 40
    with RemoteServer(TOKEN, transport) as remote:
        profile = write_profile(tmp_path / "org.toml", remote_entry("docs", remote.url, transport))
        code, messages, err = run_raw(profile, "docs", AISTACK_TOKEN=wrong)
        assert 401 in remote.state.statuses
    assert code == 4
    assert len(messages) == 1 and messages[0]["id"] == 1 and "result" not in messages[0]
    message = messages[0]["error"]["message"]
    assert "rejected the token from AISTACK_TOKEN (HTTP 401)" in message and remote.url in message
    assert "rejected the token from AISTACK_TOKEN (HTTP 401)" in err
    for text in (err, json.dumps(messages)):
        assert wrong not in text and TOKEN not in text


@pytest.mark.peer
def test_unreachable_remote_names_the_url(tmp_path):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/mcp"
    profile = write_profile(tmp_path / "org.toml", remote_entry("docs", url))
    code, messages, err = run_raw(profile, "docs", AISTACK_TOKEN=TOKEN)
    assert code == 1
    assert f"cannot reach MCP server 'docs' at {url}" in messages[0]["error"]["message"]
    assert f"cannot reach MCP server 'docs' at {url}" in err
    assert TOKEN not in err


@pytest.mark.peer
def test_auth_none_sends_only_static_headers(tmp_path):
    with RemoteServer(None) as remote:
        profile = write_profile(tmp_path / "org.toml", remote_entry("open", remote.url, auth="none"))
        out = anyio.run(_call_whoami, bridge_params(profile, "open", AISTACK_TOKEN=TOKEN))
        assert remote.state.seen_headers
        assert all("authorization" not in h and h.get("x-team") == "platform" for h in remote.state.seen_headers)
    assert json.loads(out.content[0].text)["x_team"] == "platform"


@pytest.mark.peer
def test_auth_none_against_a_server_that_wants_a_token(tmp_path):
    with RemoteServer(TOKEN) as remote:
        profile = write_profile(tmp_path / "org.toml", remote_entry("docs", remote.url, auth="none"))
        code, messages, err = run_raw(profile, "docs", AISTACK_TOKEN=TOKEN)
    assert code == 1
    assert 'auth = "none"' in messages[0]["error"]["message"] and "HTTP 401" in err


async def _call_whoami(params: StdioServerParameters):
    async with stdio_client(params, errlog=sys.stderr) as (read, write):
        async with ClientSession(read, write) as session:
            with anyio.fail_after(TIMEOUT):
                await session.initialize()
                return await session.call_tool("whoami", {"text": "x"})


def test_unknown_server_lists_the_profiles_servers(tmp_path):
    profile = write_profile(tmp_path / "org.toml", remote_entry("docs", "https://mcp.example.com/docs")
                            + remote_entry("wiki", "https://mcp.example.com/wiki"))
    code, messages, err = run_raw(profile, "nope", send_initialize=False, AISTACK_TOKEN=TOKEN)
    assert code == 2 and messages == []
    assert "no MCP server named 'nope'" in err and "docs, wiki" in err


def test_oauth_server_is_refused(tmp_path):
    profile = write_profile(tmp_path / "org.toml", remote_entry("tickets", "https://mcp.example.com/t", auth="oauth"))
    code, messages, err = run_raw(profile, "tickets", send_initialize=False, AISTACK_TOKEN=TOKEN)
    assert code == 2 and messages == []
    assert "uses OAuth" in err and "https://mcp.example.com/t" in err


def test_stdio_server_has_nothing_to_bridge(tmp_path):
    profile = write_profile(tmp_path / "org.toml", '[[mcp_servers]]\nname = "git"\ncommand = "uvx"\n'
                                                   'args = ["mcp-server-git"]\n')
    code, messages, err = run_raw(profile, "git", send_initialize=False, AISTACK_TOKEN=TOKEN)
    assert code == 2 and messages == []
    assert "stdio server" in err and "nothing to bridge" in err


@pytest.mark.peer
def test_login_needed_fails_initialize_and_exits_4(tmp_path):
    probe = subprocess.run([sys.executable, "-m", "aistack", "token", "--help"], capture_output=True,
                           env=subprocess_env(), cwd=str(REPO))
    if probe.returncode != 0:
        pytest.skip("`aistack token` is not part of this build yet (it comes with `aistack login`)")
    with RemoteServer(TOKEN) as remote:
        profile = write_profile(tmp_path / "org.toml", '[auth]\nissuer = "https://login.example.com"\n'
                                'client_id = "aistack-cli"\n' + remote_entry("docs", remote.url))
        code, messages, err = run_raw(profile, "docs")  # no AISTACK_TOKEN, nobody logged in
        assert remote.state.seen_headers == []  # nothing was sent without a token
    assert code == 4
    assert "aistack login" in messages[0]["error"]["message"] and "aistack login" in err


@pytest.mark.peer
def test_a_rejected_token_is_replaced_by_a_fresh_one(tmp_path):
    """Access tokens expire while a GUI assistant keeps the bridge running for days: on a 401 the
    bridge asks `get_token` again and retries. `get_token` here is a list of tokens standing in for
    `aistack token` over time; the server is real and revokes the first token mid-session."""
    from aistack.bridge.remote import TokenAuth, connect
    from aistack.bridge.target import Target

    first, second = "at-first-" + "1" * 30, "at-second-" + "2" * 30
    handed_out = [second]

    async def scenario(remote: RemoteServer):
        target = Target(name="docs", url=remote.url, kind="http", headers={"x-team": "platform"},
                        token_header="Authorization")
        auth = TokenAuth(target, lambda: handed_out[0], first)

        async def ignore(message):
            pass

        async with connect(target, auth, ignore) as (session, init):
            before = await session.call_tool("whoami", {"text": "1"})
            remote.state.accepted = {second}  # the IdP rotated: the first token is no longer valid
            after = await session.call_tool("whoami", {"text": "2"})
        return before, after

    with RemoteServer(first) as remote:
        before, after = anyio.run(scenario, remote)
        assert 401 in remote.state.statuses
    assert json.loads(before.content[0].text)["bearer_sha"] == fingerprint(first)
    assert json.loads(after.content[0].text)["bearer_sha"] == fingerprint(second)


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

    with RemoteServer(TOKEN) as remote:
        profile = write_profile(tmp_path / "org.toml", remote_entry("docs", remote.url))
        found, tools, called = anyio.run(drive, bridge_params(profile, "docs", AISTACK_TOKEN=TOKEN))
    assert found.instructions == INSTRUCTIONS and found.capabilities.prompts is not None
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
    with RemoteServer(TOKEN) as remote:
        profile = write_profile(tmp_path / "org.toml", remote_entry("docs", remote.url))
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
        reached = [h for h in remote.state.seen_headers if h.get("authorization") == f"Bearer {TOKEN}"]
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("docs:")), "")
    assert "Connected" in line and "Failed" not in line, done.stdout + done.stderr
    assert reached, "the bridge never reached the remote with the token"


@pytest.mark.peer
def test_the_bridge_reconnects_when_the_remote_restarts(tmp_path):
    """A GUI assistant keeps the bridge for days; the remote is redeployed meanwhile. A restarted
    remote no longer knows the session: the request is resent on a new connection. A remote that is
    down fails the request clearly, and the next request after it is back works again."""

    async def drive(params, first: RemoteServer, errlog):
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                with anyio.fail_after(TIMEOUT):
                    await session.initialize()
                    results = [await session.call_tool("whoami", {"text": "before"})]
                    first.__exit__()
                    with RemoteServer(TOKEN, port=first.port):
                        results.append(await session.call_tool("whoami", {"text": "restarted"}))
                    with pytest.raises(MCPError) as down:
                        await session.call_tool("whoami", {"text": "down"})
                    with RemoteServer(TOKEN, port=first.port):
                        results.append(await session.call_tool("whoami", {"text": "back"}))
                    return results, down.value

    first = RemoteServer(TOKEN).__enter__()
    try:
        profile = write_profile(tmp_path / "org.toml", remote_entry("docs", first.url))
        errlog = (tmp_path / "stderr.txt").open("w+")
        results, down = anyio.run(drive, bridge_params(profile, "docs", AISTACK_TOKEN=TOKEN), first, errlog)
    finally:
        first.__exit__()
    assert [json.loads(r.content[0].text)["echo"] for r in results] == ["before", "restarted", "back"]
    assert first.url in down.error.message or "Connection closed" in down.error.message
    errlog.seek(0)
    assert errlog.read().count("connected to 'docs'") == 3


def test_the_token_goes_in_the_gateways_token_header():
    from aistack.bridge.target import target_for
    from aistack.profile import parse_text

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
def test_a_transport_mismatch_is_named(tmp_path):
    """The profile says SSE, the server speaks streamable HTTP: the message names the URL and the fix."""
    with RemoteServer(TOKEN, "http") as remote:
        profile = write_profile(tmp_path / "org.toml", remote_entry("docs", remote.url, transport="sse"))
        code, messages, err = run_raw(profile, "docs", AISTACK_TOKEN=TOKEN)
    assert code == 1
    message = messages[0]["error"]["message"]
    assert f"MCP server 'docs' at {remote.url} answered HTTP" in message and "transport (http or sse)" in message


@pytest.mark.peer
def test_a_token_revoked_mid_session_is_reported_as_such(tmp_path):
    """AISTACK_TOKEN cannot be refreshed: once the remote stops accepting it, calls fail saying so."""

    async def drive(params, remote):
        async with stdio_client(params, errlog=sys.stderr) as (read, write):
            async with ClientSession(read, write) as session:
                with anyio.fail_after(TIMEOUT):
                    await session.initialize()
                    await session.call_tool("whoami", {"text": "ok"})
                    remote.state.accepted = {"someone-else"}
                    with pytest.raises(MCPError) as refused:
                        await session.call_tool("whoami", {"text": "refused"})
                    return refused.value

    with RemoteServer(TOKEN) as remote:
        profile = write_profile(tmp_path / "org.toml", remote_entry("docs", remote.url))
        refused = anyio.run(drive, bridge_params(profile, "docs", AISTACK_TOKEN=TOKEN), remote)
    assert "rejected the token from AISTACK_TOKEN (HTTP 401)" in refused.error.message
    assert TOKEN not in refused.error.message


@pytest.mark.peer
def test_an_older_client_over_raw_json_rpc_and_a_clean_exit(tmp_path):
    """What an assistant from 2024 sends, line by line: the bridge answers in its protocol version with
    the remote's identity, prints only JSON-RPC, and exits 0 when the assistant closes stdin."""
    with RemoteServer(TOKEN) as remote:
        profile = write_profile(tmp_path / "org.toml", remote_entry("docs", remote.url))
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
    assert init["result"]["serverInfo"]["name"] == "docs-remote" and init["result"]["instructions"] == INSTRUCTIONS
    assert listed["id"] == 2 and [t["name"] for t in listed["result"]["tools"]][:1] == ["whoami"]
    assert code == 0 and rest.strip() == "", (code, rest, err)
    assert TOKEN not in err
