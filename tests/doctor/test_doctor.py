"""`aistack doctor`: each failure it must name, against small real peers on 127.0.0.1 (an HTTP server whose
answers and Date header the test sets, the mcp-SDK test server, the real setup engine on real files)."""

from __future__ import annotations

import json
import socket
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from peers import mcp_server as test_mcp
from support import REPO
from support.http import Reply, Routes


@pytest.fixture
def loopback(serve):
    """`loopback({path: Reply or body}, clock_offset=0.0)`: an HTTP server answering from the table (`.app`),
    404 elsewhere, its Date header `clock_offset` seconds ahead."""

    def start(routes=None, clock_offset=0.0):
        return serve(Routes(routes), token=None, clock_offset=clock_offset)

    return start


def write_org(path: Path, *, issuer: str | None = "http://127.0.0.1:9", gateway: str | None = None,
              servers: str = "") -> Path:
    text = 'schema = 1\n[org]\nname = "Doctor Org"\n'
    if issuer:
        text += f'[auth]\nissuer = "{issuer}"\nclient_id = "aistack-cli"\n'
    if gateway:
        text += f'[gateway]\nurl = "{gateway}"\n'
    path.write_text(text + servers)
    return path


def remember_org(value: str) -> None:
    from aistack.paths import Env
    from aistack.profile import resolve

    resolve(value, Env.current())


def doctor(cli, *args: str) -> tuple[int, dict, str]:
    code, out, err = cli("doctor", "--json", "--timeout", "3", *args)
    return code, json.loads(out), err


def check(report: dict, cid: str) -> dict:
    [found] = [c for c in report["checks"] if c["id"] == cid]
    return found


def test_an_invalid_profile_fails_and_the_rest_is_skipped(cli, tmp_path):
    bad = tmp_path / "org.toml"
    bad.write_text('schema = 1\n[org]\nname = "X"\n[gateway]\nurl = "ftp://gateway"\n')
    code, report, err = doctor(cli, "--org", str(bad))
    assert code == 1 and report["ok"] is False and report["failed"] == ["profile"]
    assert "gateway.url" in check(report, "profile")["detail"] and check(report, "profile")["fix"]
    assert {c["status"] for c in report["checks"][1:]} == {"skip"}
    assert "failed: profile" in err


def test_a_remembered_profile_file_broken_since_is_named_and_the_copy_still_used(cli, tmp_path, loopback):
    gw = loopback({"/v1/models": {"data": []}})
    org = write_org(tmp_path / "org.toml", issuer=None, gateway=gw.url)
    remember_org(str(org))
    code, report, _ = doctor(cli)
    assert code == 0 and check(report, "profile")["status"] == "ok"
    org.write_text(org.read_text() + "[[mcp_servers]]\nname = 'x'\n")  # neither url nor command
    code, report, err = doctor(cli)
    assert code == 1 and "profile" in err
    assert "mcp_servers.x" in check(report, "profile")["detail"]
    assert "remembered copy" in check(report, "profile")["detail"]
    assert check(report, "gateway")["status"] == "skip"  # ran on with the remembered copy: no token, not refused


def test_a_profile_url_is_fetched_again(cli, loopback):
    served = loopback()
    profile = {"schema": 1, "org": {"name": "Fetched Org"}}
    served.app["/.well-known/aistack"] = profile
    code, report, _ = doctor(cli, "--org", served.url)
    assert code == 0 and check(report, "profile")["status"] == "ok"
    remember_org(served.url)  # what every command given --org does; then the org serves an error
    served.app["/.well-known/aistack"] = Reply(503, {"error": "down"})
    code, report, err = doctor(cli)
    assert code == 1 and "HTTP 503" in check(report, "profile")["detail"]
    assert len(served.hits("/.well-known/aistack")) >= 3


def test_not_logged_in_exits_1_and_says_aistack_login(cli, tmp_path):
    org = write_org(tmp_path / "org.toml")
    code, report, err = doctor(cli, "--org", str(org))
    assert code == 1
    login = check(report, "login")
    assert login["status"] == "fail" and "not logged in" in login["detail"] and "aistack login" in login["fix"]
    assert check(report, "token")["status"] == "fail" and "aistack login" in check(report, "token")["fix"]
    assert "login" in err and "token" in err


def test_a_gateway_refusing_the_token_fails_with_aistack_login(cli, tmp_path, loopback, monkeypatch):
    gw = loopback({"/v1/models": Reply(401, {"error": {"message": "invalid token"}})})
    org = write_org(tmp_path / "org.toml", gateway=gw.url)
    monkeypatch.setenv("AISTACK_TOKEN", "stale-token")
    code, report, err = doctor(cli, "--org", str(org))
    gateway = check(report, "gateway")
    assert code == 1 and report["failed"] == ["gateway"] and "gateway" in err
    assert gateway["status"] == "fail" and "HTTP 401" in gateway["detail"] and gateway["fix"] == "Run `aistack login`."
    [request] = gw.hits("/v1/models")
    assert request.headers["authorization"] == "Bearer stale-token"
    assert "stale-token" not in json.dumps(report)  # never the token in the report
    gw.app["/v1/models"] = {"data": [{"id": "m1"}, {"id": "m2"}]}
    code, report, _ = doctor(cli, "--org", str(org))
    assert code == 0 and "2 models" in check(report, "gateway")["detail"]


def test_a_missing_stdio_command_fails_naming_the_server(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    servers = ('[[mcp_servers]]\nname = "ghost"\ncommand = "no-such-mcp-server-7f3a"\n'
               f'[[mcp_servers]]\nname = "local"\ncommand = "{Path(sys.executable).name}"\n')
    org = write_org(tmp_path / "org.toml", issuer=None, servers=servers)
    code, report, err = doctor(cli, "--org", str(org))
    assert code == 1 and report["failed"] == ["mcp:ghost"] and "mcp:ghost" in err
    assert "no-such-mcp-server-7f3a" in check(report, "mcp:ghost")["detail"]
    assert check(report, "mcp:local")["status"] == "ok"


def test_mcp_handshakes_real_servers_and_names_the_one_refusing_the_token(cli, tmp_path, monkeypatch):
    open_server = test_mcp.start()
    guarded = test_mcp.start(verify=lambda token: token == "good-token")
    try:
        servers = (f'[[mcp_servers]]\nname = "open"\nurl = "{open_server.sse_url}"\ntransport = "sse"\n'
                   f'[[mcp_servers]]\nname = "guarded"\nurl = "{guarded.http_url}"\nauth = "token"\n'
                   f'[[mcp_servers]]\nname = "sso"\nurl = "{guarded.http_url}"\nauth = "oauth"\n')
        org = write_org(tmp_path / "org.toml", issuer=None, servers=servers)
        monkeypatch.setenv("AISTACK_TOKEN", "good-token")
        code, report, _ = doctor(cli, "--org", str(org))
        assert code == 0, report
        assert test_mcp.server.NAME in check(report, "mcp:guarded")["detail"]
        assert "(sse)" in check(report, "mcp:open")["detail"]
        # An OAuth server answering 401 to a client without credentials is reachable: the assistant signs in.
        assert check(report, "mcp:sso")["status"] == "ok" and "OAuth" in check(report, "mcp:sso")["detail"]
        assert "Bearer good-token" in guarded.authorizations()
        monkeypatch.setenv("AISTACK_TOKEN", "bad-token")
        code, report, err = doctor(cli, "--org", str(org))
        guard = check(report, "mcp:guarded")
        assert code == 1 and report["failed"] == ["mcp:guarded"] and "mcp:guarded" in err
        assert "401" in guard["detail"] and "aistack login" in guard["fix"]
    finally:
        open_server.stop()
        guarded.stop()


def test_a_server_that_never_answers_is_bounded_by_the_timeout(cli, tmp_path):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections, never answers
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/mcp"
        servers = f'[[mcp_servers]]\nname = "mute"\nurl = "{url}"\n'
        org = write_org(tmp_path / "org.toml", issuer=None, servers=servers)
        started = time.monotonic()
        code, _, err = cli("doctor", "--org", str(org), "--timeout", "1")
        assert time.monotonic() - started < 5
        assert code == 1 and "mcp:mute" in err
    finally:
        silent.close()


def test_drift_after_the_user_edits_an_aistack_entry(cli, tmp_path, fake_home, loopback):
    org = write_org(tmp_path / "org.toml", issuer=None,
                    servers='[[mcp_servers]]\nname = "docs"\nurl = "https://docs.example.com/mcp"\n')
    assert cli("setup", "claude-code", "--org", str(org))[0] == 0
    state = fake_home / ".claude.json"
    report = doctor(cli, "--org", str(org))[1]
    assert check(report, "assistant:claude-code")["status"] == "ok"
    data = json.loads(state.read_text())
    data["mcpServers"]["docs"]["url"] = "https://docs.example.com/mcp-v2"  # the user's edit
    state.write_text(json.dumps(data))
    code, report, err = doctor(cli, "--org", str(org))
    drift = check(report, "assistant:claude-code")
    assert code == 1 and "assistant:claude-code" in err
    assert drift["status"] == "fail" and str(state) in drift["detail"] and "mcpServers.docs" in drift["detail"]
    assert "aistack setup claude-code --force" in drift["fix"]
    assert json.loads(state.read_text())["mcpServers"]["docs"]["url"].endswith("mcp-v2")  # doctor wrote nothing


def test_a_detected_assistant_not_set_up_is_skipped_with_the_command(cli, tmp_path, fake_home):
    (fake_home / ".codex").mkdir()
    org = write_org(tmp_path / "org.toml", issuer=None)
    code, report, _ = doctor(cli, "--org", str(org))
    codex = check(report, "assistant:codex")
    assert code == 0 and codex["status"] == "skip"
    assert codex["fix"] == "Run `aistack setup codex` to wire it to the org."


@pytest.mark.parametrize("offset, status", [(-2, "ok"), (-150, "warn"), (600, "fail")])
def test_clock_skew_against_the_idp_date_header(cli, tmp_path, loopback, offset, status):
    idp = loopback({"/.well-known/openid-configuration": {"issuer": "x"}}, clock_offset=offset)
    org = write_org(tmp_path / "org.toml", issuer=idp.url)
    report = doctor(cli, "--org", str(org))[1]
    clock = check(report, "clock")
    assert clock["status"] == status, clock
    if status != "ok":
        assert f"{abs(offset)} s" in clock["detail"] or f"{abs(offset) - 1} s" in clock["detail"]
        assert ("behind" if offset > 0 else "ahead of") in clock["detail"] and "NTP" in clock["fix"]


def test_skew_of_uses_the_middle_of_the_exchange_and_of_the_servers_second():
    from aistack.doctor.network import skew_of

    date = "Thu, 26 Nov 2026 18:00:00 GMT"
    base = datetime(2026, 11, 26, 18, 0, 0, tzinfo=timezone.utc).timestamp()
    assert skew_of(date, base, base + 1) == pytest.approx(0.0)
    assert skew_of(date, base + 100, base + 100) == pytest.approx(99.5)
    assert skew_of(date, base - 60, base - 59) == pytest.approx(-60.0)


def test_plain_output_lists_every_check_with_a_fix_for_failures(cli, tmp_path):
    org = write_org(tmp_path / "org.toml")
    code, out, err = cli("doctor", "--org", str(org), "--timeout", "2")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("ok    profile") and any(line.startswith("FAIL  login") for line in lines)
    assert "fix: Run `aistack login`." in out and "\x1b[" not in out
    assert err.strip().endswith("2 checks failed: login, token")


def validate(report: dict) -> None:
    import jsonschema

    schema = json.loads((REPO / "docs" / "doctor.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(report)


def test_json_follows_docs_doctor_schema_and_counts_add_up(cli, tmp_path, loopback):
    gw = loopback({"/v1/models": Reply(403, {})})
    servers = '[[mcp_servers]]\nname = "ghost"\ncommand = "no-such-mcp-server-7f3a"\n'
    for org in (write_org(tmp_path / "a.toml", issuer=None), write_org(tmp_path / "b.toml", gateway=gw.url,
                                                                        servers=servers)):
        report = doctor(cli, "--org", str(org))[1]
        validate(report)
    bad = tmp_path / "c.toml"
    bad.write_text("not toml [")
    validate(doctor(cli, "--org", str(bad))[1])
    assert report["schema"] == "aistack.doctor/v1" and report["org"] == "Doctor Org"
    assert report["failed"] == [c["id"] for c in report["checks"] if c["status"] == "fail"]
    assert {"mcp:ghost", "login", "token"} <= set(report["failed"])
    assert sum(report["summary"].values()) == len(report["checks"])
    for c in report["checks"]:
        assert set(c) == {"id", "title", "status", "detail", "fix", "seconds"}
        assert c["status"] in ("ok", "warn", "fail", "skip") and "\n" not in c["detail"]


def test_drift_when_the_user_deletes_an_aistack_entry(cli, tmp_path, fake_home, loopback):
    org = write_org(tmp_path / "org.toml", issuer=None, gateway="https://gateway.example.com")
    assert cli("setup", "claude-code", "--org", str(org))[0] == 0
    settings = fake_home / ".claude" / "settings.json"
    data = json.loads(settings.read_text())
    del data["apiKeyHelper"]
    settings.write_text(json.dumps(data))
    code, report, _ = doctor(cli, "--org", str(org))
    drift = check(report, "assistant:claude-code")
    assert code == 1 and drift["status"] == "fail"
    assert str(settings) in drift["detail"] and "`apiKeyHelper` missing" in drift["detail"]
    assert drift["fix"] == "Run `aistack setup claude-code`."


def test_assistants_sharing_a_file_are_both_set_up(cli, tmp_path, fake_home):
    """Devin Desktop reads Windsurf's file until it has its own directory: the entries are both of theirs."""
    org = write_org(tmp_path / "org.toml", issuer=None,
                    servers='[[mcp_servers]]\nname = "docs"\nurl = "https://docs.example.com/mcp"\n')
    assert cli("setup", "windsurf", "devin", "--org", str(org))[0] == 0
    _, report, _ = doctor(cli, "--org", str(org))
    assert check(report, "assistant:windsurf")["status"] == "ok"
    assert check(report, "assistant:devin")["status"] == "ok"
