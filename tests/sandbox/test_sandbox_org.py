"""The sandbox org (sandbox/org.py): a real oidc-provider, the LiteLLM proxy and an mcp-SDK server on 127.0.0.1.

One org is started for the module (LiteLLM takes tens of seconds to import); the last test stops it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx
import pytest

from support.sandbox_peer import (
    CLIENT_ID,
    NODE_MODULES,
    REPO,
    SCOPE,
    bad_tokens,
    claims,
    device_login,
    discovery,
    forged_token,
    org_env,
    processes_of,
    run_org,
    running_org,
)

pytestmark = [pytest.mark.peer, pytest.mark.timeout(300)]
sys.path.insert(0, str(REPO / "sandbox"))

MESSAGES = {"model": "claude-sonnet-4-5", "max_tokens": 64,
            "messages": [{"role": "user", "content": "Summarise the onboarding steps for a new engineer."}]}
PRICES = {"input": 0.000003, "output": 0.000015, "cache_read": 0.0000003, "cache_write": 0.00000375}


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    home = tmp_path_factory.mktemp("org-home")
    with running_org(tmp_path_factory.mktemp("org"), home, "--token-ttl", "600") as state:
        yield {**state, "home": home}


@pytest.fixture(scope="module")
def login(org):
    return device_login(org["issuer"])


def gateway(org) -> str:
    return org["components"]["gateway"]["url"]


def today() -> str:
    return datetime.now(timezone.utc).date().isoformat()


def test_up_writes_a_valid_profile_that_points_at_every_component(org):
    from aistack.profile import load

    profile = load(org["org_profile"])
    assert profile.auth.issuer == org["issuer"] and profile.auth.client_id == CLIENT_ID
    assert profile.gateway.url == gateway(org)
    assert profile.gateway.usage == "aistack" and profile.gateway.usage_url == gateway(org) + "/usage"
    assert profile.gateway.providers["anthropic"] == gateway(org)
    [server] = profile.mcp_servers
    assert (server.url, server.auth, server.kind) == (org["components"]["mcp"]["url"], "token", "http")
    for name in ("idp", "gateway", "mcp"):
        port = org["components"][name]["port"]
        assert org["components"][name]["url"].startswith(f"http://127.0.0.1:{port}")
    # The same profile is published where `--org http://127.0.0.1:PORT` looks for it.
    assert load(gateway(org)).raw == profile.raw
    assert profile.raw["auth"]["issuer"] == discovery(org["issuer"])["issuer"]


def test_device_flow_completes_by_polling_alone_with_a_jwt_for_the_gateway(org, login):
    meta = discovery(org["issuer"])
    assert {"urn:ietf:params:oauth:grant-type:device_code", "refresh_token"} <= set(meta["grant_types_supported"])
    assert meta["revocation_endpoint"] and "S256" in meta["code_challenge_methods_supported"]
    start = httpx.post(meta["device_authorization_endpoint"], data={"client_id": CLIENT_ID, "scope": SCOPE}, timeout=10)
    assert start.json()["interval"] == 1  # the code is approved already: no need for RFC 8628's 5 s
    other = httpx.post(meta["device_authorization_endpoint"], timeout=10,
                       data={"client_id": CLIENT_ID, "scope": SCOPE, "resource": "https://elsewhere.example"})
    assert other.status_code == 400 and other.json()["error"] == "invalid_target"
    access = claims(login["access_token"])
    assert access["iss"] == org["issuer"] and access["aud"] == org["audience"]
    assert access["exp"] - access["iat"] == login["expires_in"] == 600  # up --token-ttl 600
    assert (access["sub"], access["email"]) == ("demo", "demo@example.com")
    assert claims(login["id_token"])["email"] == "demo@example.com"
    assert set(login["scope"].split()) == set(SCOPE.split()) and login["refresh_token"]


def test_refresh_tokens_rotate_and_a_reused_one_is_refused(org):
    tokens = device_login(org["issuer"])
    token_url = discovery(org["issuer"])["token_endpoint"]
    form = {"grant_type": "refresh_token", "client_id": CLIENT_ID, "refresh_token": tokens["refresh_token"]}
    first = httpx.post(token_url, data=form, timeout=10)
    assert first.status_code == 200 and first.json()["refresh_token"] != tokens["refresh_token"]
    assert claims(first.json()["access_token"])["aud"] == org["audience"]
    reused = httpx.post(token_url, data=form, timeout=10)
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"


def test_browser_flow_with_pkce_consents_by_itself(org):
    meta = discovery(org["issuer"])
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect = "http://127.0.0.1:50123/callback"
    url = httpx.URL(meta["authorization_endpoint"], params={
        "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": redirect, "scope": SCOPE,
        "state": "s1", "code_challenge": challenge, "code_challenge_method": "S256", "prompt": "consent"})
    with httpx.Client(timeout=10) as browser:
        for _ in range(10):
            response = browser.get(url)
            assert response.status_code in (302, 303), response.text[:300]
            url = response.url.join(response.headers["location"])
            if str(url).startswith(redirect):
                break
    query = parse_qs(urlsplit(str(url)).query)
    assert query["state"] == ["s1"] and query["iss"] == [org["issuer"]]
    tokens = httpx.post(meta["token_endpoint"], timeout=10, data={
        "grant_type": "authorization_code", "code": query["code"][0], "redirect_uri": redirect,
        "client_id": CLIENT_ID, "code_verifier": verifier}).json()
    assert claims(tokens["access_token"])["aud"] == org["audience"] and tokens["refresh_token"]


def test_gateway_answers_the_messages_api_with_the_idp_token(org, login):
    token = login["access_token"]
    for headers in ({"Authorization": f"Bearer {token}"}, {"x-api-key": token}):
        response = httpx.post(f"{gateway(org)}/v1/messages", json=MESSAGES, timeout=60,
                              headers={**headers, "anthropic-version": "2023-06-01"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["content"][0]["text"] == "Hello from the aistack sandbox gateway."
        assert body["usage"]["output_tokens"] == round(len(body["content"][0]["text"]) / 4)
    # Counted from the prompt (about 4 characters a token), not LiteLLM's fixed mock numbers.
    content = MESSAGES["messages"][0]["content"]
    longer = {**MESSAGES, "messages": [{"role": "user", "content": content * 11}]}
    sizes = [httpx.post(f"{gateway(org)}/v1/messages", json=body, timeout=60, headers={"x-api-key": token}
                        ).json()["usage"]["input_tokens"] for body in (MESSAGES, longer)]
    assert sizes[1] - sizes[0] == pytest.approx(10 * len(content) / 4, abs=2)
    chat = httpx.post(f"{gateway(org)}/v1/chat/completions", timeout=60, headers={"Authorization": f"Bearer {token}"},
                      json={"model": "gpt-5", "messages": [{"role": "user", "content": "hi"}]})
    assert chat.status_code == 200 and chat.json()["usage"]["prompt_tokens"] > 0
    responses = httpx.post(f"{gateway(org)}/v1/responses", timeout=60, headers={"Authorization": f"Bearer {token}"},
                           json={"model": "gpt-5", "input": "hi"})
    assert responses.status_code == 200, responses.text
    assert "Hello from the aistack sandbox gateway." in json.dumps(responses.json()["output"])


def test_gateway_streams_the_messages_api(org, login):
    with httpx.stream("POST", f"{gateway(org)}/v1/messages", json={**MESSAGES, "stream": True}, timeout=60,
                      headers={"x-api-key": login["access_token"]}) as response:
        assert response.status_code == 200
        events = [json.loads(line[6:]) for line in response.iter_lines() if line.startswith("data: ")]
    text = "".join(e["delta"].get("text", "") for e in events if e["type"] == "content_block_delta")
    assert text == "Hello from the aistack sandbox gateway."
    assert [e for e in events if e["type"] == "message_delta"][-1]["usage"]["output_tokens"] > 0


def test_gateway_refuses_missing_bad_forged_and_foreign_tokens(org, login):
    for case, headers in bad_tokens(org, login).items():
        response = httpx.post(f"{gateway(org)}/v1/messages", json=MESSAGES, headers=headers, timeout=30)
        assert response.status_code == 401, (case, response.text)
        assert "aistack login" in response.text
        # The cheap authenticated call (no model runs): what a health check can use.
        assert httpx.get(f"{gateway(org)}/v1/models", headers=headers, timeout=30).status_code == 401, case
    models = httpx.get(f"{gateway(org)}/v1/models", headers={"Authorization": f"Bearer {login['access_token']}"})
    assert models.status_code == 200 and "claude-sonnet-4-5" in {m["id"] for m in models.json()["data"]}


def test_expired_idp_token_is_refused_by_the_verifier(org, login):
    """The gateway and the MCP server share this verifier; its clock is moved past exp + leeway here
    rather than waiting out the IdP's 15-minute tokens."""
    from tokens import LEEWAY, InvalidToken, Verifier

    exp = claims(login["access_token"])["exp"]
    assert Verifier(org["issuer"], org["audience"]).verify(login["access_token"])["sub"] == "demo"
    late = Verifier(org["issuer"], org["audience"], clock=lambda: exp + LEEWAY + 1)
    with pytest.raises(InvalidToken, match="expired"):
        late.verify(login["access_token"])
    with pytest.raises(InvalidToken):
        Verifier(org["issuer"], "urn:another:audience").verify(login["access_token"])


async def _mcp_session(url: str, token: str):
    import httpx2
    from mcp.client.session import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        async with streamable_http_client(url, http_client=client) as streams:
            async with ClientSession(streams[0], streams[1]) as session:
                await session.initialize()
                tools = await session.list_tools()
                result = await session.call_tool("handbook", {"topic": "support"})
                return [t.name for t in tools.tools], result.content[0].text


def test_mcp_server_serves_its_tool_to_a_token_holder(org, login):
    names, text = anyio.run(_mcp_session, org["components"]["mcp"]["url"], login["access_token"])
    assert names == ["handbook", "echo", "whoami"]
    assert text.startswith("[for demo@example.com]") and "aistack doctor" in text


def test_mcp_server_refuses_missing_bad_forged_and_foreign_tokens(org, login):
    url = org["components"]["mcp"]["url"]
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}}
    for case, headers in bad_tokens(org, login).items():
        if "x-api-key" in headers:  # the MCP server reads only Authorization: Bearer
            headers = {"Authorization": f"Bearer {headers['x-api-key']}"}
        response = httpx.post(url, json=initialize, timeout=30,
                              headers={**headers, "Accept": "application/json, text/event-stream"})
        assert response.status_code == 401, (case, response.text)
        assert "resource_metadata=" in response.headers["www-authenticate"]
    with pytest.raises(BaseException):  # noqa: B017 - the SDK client gives up on a 401 it cannot answer
        anyio.run(_mcp_session, url, forged_token(org))


def test_usage_api_returns_what_the_gateway_served(org):
    """A fresh login, two requests sharing a cached system prompt (a new model name, so a row of its own):
    the day's row holds their tokens, the cache write then read, and their cost."""
    token = device_login(org["issuer"])["access_token"]
    model = f"claude-usage-{secrets.token_hex(3)}"
    body = {**MESSAGES, "model": model, "system": [
        {"type": "text", "text": f"You are the {model} assistant. " * 40, "cache_control": {"type": "ephemeral"}}]}
    served = [httpx.post(f"{gateway(org)}/v1/messages", json=body, timeout=60,
                         headers={"Authorization": f"Bearer {token}"}).json()["usage"] for _ in range(2)]
    written, read = served[0].get("cache_creation_input_tokens", 0), served[1].get("cache_read_input_tokens", 0)
    assert written > 0 and read == written and "cache_read_input_tokens" not in served[0]
    usage = f"{gateway(org)}/usage/v1/usage"
    auth = {"Authorization": f"Bearer {token}"}
    page = httpx.get(f"{usage}/daily", params={"start": today(), "end": today()}, headers=auth, timeout=10).json()
    assert page["timezone"] == "UTC" and page["page"] == 1 and page["total_pages"] == 1
    [row] = [r for r in page["data"] if r["model"] == model]
    inputs = sum(s["input_tokens"] for s in served)
    outputs = sum(s["output_tokens"] for s in served)
    assert row == {"date": today(), "model": model, "input_tokens": inputs, "output_tokens": outputs,
                   "cache_read_tokens": read, "cache_write_tokens": written, "requests": 2,
                   "cost_usd": pytest.approx(inputs * PRICES["input"] + outputs * PRICES["output"]
                                             + read * PRICES["cache_read"] + written * PRICES["cache_write"])}
    budget = httpx.get(f"{usage}/budget", headers=auth, timeout=10).json()
    assert budget["limit_usd"] > 0 and budget["spend_usd"] >= row["cost_usd"] and budget["period"] == "monthly"
    # Paging and days outside the range.
    one = httpx.get(f"{usage}/daily", params={"start": today(), "end": today(), "page_size": 1, "page": 2},
                    headers=auth, timeout=10).json()
    assert one["total_pages"] == len(page["data"]) and len(one["data"]) == (1 if len(page["data"]) > 1 else 0)
    empty = httpx.get(f"{usage}/daily", params={"start": "2020-01-01", "end": "2020-01-31"}, headers=auth, timeout=10)
    assert empty.json()["data"] == [] and empty.json()["total_pages"] == 0


def test_usage_api_refuses_bad_tokens_and_bad_queries(org, login):
    usage = f"{gateway(org)}/usage/v1/usage"
    auth = {"Authorization": f"Bearer {login['access_token']}"}
    for case, headers in bad_tokens(org, login).items():
        response = httpx.get(f"{usage}/daily", params={"start": today(), "end": today()}, headers=headers, timeout=10)
        assert response.status_code == 401 and "message" in response.json()["error"], case
    for params in ({"start": "yesterday", "end": today()}, {"start": today(), "end": "2020-01-01"},
                   {"start": today(), "end": today(), "timezone": "Mars/Olympus"},
                   {"start": today(), "end": today(), "page_size": 5000}):
        response = httpx.get(f"{usage}/daily", params=params, headers=auth, timeout=10)
        assert response.status_code == 400 and response.json()["error"]["message"], params


@pytest.mark.timeout(180)
def test_claude_code_answers_through_the_gateway_with_the_idp_token(org, tmp_path):
    claude = NODE_MODULES / ".bin" / "claude"
    if not claude.exists():
        pytest.fail("Claude Code is not installed: run `npm ci --prefix tests/node`")
    token = device_login(org["issuer"])["access_token"]
    before = _requests_today(org, token)
    env = dict(org_env(tmp_path), DISABLE_AUTOUPDATER="1", CI="1", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1",
               ANTHROPIC_BASE_URL=gateway(org), ANTHROPIC_AUTH_TOKEN=token)
    result = subprocess.run([str(claude), "-p", "hi"], capture_output=True, text=True, timeout=150, env=env,
                            cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Hello from the aistack sandbox gateway." in result.stdout
    assert _requests_today(org, token) > before


@pytest.mark.timeout(120)
def test_claude_code_connects_to_the_mcp_server_only_with_the_token(org, login, tmp_path):
    claude = NODE_MODULES / ".bin" / "claude"
    env = dict(org_env(tmp_path), DISABLE_AUTOUPDATER="1", CI="1")
    url = org["components"]["mcp"]["url"]

    def claude_run(*args: str) -> str:
        result = subprocess.run([str(claude), *args], capture_output=True, text=True, timeout=90, env=env,
                                cwd=tmp_path, stdin=subprocess.DEVNULL)
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    claude_run("mcp", "add", "--transport", "http", "handbook", url, "-H", f"Authorization: Bearer {login['access_token']}")
    claude_run("mcp", "add", "--transport", "http", "stranger", url, "-H", "Authorization: Bearer not-a-token")
    lines = {line.split(":", 1)[0]: line for line in claude_run("mcp", "list").splitlines() if ": http" in line}
    assert "Connected" in lines["handbook"]
    assert "Connected" not in lines["stranger"] and "401" in lines["stranger"]


def _requests_today(org, token: str) -> int:
    page = httpx.get(f"{gateway(org)}/usage/v1/usage/daily", params={"start": today(), "end": today()}, timeout=10,
                     headers={"Authorization": f"Bearer {token}"}).json()
    return sum(r["requests"] for r in page["data"])


def test_a_second_up_on_a_running_org_is_refused(org):
    result = run_org("up", "--dir", org["dir"], home=org["home"], timeout=60)
    assert result.returncode == 1 and "already running" in result.stderr
    assert processes_of(Path(org["dir"]))


def test_down_stops_every_component_and_leaves_nothing_running(org):
    """Runs last in this module: it stops the module's org."""
    directory = Path(org["dir"])
    pids = [c["pid"] for c in org["components"].values()]
    assert len(processes_of(directory)) >= 3
    status = run_org("status", "--dir", str(directory), "--json", home=org["home"], timeout=60)
    assert status.returncode == 0 and json.loads(status.stdout)["running"] == ["gateway", "idp", "mcp"]
    result = run_org("down", "--dir", str(directory), home=org["home"], timeout=60)
    assert result.returncode == 0, result.stderr
    assert "stopped mcp, gateway, idp" in result.stderr
    assert processes_of(directory) == []
    assert not [p for p in pids if Path(f"/proc/{p}").exists() and "Z" not in
                Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0]]
    assert not (directory / "state.json").exists()
    assert run_org("status", "--dir", str(directory), home=org["home"], timeout=60).returncode == 1
    again = run_org("down", "--dir", str(directory), home=org["home"], timeout=60)
    assert again.returncode == 0 and "nothing running" in again.stderr
