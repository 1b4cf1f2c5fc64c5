"""`aistack doctor`, which sends the token to the gateway and to MCP servers (through the bridge's transport),
against servers on 127.0.0.1 that redirect elsewhere or echo the token: redirects followed only within the origin,
nothing sent to another host, the token never in the report."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from usage_helpers import serve  # noqa: F401
from usage_servers import Reply

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

    class Redirect(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            self.send_response(307)
            self.send_header("Location", elsewhere.url + "/mcp")
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/mcp"
        servers = f'[[mcp_servers]]\nname = "docs"\nurl = "{url}"\nauth = "token"\n'
        code, report, _ = doctor(cli, org(tmp_path, "https://ai.example.com", servers))
        assert code == 1 and check(report, "mcp:docs")["status"] == "fail"
        assert elsewhere.seen == []
    finally:
        server.shutdown()
        server.server_close()


def test_an_mcp_error_echoing_the_token_is_scrubbed(cli, tmp_path):
    """The server accepts the connection but fails initialize with a JSON-RPC error that repeats the token."""

    class Echo(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            token = self.headers.get("X-Api-Key", "")
            body = json.dumps({"jsonrpc": "2.0", "id": request.get("id"),
                               "error": {"code": -32000, "message": f"key {token} is not allowed here"}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/mcp"
        servers = f'[[mcp_servers]]\nname = "docs"\nurl = "{url}"\nauth = "token"\n'
        code, report, err = doctor(cli, org(tmp_path, "https://ai.example.com", servers))
        docs = check(report, "mcp:docs")
        assert docs["status"] == "fail" and "is not allowed here" in docs["detail"], docs
        assert TOKEN not in json.dumps(report) + err and "[redacted]" in docs["detail"]
    finally:
        server.shutdown()
        server.server_close()
