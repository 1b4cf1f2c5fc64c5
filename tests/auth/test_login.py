"""`aistack login` against a real OpenID provider: device flow and browser (code + PKCE) flow."""

from __future__ import annotations

import json
import socket
import stat
import threading

import httpx
import pytest

from support.oidc_peer import read_session, session_files, start_provider

pytestmark = pytest.mark.peer


@pytest.fixture(scope="module")
def short_codes():
    """A provider whose device codes expire after 2 s."""
    yield from start_provider(interval=1, deviceCodeTTL=2)


def test_device_login_stores_refresh_token_in_keyring_only(cli, provider, user, memory_keyring, tmp_path):
    org = provider.profile(tmp_path)
    code, out, err = cli("login", str(org), "--device")
    assert code == 0, err
    assert out == ""
    assert "enter the code" in err and "Logged in to Test Org as alice@example.com" in err
    session = read_session()
    [(key, refresh)] = memory_keyring.entries.items()
    assert key == ("aistack", f"aistack-cli@{provider.issuer}")
    assert "refresh_token" not in session and refresh not in json.dumps(session)
    assert session["storage"] == "keyring" and session["identity"]["sub"] == "alice"
    # Expiry counts from the poll that got the token (>= 1 s after the start), not from when the login began.
    assert session["expires_at"] - session["logged_in_at"] >= 600 + 1
    assert provider.userinfo(session["access_token"]).json()["email"] == "alice@example.com"
    path = session_files()[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    log = (tmp_path / "browser.log").read_text()
    assert "POST /device -> 303" in log and "POST /interaction/" in log  # the provider's own pages, as a user would
    # Polling stopped at the first success: the refresh token still works (a second poll would revoke the grant).
    assert provider.refresh(refresh).status_code == 200


def test_org_is_remembered_after_login(cli, provider, user, memory_keyring, tmp_path):
    org = provider.profile(tmp_path)
    assert cli("login", "--org", str(org), "--device")[0] == 0
    code, out, _ = cli("token")
    assert code == 0 and out.strip() == read_session()["access_token"]


def test_device_login_denied(cli, provider, user, memory_keyring, tmp_path):
    user("deny")
    code, _, err = cli("login", str(provider.profile(tmp_path)), "--device")
    assert code == 1
    assert "the sign-in was denied" in err
    assert session_files() == [] and memory_keyring.entries == {}


def test_headless_picks_device_flow_and_unapproved_code_expires(cli, short_codes, memory_keyring, tmp_path):
    """No DISPLAY and no BROWSER (conftest clears both): the device flow, and nobody approves it."""
    code, _, err = cli("login", str(short_codes.profile(tmp_path)))
    assert code == 1, err
    assert "enter the code" in err and "Opening your browser" not in err
    assert "the sign-in code expired before it was approved" in err
    assert session_files() == []



def test_browser_login_with_pkce(cli, provider, user, memory_keyring, tmp_path, monkeypatch):
    monkeypatch.setenv("DISPLAY", ":0")  # a desktop session: the browser flow is the default
    code, out, err = cli("login", str(provider.profile(tmp_path)))
    assert code == 0, err
    assert "Waiting for the browser to return to http://127.0.0.1:" in err and "/callback" in err
    session = read_session()
    assert session["flow"] == "browser" and session["identity"]["email"] == "alice@example.com"
    assert provider.userinfo(session["access_token"]).status_code == 200
    log = (tmp_path / "browser.log").read_text()
    assert "GET /callback -> 200" in log  # the scripted browser followed the redirect to aistack's loopback


def test_browser_login_denied(cli, provider, user, memory_keyring, tmp_path):
    user("deny")
    code, _, err = cli("login", str(provider.profile(tmp_path)), "--browser")
    assert code == 1 and "the sign-in was denied" in err
    assert session_files() == []


def test_browser_login_fixed_redirect_port(cli, provider, user, memory_keyring, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, _, err = cli("login", str(provider.profile(tmp_path)), "--redirect-port", str(port))
    assert code == 0, err
    assert f"http://127.0.0.1:{port}/callback" in err


def test_redirect_port_in_use(cli, provider, user, memory_keyring, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        code, _, err = cli("login", str(provider.profile(tmp_path)), "--browser", "--redirect-port", str(port))
    assert code == 1 and f"cannot listen on 127.0.0.1:{port}" in err


def test_browser_login_times_out(cli, provider, user, memory_keyring, tmp_path):
    user("ignore")
    code, _, err = cli("login", str(provider.profile(tmp_path)), "--browser", "--timeout", "1")
    assert code == 1 and "no answer from the browser within 1 s" in err


def test_callback_with_wrong_state_is_ignored(cli, provider, user, memory_keyring, tmp_path, monkeypatch):
    """A forged or stale callback gets 400 and the login still completes with the real one."""
    from aistack.auth import browser

    statuses = []
    real_open = browser.open_url

    def open_twice(url, environ, platform):
        redirect = httpx.URL(url).params["redirect_uri"]

        def forged():
            statuses.append(httpx.get(redirect, params={"code": "forged", "state": "wrong"}).status_code)
            real_open(url, environ, platform)

        threading.Thread(target=forged, daemon=True).start()
        return True

    monkeypatch.setattr(browser, "open_url", open_twice)
    code, _, err = cli("login", str(provider.profile(tmp_path)), "--browser")
    assert code == 0, err
    assert statuses == [400]


def test_login_refuses_while_env_token_set(cli, provider, user, memory_keyring, tmp_path, monkeypatch):
    monkeypatch.setenv("AISTACK_TOKEN", "from-ci")
    code, _, err = cli("login", str(provider.profile(tmp_path)), "--device")
    assert code == 1 and "AISTACK_TOKEN is set" in err and "unset AISTACK_TOKEN" in err
    assert session_files() == []


def test_no_keyring_fails_before_any_flow(cli, provider, user, tmp_path):
    """conftest's default backend is keyring's fail backend: the headless-Linux situation."""
    code, _, err = cli("login", str(provider.profile(tmp_path)), "--device")
    assert code == 1
    assert "no secure OS keyring is available" in err and "--insecure-storage" in err
    assert "enter the code" not in err and not (tmp_path / "browser.log").exists()


def test_plaintext_keyring_backend_is_not_secure(cli, provider, user, tmp_path):
    import keyring
    from keyring.backends import fail
    from keyrings.alt.file import PlaintextKeyring

    keyring.set_keyring(PlaintextKeyring())
    try:
        code, _, err = cli("login", str(provider.profile(tmp_path)), "--device")
    finally:
        keyring.set_keyring(fail.Keyring())
    assert code == 1 and "keyrings.alt" in err and "plain file" in err and "--insecure-storage" in err


def test_insecure_storage_keeps_refresh_token_in_0600_file(cli, provider, user, tmp_path):
    code, _, err = cli("login", str(provider.profile(tmp_path)), "--device", "--insecure-storage")
    assert code == 0, err
    assert "insecure storage" in err
    session = read_session()
    assert session["storage"] == "file" and provider.refresh(session["refresh_token"]).status_code == 200
    assert stat.S_IMODE(session_files()[0].stat().st_mode) == 0o600
    code, out, _ = cli("status")
    assert code == 0 and "insecure storage" in out


def test_usage_errors(cli, provider, tmp_path):
    org = str(provider.profile(tmp_path))
    assert cli("login", org, "--device", "--browser")[0] == 2
    assert cli("login", org, "--org", str(tmp_path / "other.toml"))[0] == 2
    assert cli("login", org, "--device", "--redirect-port", "8080")[0] == 2
    code, _, err = cli("login")
    assert code == 2 and "no org profile yet" in err
