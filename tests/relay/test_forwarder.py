"""The relay in front of a recording gateway and a real MCP server (mcp SDK): what it forwards, what it adds,
what it refuses, and what each client sees when the token is refused or the login is gone.

The relay runs in-process (uvicorn in a thread) with a token source the test controls, standing in for
`aistack token` (tests/relay/test_relay_login.py runs it against a real login)."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
import upstream as test_upstream

from aistack.auth.accessor import TokenCache
from aistack.errors import LoginNeeded
from aistack.paths import Env
from aistack.profile import load, remember
from peers import mcp_server as test_mcp


class Tokens:
    """What `aistack token` would hand out, in order; `gone` makes it fail as with a revoked login."""

    def __init__(self):
        self.issued = 0
        self.gone = False

    def __call__(self) -> str:
        if self.gone:
            raise LoginNeeded("no valid aistack login on this machine.")
        self.issued += 1
        return f"tok-{self.issued}"


@pytest.fixture
def world(tmp_path):
    gateway = test_upstream.start()
    mcp = test_mcp.start(verify=lambda token: token in gateway.accepted)
    profile = tmp_path / "org.toml"
    profile.write_text(f"""schema = 1
[org]
name = "Relay Org"
[gateway]
url = "{gateway.url}"
[gateway.providers]
anthropic = "{gateway.url}/anthropic"
openai = "{gateway.url}/openai/v1"
[gateway.headers]
x-org = "relay"
[[mcp_servers]]
name = "docs"
url = "{mcp.http_url}"
auth = "token"
headers = {{ x-team = "platform" }}
[[mcp_servers]]
name = "events"
url = "{mcp.sse_url}"
transport = "sse"
auth = "token"
""")
    env = Env.current()
    remember(load(str(profile)), env)
    yield {"gateway": gateway, "mcp": mcp, "env": env, "profile": profile}
    mcp.stop()
    gateway.stop()


@pytest.fixture
def relay(world):
    from aistack.relay import server as relay_server

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    tokens = Tokens()
    lines: list[str] = []
    server, app = relay_server.build(world["env"], port, TokenCache(tokens), lines.append)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    base = f"http://127.0.0.1:{port}"
    yield {"url": base, "port": port, "tokens": tokens, "log": lines, "app": app, **world}
    server.should_exit = True
    thread.join(10)


def post(url: str, payload: dict | None = None, **kwargs) -> httpx.Response:
    return httpx.post(url, json=payload or {"model": "m"}, timeout=20, **kwargs)


def test_adds_the_token_and_static_headers_and_drops_the_clients_credentials(relay):
    relay["gateway"].accepted.add("tok-1")
    answer = post(f"{relay['url']}/gw/openai/chat/completions?x=1", headers={
        "Authorization": "Bearer placeholder", "x-api-key": "placeholder", "x-goog-api-key": "k", "api-key": "k",
        "Cookie": "a=b", "Proxy-Authorization": "Basic eA==", "User-Agent": "test-client", "x-org": "spoofed"})
    assert answer.status_code == 200, answer.text
    seen = answer.json()
    assert seen["path"] == "/openai/v1/chat/completions" and seen["query"] == "x=1"
    headers = seen["headers"]
    assert headers["authorization"] == "Bearer tok-1" and headers["x-org"] == "relay"
    assert not {"x-api-key", "x-goog-api-key", "api-key", "cookie", "proxy-authorization"} & set(headers)
    assert headers["user-agent"] == "test-client"
    assert json.loads(seen["body"]) == {"model": "m"}
    # Nothing the browser could use: no CORS header, no upstream cookie.
    assert not [k for k in answer.headers if k.lower().startswith("access-control-") or k.lower() == "set-cookie"]


def test_a_gateway_with_its_own_token_header_gets_the_bare_token_there(relay, world):
    text = world["profile"].read_text().replace('[gateway.providers]', 'token_header = "cf-access-token"\n'
                                                '[gateway.providers]')
    world["profile"].write_text(text)
    relay["gateway"].accepted.add("tok-1")
    seen = post(f"{relay['url']}/gw/openai/x", headers={"Authorization": "Bearer placeholder"}).json()["headers"]
    assert seen["cf-access-token"] == "tok-1" and "authorization" not in seen


def test_gemini_key_parameter_and_header_never_reach_the_gateway(relay):
    relay["gateway"].accepted.add("tok-1")
    answer = post(f"{relay['url']}/gw/google/v1beta/models/m:generateContent?key=placeholder&alt=sse",
                  headers={"x-goog-api-key": "placeholder"})
    seen = answer.json()
    assert seen["path"] == "/v1beta/models/m:generateContent" and seen["query"] == "alt=sse"  # no google route
    assert "x-goog-api-key" not in seen["headers"]


def test_an_upstream_401_fetches_a_fresh_token_once_and_resends(relay):
    gateway, tokens = relay["gateway"], relay["tokens"]
    gateway.accepted.add("tok-1")
    assert post(f"{relay['url']}/gw/anthropic/v1/messages").status_code == 200
    assert post(f"{relay['url']}/gw/anthropic/v1/messages").status_code == 200
    assert tokens.issued == 1  # reused while fresh
    gateway.accepted = {"tok-2"}  # tok-1 expired at the gateway
    answer = post(f"{relay['url']}/gw/anthropic/v1/messages", {"model": "m", "n": 2})
    assert answer.status_code == 200 and answer.json()["headers"]["authorization"] == "Bearer tok-2"
    assert tokens.issued == 2
    retried = [s for s in gateway.seen if s.body == b'{"model":"m","n":2}']
    assert [s.headers["authorization"] for s in retried] == ["Bearer tok-1", "Bearer tok-2"]  # the body sent again
    gateway.accepted = set()  # refused even when fresh: the gateway's own 401 comes through, retried once only
    answer = post(f"{relay['url']}/gw/anthropic/v1/messages")
    assert answer.status_code == 401 and answer.json() == {"error": {"message": "token rejected"}}
    assert tokens.issued == 3


@pytest.mark.parametrize("provider, shape", [
    ("anthropic", lambda body: body["type"] == "error" and body["error"]["type"] == "authentication_error"),
    ("openai", lambda body: body["error"]["type"] == "authentication_error"),
    ("google", lambda body: body["error"]["status"] == "UNAUTHENTICATED" and body["error"]["code"] == 401),
])
def test_a_gone_login_is_a_401_in_each_apis_own_shape_then_recovers(relay, provider, shape):
    relay["tokens"].gone = True
    answer = post(f"{relay['url']}/gw/{provider}/v1/x")
    body = answer.json()
    assert answer.status_code == 401 and shape(body), body
    assert "aistack login" in json.dumps(body)
    assert relay["gateway"].seen == []  # nothing was sent without a token
    relay["tokens"].gone = False  # `aistack login` again: the same relay, the next request
    relay["gateway"].accepted.add("tok-1")
    assert post(f"{relay['url']}/gw/{provider}/v1/x").status_code == 200


def test_a_gone_login_is_a_jsonrpc_error_for_mcp_never_a_401(relay):
    relay["tokens"].gone = True
    url = f"{relay['url']}/mcp/docs"
    answer = post(url, {"jsonrpc": "2.0", "id": 7, "method": "tools/list"})
    assert answer.status_code == 200 and "www-authenticate" not in answer.headers
    assert answer.json()["id"] == 7 and "aistack login" in answer.json()["error"]["message"]
    batch = post(url, [{"jsonrpc": "2.0", "id": 1, "method": "a"}, {"jsonrpc": "2.0", "method": "n"}])
    assert [m["id"] for m in batch.json()] == [1]
    assert post(url, {"jsonrpc": "2.0", "method": "notifications/initialized"}).status_code == 202
    assert httpx.get(url, timeout=10).status_code == 405  # no event stream: clients carry on without one


def test_mcp_through_the_relay_with_the_sdk_client(relay):
    import anyio
    from mcp.client.session import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    relay["gateway"].accepted.add("tok-1")

    async def use() -> tuple[list[str], str]:
        async with streamable_http_client(f"{relay['url']}/mcp/docs") as (read, write, *_):
            async with ClientSession(read, write) as session:
                with anyio.fail_after(30):
                    await session.initialize()
                    tools = await session.list_tools()
                    relay["gateway"].accepted = {"tok-2"}  # the token expires mid-session
                    result = await session.call_tool("echo", {"text": "through the relay"})
        return [t.name for t in tools.tools], result.content[0].text

    names, text = anyio.run(use)
    assert names == test_mcp.TOOLS and text == "through the relay"
    auths = relay["mcp"].authorizations()
    assert "Bearer tok-1" in auths and "Bearer tok-2" in auths
    assert all(r.headers.get("x-team") == "platform" for r in relay["mcp"].seen if r.path == "/mcp")


def test_an_mcp_server_refusing_a_fresh_token_is_a_jsonrpc_error(relay):
    answer = post(f"{relay['url']}/mcp/docs", {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}},
                  headers={"accept": "application/json, text/event-stream"})
    assert answer.status_code == 200 and "www-authenticate" not in answer.headers
    assert "refused your aistack token (HTTP 401)" in answer.json()["error"]["message"]


def test_streams_pass_through_as_they_arrive(relay):
    gateway = relay["gateway"]
    gateway.accepted.add("tok-1")
    with httpx.stream("POST", f"{relay['url']}/gw/openai/stream?n=3", json={}, timeout=20) as answer:
        events = answer.iter_lines()
        first = next(e for e in events if e)
        assert json.loads(first.removeprefix("data: ")) == {"i": 0}  # before the upstream sent the last one
        assert not gateway.release.is_set()
        gateway.release.set()
        rest = [json.loads(e.removeprefix("data: ")) for e in events if e]
    assert rest == [{"i": 1}, {"i": 2}]


def test_a_client_that_leaves_stops_the_upstream_stream(relay):
    gateway = relay["gateway"]
    gateway.accepted.add("tok-1")
    with httpx.stream("GET", f"{relay['url']}/gw/openai/stream?n=2", timeout=20) as answer:
        next(e for e in answer.iter_lines() if e)
    time.sleep(1)  # the client is gone; the upstream is still working on its last event
    gateway.release.set()  # ...which it then writes to the connection the relay closed
    assert gateway.stream_broken.wait(10)


@pytest.mark.parametrize("path", ["/", "/gw/", "/gw/mistral/v1/x", "/mcp/unknown", "/mcp/events", "/mcp/docs/x",
                                  "/v1/messages", "/gw/openai/../../admin", "/gw/openai/%2e%2e/admin",
                                  "/http://evil.example/x"])
def test_only_the_profiles_routes_are_forwarded(relay, path):
    with socket.create_connection(("127.0.0.1", relay["port"]), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{relay['port']}\r\nConnection: close\r\n\r\n".encode())
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 404"), reply[:200]
    assert b"not a route" in reply or b"dot segments" in reply
    assert relay["gateway"].seen == [] and not relay["mcp"].seen


@pytest.mark.parametrize("headers, status", [
    ({"Host": "evil.example"}, 421),  # DNS rebinding
    ({"Host": "127.0.0.1:1"}, 421),
    ({"Origin": "https://evil.example"}, 403),
    ({"Origin": "null"}, 403),
    ({"Sec-Fetch-Site": "cross-site"}, 403),
    ({"Content-Type": "text/plain"}, 415),  # a "simple" request a page may send without a preflight
    ({"Content-Type": "application/x-www-form-urlencoded"}, 415),
])
def test_requests_a_web_page_could_send_are_refused(relay, headers, status):
    relay["gateway"].accepted.add("tok-1")
    answer = httpx.post(f"{relay['url']}/gw/openai/chat/completions", content=b"{}", timeout=10,
                        headers={"Content-Type": "application/json", **headers})
    assert answer.status_code == status, answer.text
    assert not [k for k in answer.headers if k.lower().startswith("access-control-")]
    assert relay["gateway"].seen == []


def test_a_preflight_gets_no_cors_headers(relay):
    answer = httpx.request("OPTIONS", f"{relay['url']}/gw/openai/chat/completions", timeout=10, headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert answer.status_code == 403
    assert not [k for k in answer.headers if k.lower().startswith("access-control-")]


def test_another_user_is_refused(relay):
    """Two users on one machine: a connection from uid 65534 (setpriv, as root can) is turned away."""
    import os
    import shutil

    if os.getuid() != 0 or not shutil.which("setpriv") or not shutil.which("curl"):
        pytest.skip("needs root, setpriv and curl to connect as another user")
    relay["gateway"].accepted.add("tok-1")
    done = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "curl", "-s", "-X", "POST",
                           "-H", "content-type: application/json", "-d", "{}",
                           f"{relay['url']}/gw/openai/chat/completions"], capture_output=True, text=True, timeout=30)
    assert "serves only its own user" in done.stdout and "uid 65534" in done.stdout, done
    assert relay["gateway"].seen == []
    assert post(f"{relay['url']}/gw/openai/chat/completions").status_code == 200  # this user still is


def test_the_log_names_method_route_and_status_never_a_token(relay):
    relay["gateway"].accepted.add("tok-1")
    post(f"{relay['url']}/gw/openai/chat/completions?key=secret-in-query", headers={"Authorization": "Bearer cli"})
    relay["tokens"].gone = True
    relay["app"].tokens.rejected("tok-1")
    post(f"{relay['url']}/gw/openai/chat/completions")
    log = "\n".join(relay["log"])
    assert "POST /gw/openai/chat/completions -> 200" in log and "-> 401" in log
    assert "tok-1" not in log and "secret-in-query" not in log and "cli" not in log


def test_health_says_who_it_serves_and_what_it_forwards(relay):
    info = httpx.get(f"{relay['url']}/aistack/relay", timeout=10).json()
    assert info["service"] == "aistack-relay" and info["org"] == "Relay Org"
    assert info["routes"] == {"gateway": ["anthropic", "openai", "google"], "mcp": ["docs"], "telemetry": []}


def test_a_changed_profile_changes_the_routes(relay, world):
    text = Path(world["profile"]).read_text().replace('name = "docs"', 'name = "wiki"')
    Path(world["profile"]).write_text(text)
    info = httpx.get(f"{relay['url']}/aistack/relay", timeout=10).json()
    assert info["routes"]["mcp"] == ["wiki"]


def test_the_collector_route_adds_the_token_and_the_telemetry_headers(relay, world):
    Path(world["profile"]).write_text(Path(world["profile"]).read_text() + (
        f'[telemetry]\nendpoint = "{world["gateway"].url}/collector"\nprotocol = "http/json"\nauth = "token"\n'
        '[telemetry.headers]\nx-tenant = "eng"\n'))
    relay["gateway"].accepted.add("tok-1")
    answer = post(f"{relay['url']}/otel/v1/metrics", {"resourceMetrics": []},
                  headers={"Authorization": "Bearer placeholder"})
    assert answer.status_code == 200, answer.text
    seen = answer.json()
    assert seen["path"] == "/collector/v1/metrics"
    assert seen["headers"]["authorization"] == "Bearer tok-1" and seen["headers"]["x-tenant"] == "eng"
    assert "x-org" not in seen["headers"]  # the gateway's static headers stay the gateway's
    info = httpx.get(f"{relay['url']}/aistack/relay", timeout=10).json()
    assert info["routes"]["telemetry"] == ["v1/metrics", "v1/logs", "v1/traces"]
    assert post(f"{relay['url']}/otel/v1/other", {}).status_code == 404  # only the OTLP signals
    relay["tokens"].gone = True
    relay["tokens"].issued = 99  # the cached token is refused upstream: a fresh one is asked for, and none comes
    relay["gateway"].accepted.clear()
    gone = post(f"{relay['url']}/otel/v1/logs", {"resourceLogs": []})
    assert gone.status_code == 401 and "aistack login" in gone.json()["message"]
