"""`aistack doctor`, which sends the token to the gateway and to MCP servers (through the bridge's transport),
against servers on 127.0.0.1 that redirect elsewhere or echo the token: redirects followed only within the origin,
nothing sent to another host, the token never in the report."""

from __future__ import annotations

import json

import pytest

from support.http import Reply

pytestmark = pytest.mark.peer
TOKEN = "doctor-secret-token-1234"


@pytest.fixture(autouse=True)
def token(monkeypatch):
    monkeypatch.setenv("AISTACK_TOKEN", TOKEN)


def org(tmp_path, gateway: str | None = None, servers: str = "") -> str:
    text = 'schema = 1\n[org]\nname = "Doctor Org"\n'
    if gateway:
        text += f'[gateway]\nurl = "{gateway}"\ntoken_header = "X-Api-Key"\n'
    (tmp_path / "org.toml").write_text(text + servers)
    return str(tmp_path / "org.toml")


def doctor(cli, path):
    code, out, err = cli("doctor", "--json", "--timeout", "3", "--org", path)
    return code, json.loads(out), err


def check(report, cid):
    return next(c for c in report["checks"] if c["id"] == cid)


def test_gateway_redirects_are_followed_within_the_origin_only(cli, tmp_path, serve):
    elsewhere = serve(lambda seen: Reply(200, {"data": [{"id": "stolen"}]}), token=None)
    moves = {"target": "/v1/models/"}

    def app(seen):
        if seen.path == "/v1/models":
            return Reply(307, "", headers={"Location": moves["target"]})
        return Reply(200, {"data": [{"id": "m1"}]})

    gateway = serve(app, token=TOKEN, header="X-Api-Key")
    code, report, _ = doctor(cli, org(tmp_path, gateway.url))
    assert check(report, "gateway")["status"] == "ok", check(report, "gateway")  # same origin: followed
    assert "1 model listed" in check(report, "gateway")["detail"]
    moves["target"] = elsewhere.url + "/v1/models"
    code, report, _ = doctor(cli, org(tmp_path, gateway.url))
    gw = check(report, "gateway")
    assert gw["status"] == "fail" and "redirected to" in gw["detail"] and "only within" in gw["detail"]
    assert elsewhere.seen == [] and TOKEN not in json.dumps(report)


def test_an_mcp_server_redirecting_to_another_origin_gets_no_token_there(cli, tmp_path, serve):
    elsewhere = serve(lambda seen: Reply(200, {}), token=None)
    redirect = serve(lambda seen: Reply(307, "", headers={"Location": elsewhere.url + "/mcp"}), token=None)
    servers = f'[[mcp_servers]]\nname = "docs"\nurl = "{redirect.url}/mcp"\nauth = "token"\n'
    code, report, _ = doctor(cli, org(tmp_path, "https://ai.example.com", servers))
    assert code == 1 and check(report, "mcp:docs")["status"] == "fail"
    assert elsewhere.seen == []


def test_an_mcp_error_echoing_the_token_is_scrubbed(cli, tmp_path, serve):
    """The server accepts the connection but fails initialize with a JSON-RPC error that repeats the token."""

    def echo(seen):
        if seen.method != "POST":
            return Reply(405, {})
        token = seen.headers.get("x-api-key", "")
        return Reply(200, {"jsonrpc": "2.0", "id": (seen.json() or {}).get("id"),
                           "error": {"code": -32000, "message": f"key {token} is not allowed here"}})

    server = serve(echo, token=None)
    servers = f'[[mcp_servers]]\nname = "docs"\nurl = "{server.url}/mcp"\nauth = "token"\n'
    code, report, err = doctor(cli, org(tmp_path, "https://ai.example.com", servers))
    docs = check(report, "mcp:docs")
    assert docs["status"] == "fail" and "is not allowed here" in docs["detail"], docs
    assert TOKEN not in json.dumps(report) + err and "[redacted]" in docs["detail"]
