"""`aistack org check` against real loopback pieces: an IdP discovery document, a gateway, the org's MCP server
(tests/peers/mcp_server.py, token-protected); then against broken ones, each failure named with its URL."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from peers import mcp_server
from support.http import Reply, Routes


@pytest.fixture
def mcp():
    running = mcp_server.start(tokens={"good-token"})
    yield running
    running.stop()


def org_file(tmp_path, issuer: str, gateway: str, mcp_url: str) -> str:
    path = tmp_path / "org.toml"
    path.write_text(f"""schema = 1
[org]
name = "Acme"
[auth]
issuer = "{issuer}"
client_id = "aistack"
[gateway]
url = "{gateway}"
[[mcp_servers]]
name = "docs"
url = "{mcp_url}"
auth = "token"
""", encoding="utf-8")
    return str(path)


def idp(serve, *, issuer_override: str | None = None):
    routes = Routes()
    srv = serve(routes, token=None)
    routes["/.well-known/openid-configuration"] = {
        "issuer": issuer_override or srv.url, "token_endpoint": srv.url + "/token",
        "device_authorization_endpoint": srv.url + "/device", "revocation_endpoint": srv.url + "/revoke"}
    return srv


def check(org: str, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aistack", "org", "check", "--org", org, "--json",
                           "--timeout", "5"], capture_output=True, text=True, timeout=120,
                          env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
                               "AISTACK_CONFIG_DIR": str(tmp_path / "cfg")})


def test_a_working_org_is_green(tmp_path, serve, mcp):
    gateway = serve(Routes({"/v1/models": {"data": []}}))  # wants a token: a 401 is an answer
    result = check(org_file(tmp_path, idp(serve).url, gateway.url, mcp.http_url), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["schema"] == "aistack.org-check/v1" and data["failed"] == []
    status = {r["id"]: r["status"] for r in data["results"]}
    assert status == {"profile": "ok", "idp": "ok", "gateway": "ok", "mcp:docs": "ok"}
    assert "refuses a request without a token" in [r for r in data["results"] if r["id"] == "mcp:docs"][0]["detail"]
    assert any(s.method == "POST" for s in mcp.seen)  # a real MCP handshake was attempted


def test_a_broken_org_names_each_failure_with_its_url(tmp_path, serve):
    bad_idp = idp(serve, issuer_override="https://someone-else.example")
    failing = serve(lambda seen: Reply(500, {"error": "boom"}), token=None)  # the MCP server answers 500
    dead = serve(Routes(), token=None)
    dead_url = dead.url + "/v1"
    dead.close()
    result = check(org_file(tmp_path, bad_idp.url, dead_url, failing.url + "/mcp"), tmp_path)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert sorted(data["failed"]) == ["gateway", "idp", "mcp:docs"]
    detail = {r["id"]: r["detail"] for r in data["results"]}
    assert bad_idp.url in detail["idp"] and "someone-else.example" in detail["idp"]
    assert dead_url in detail["gateway"]
    assert failing.url in detail["mcp:docs"]
    assert "3 checks failed: idp, gateway, mcp:docs" in result.stderr


def test_an_invalid_profile_fails_the_profile_check(tmp_path):
    path = tmp_path / "org.toml"
    path.write_text('schema = 1\n[org]\nname = "A"\n[gateway]\nurl = "http://gateway.example"\n')
    result = check(str(path), tmp_path)
    assert result.returncode == 1
    [only] = json.loads(result.stdout)["results"]
    assert only["id"] == "profile" and only["status"] == "fail" and "gateway.url" in only["detail"]


@pytest.mark.peer
@pytest.mark.timeout(300)
def test_the_sandbox_org_is_green(tmp_path):
    """The whole sandbox org (oidc-provider, the LiteLLM gateway, the token-checking MCP server)."""
    from support.sandbox_peer import running_org

    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    with running_org(tmp_path / "org", home) as org:
        result = check(org["org_profile"], tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        data = json.loads(result.stdout)
        status = {r["id"]: r["status"] for r in data["results"]}
        assert status["profile"] == status["idp"] == status["gateway"] == "ok", data
        assert [s for k, s in status.items() if k.startswith("mcp:")] == ["ok"]
        # the profile the sandbox serves from the gateway checks the same, read over HTTP
        served = check(org["components"]["gateway"]["url"], tmp_path)
        assert served.returncode == 0, served.stdout + served.stderr


def test_no_profile_to_check_is_a_usage_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "aistack", "org", "check"], capture_output=True, text=True,
                            timeout=60, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
                                             "AISTACK_CONFIG_DIR": str(tmp_path / "cfg")})
    assert result.returncode == 2 and "no org profile to check" in result.stderr
    missing = check(str(tmp_path / "nope.toml"), tmp_path)
    assert missing.returncode == 1
    assert json.loads(missing.stdout)["failed"] == ["profile"]
