"""`aistack token / env / run / status / logout` with tokens from a real OpenID provider."""

from __future__ import annotations

import json
import subprocess

import pytest

from support import aistack_cmd, subprocess_env
from support.oidc_peer import read_session, session_files, start_provider

pytestmark = pytest.mark.peer


@pytest.fixture
def short_tokens(provider):
    """Access tokens live 30 s, inside the 60 s refresh margin: every `aistack token` refreshes."""
    provider.test_route("config", access_ttl=30)
    yield provider
    provider.test_route("config", access_ttl=600)


def login(cli, provider, tmp_path, *extra: str) -> dict:
    code, _, err = cli("login", str(provider.profile(tmp_path)), "--device", *extra)
    assert code == 0, err
    return read_session()


def test_token_refreshes_rotates_and_exits_4_once_revoked(cli, short_tokens, user, memory_keyring, tmp_path):
    provider = short_tokens
    first = login(cli, provider, tmp_path)
    [old_refresh] = memory_keyring.entries.values()
    code, out, err = cli("token")
    assert code == 0, err
    token = out.strip()
    assert token != first["access_token"] and provider.userinfo(token).status_code == 200
    [new_refresh] = memory_keyring.entries.values()
    assert new_refresh != old_refresh  # rotated, and the new one stored in the keyring
    # Replaying the spent refresh token is refused and makes the provider revoke the whole grant.
    assert provider.refresh(old_refresh).json()["error"] == "invalid_grant"
    code, out, err = cli("token")
    assert code == 4 and out == ""
    assert "no longer accepts your refresh token" in err and "aistack login" in err
    assert session_files() == [] and memory_keyring.entries == {}


def test_token_without_login_exits_4(cli, provider, tmp_path):
    code, out, err = cli("token", "--org", str(provider.profile(tmp_path)))
    assert (code, out) == (4, "")
    assert "not logged in to Test Org" in err and "aistack login" in err
    code, out, _ = cli("status", "--json")
    assert code == 4 and json.loads(out)["logged_in"] is False


def test_env_token_overrides_everything(cli, provider, user, memory_keyring, tmp_path, monkeypatch):
    login(cli, provider, tmp_path)
    monkeypatch.setenv("AISTACK_TOKEN", "ci-token")
    assert cli("token") == (0, "ci-token\n", "")
    code, out, _ = cli("token", "--headers-json")
    assert json.loads(out) == {"cf-access-token": "ci-token", "cf-aig-collect-log-payload": "false"}
    code, out, _ = cli("status", "--json")
    assert code == 0 and json.loads(out)["storage"] == "environment"


def test_headers_json(cli, provider, user, memory_keyring, tmp_path):
    token = login(cli, provider, tmp_path)["access_token"]
    code, out, _ = cli("token", "--headers-json")
    assert code == 0
    assert json.loads(out) == {"cf-access-token": token, "cf-aig-collect-log-payload": "false"}
    code, out, _ = cli("token", "--headers-json", "--server", "docs")
    assert json.loads(out) == {"cf-access-token": token, "X-Team": "platform"}
    code, out, _ = cli("token", "--headers-json", "--server=public")  # auth = "none": no token sent there
    assert json.loads(out) == {"X-Public": "1"}
    code, out, err = cli("token", "--headers-json", "--server", "nope")
    assert code == 2 and out == "" and "no MCP server named 'nope'" in err and "docs, public" in err
    assert cli("token", "--server", "docs")[0] == 2


def test_env_command_for_each_shell(cli, provider, user, memory_keyring, tmp_path):
    token = login(cli, provider, tmp_path)["access_token"]
    assert cli("env") == (0, f"export AISTACK_TOKEN={token}\n", "")
    assert cli("env", "--shell", "fish")[1] == f"set -gx AISTACK_TOKEN {token}\n"
    assert cli("env", "--shell", "powershell")[1] == f"$env:AISTACK_TOKEN = '{token}'\n"
    assert cli("env", "--shell", "tcsh")[0] == 2


def test_env_and_run_in_subprocesses(cli, provider, user, tmp_path):
    token = login(cli, provider, tmp_path, "--insecure-storage")["access_token"]
    env = subprocess_env()
    aistack = " ".join(aistack_cmd())
    shell = subprocess.run(["sh", "-c", f'eval "$({aistack} env)" && printf %s "$AISTACK_TOKEN"'],
                           capture_output=True, text=True, env=env, timeout=60)
    assert shell.stdout == token
    run = subprocess.run([*aistack_cmd(), "run", "sh", "-c", 'printf %s "$AISTACK_TOKEN"; exit 7'],
                         capture_output=True, text=True, env=env, timeout=60)
    assert (run.returncode, run.stdout) == (7, token)
    # Options after CMD belong to CMD, not to aistack.
    run = subprocess.run([*aistack_cmd(), "run", "sh", "-c", 'printf "%s," "$@"', "x", "--org", "-h"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert run.stdout == "--org,-h,"
    missing = subprocess.run([*aistack_cmd(), "run", "no-such-command-aistack"], capture_output=True, text=True,
                             env=env, timeout=60)
    assert missing.returncode == 127 and "command not found: no-such-command-aistack" in missing.stderr


def test_status(cli, provider, user, memory_keyring, tmp_path):
    login(cli, provider, tmp_path)
    code, out, _ = cli("status")
    assert code == 0
    assert "alice@example.com (sub alice)" in out and "valid until" in out and "OS keyring" in out
    code, out, _ = cli("status", "--json")
    report = json.loads(out)
    assert report["logged_in"] and report["email"] == "alice@example.com" and report["storage"] == "keyring"
    assert report["refresh_token_stored"] is True and report["issuer"] == provider.issuer
    memory_keyring.entries.clear()  # the keyring lost the entry: the cached access token still works for now
    report = json.loads(cli("status", "--json")[1])
    assert report["refresh_token_stored"] is False and report["logged_in"] is True


def test_logout_revokes_and_deletes_everything(cli, provider, user, memory_keyring, tmp_path):
    access = login(cli, provider, tmp_path)["access_token"]
    [refresh] = memory_keyring.entries.values()
    code, out, err = cli("logout")
    assert code == 0 and out == ""
    assert f"Revoked the refresh token at {provider.issuer}" in err
    assert memory_keyring.entries == {} and session_files() == []
    assert provider.refresh(refresh).status_code == 400
    assert provider.userinfo(access).status_code == 401  # revoking the refresh token ended the grant
    assert cli("logout")[0] == 0
    assert cli("token")[0] == 4


def test_logout_when_idp_is_unreachable_still_deletes(cli, user, tmp_path):
    peer = start_provider(interval=1)
    idp = next(peer)
    login(cli, idp, tmp_path, "--insecure-storage")
    idp.stop()
    code, _, err = cli("logout")
    assert code == 0
    assert "Could not revoke the refresh token at the IdP" in err and "cannot reach" in err
    assert session_files() == []


def test_idp_down_during_refresh(cli, user, tmp_path):
    """A still-valid token inside the refresh margin is served with a warning; an expired one is an error."""
    peer = start_provider(interval=1)
    idp = next(peer)
    session = login(cli, idp, tmp_path, "--insecure-storage")
    idp.stop()
    path = session_files()[0]
    import time

    session["expires_at"] = time.time() + 30
    path.write_text(json.dumps(session))
    code, out, err = cli("token")
    assert code == 0 and out.strip() == session["access_token"]
    assert "could not refresh" in err and session["access_token"] not in err
    session["expires_at"] = time.time() - 1
    path.write_text(json.dumps(session))
    code, out, err = cli("token")
    assert code == 1 and out == "" and "cannot reach the identity provider" in err


def test_logout_removes_a_damaged_record(cli, provider, user, memory_keyring, tmp_path):
    login(cli, provider, tmp_path)
    session_files()[0].write_text("{not json")
    code, _, err = cli("token")
    assert code == 1 and "is damaged" in err and "aistack logout" in err
    code, _, err = cli("logout")
    assert code == 0 and "Removed the damaged login record" in err
    assert session_files() == [] and memory_keyring.entries == {}
