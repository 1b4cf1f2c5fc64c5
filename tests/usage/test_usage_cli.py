"""`aistack usage` end to end: the CLI, a profile on disk, a loopback gateway, AISTACK_TOKEN."""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta

import pytest

from aistack.auth.accessor import fresh_token
from aistack.errors import AistackError, LoginNeeded
from support.http import TOKEN, Reply
from support.usage import litellm_app, metrics, openrouter_app, write_profile

pytestmark = pytest.mark.peer


def recent_records():
    today = date.today()
    return [((today - timedelta(days=i)).isoformat(), m, metrics(2000 + i, 300, 100, 10, 2, 0.5))
            for i in range(3) for m in ("claude-sonnet-4-5", "gpt-5")]


@pytest.fixture
def gateway(tmp_path, serve, monkeypatch):
    monkeypatch.setenv("AISTACK_TOKEN", TOKEN)
    monkeypatch.setenv("COLUMNS", "120")
    srv = serve(litellm_app(recent_records(), key_info={"max_budget": 10.0, "spend": 2.5}))
    return srv, write_profile(tmp_path, "litellm", srv.url)


def test_json_report(cli, gateway):
    srv, org = gateway
    code, out, err = cli("usage", "--org", str(org), "--since", "3d", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["totals"]["requests"] == 12 and doc["totals"]["cost_usd"] == pytest.approx(3.0)
    assert doc["period"]["days"] == "utc" and len(doc["rows"]) == 3
    assert doc["budget"]["limit_usd"] == 10.0


def test_table_to_a_pipe_is_plain(cli, gateway):
    srv, org = gateway
    code, out, err = cli("usage", "--org", str(org), "--since", "3d")
    assert code == 0, err
    assert "\x1b" not in out and "|Total" in out and "By model" in out and "(UTC days)" in out
    assert "$3.00" in out and "reading usage" not in out + err  # no progress chatter when not a terminal


def test_csv_and_no_cost(cli, gateway):
    srv, org = gateway
    code, out, _ = cli("usage", "--org", str(org), "--since", "3d", "--csv", "--no-cost")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "period,model,input_tokens,output_tokens,cache_write_tokens,cache_read_tokens,total_tokens,requests"
    assert len(lines) == 7


def test_cache_and_refresh(cli, gateway):
    srv, org = gateway
    for args in ((), (), ("--refresh",)):
        assert cli("usage", "--org", str(org), "--json", *args)[0] == 0
    assert len(srv.hits("/user/daily/activity")) == 2
    code, out, _ = cli("usage", "--org", str(org))
    assert "(cached; --refresh to fetch again)" in out


def test_expired_login_exits_4(cli, gateway, monkeypatch):
    srv, org = gateway
    monkeypatch.setenv("AISTACK_TOKEN", "tok-SECRET-123")
    code, out, err = cli("usage", "--org", str(org))
    assert code == 4 and out == "" and "aistack login" in err and "HTTP 401" in err
    assert "SECRET" not in err  # the token is never printed


def test_partial_data_is_said_on_stderr_and_in_json(cli, tmp_path, serve, monkeypatch):
    monkeypatch.setenv("AISTACK_TOKEN", TOKEN)
    srv = serve(openrouter_app({"limit": 5.0, "usage": 1.0, "limit_reset": None}, None))
    org = write_profile(tmp_path, "openrouter", srv.url)
    code, out, err = cli("usage", "--org", str(org), "--json")
    assert code == 0 and json.loads(out)["partial"] is True
    assert "warning: per-day usage is not available to this key" in err


@pytest.mark.parametrize("args,msg", [
    (("--json", "--csv"), "cannot be used together"),
    (("--by", "year"), "--by 'year'"),
    (("--since", "soon"), "--since 'soon' is not a date"),
    (("--timezone", "Nowhere/Land"), "IANA"),
])
def test_bad_options_are_usage_errors(cli, gateway, args, msg):
    _, org = gateway
    code, out, err = cli("usage", "--org", str(org), *args)
    assert code == 2 and msg in err and out == ""


def test_profile_without_usage_backend(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("AISTACK_TOKEN", TOKEN)
    org = tmp_path / "org.toml"
    org.write_text('schema = 1\n[org]\nname = "X"\n[gateway]\nurl = "https://ai.example.com"\n')
    code, _, err = cli("usage", "--org", str(org))
    assert code == 1 and "`gateway.usage` is not set" in err


def test_403_names_the_url(cli, tmp_path, serve, monkeypatch):
    monkeypatch.setenv("AISTACK_TOKEN", TOKEN)
    srv = serve(lambda seen: Reply(403, {"error": {"message": "internal_user role required"}}))
    org = write_profile(tmp_path, "litellm", srv.url)
    code, _, err = cli("usage", "--org", str(org))
    assert code == 1 and "/user/daily/activity answered HTTP 403: internal_user role required" in err


def test_token_comes_from_aistack_token(tmp_path):
    script = tmp_path / "token.py"
    script.write_text("import sys\nprint('tok-from-login')\n")
    assert fresh_token({}, command=[sys.executable, str(script)]) == "tok-from-login"
    assert fresh_token({"AISTACK_TOKEN": " env-tok "}, command=[sys.executable, "-c", "raise SystemExit(9)"]) == "env-tok"


def test_token_exit_4_means_login_needed(tmp_path):
    with pytest.raises(LoginNeeded) as e:
        fresh_token({}, command=[sys.executable, "-c", "import sys; sys.stderr.write('no login'); sys.exit(4)"])
    assert e.value.exit_code == 4 and "aistack login" in e.value.hint
    with pytest.raises(AistackError, match=r"failed \(exit 3\): boom"):
        fresh_token({}, command=[sys.executable, "-c", "import sys; sys.stderr.write('boom'); sys.exit(3)"])
