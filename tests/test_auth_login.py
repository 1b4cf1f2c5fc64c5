"""`aistack login` against a real OpenID provider: device flow and browser (code + PKCE) flow."""

from __future__ import annotations

import json
import os
import stat

import pytest

from oidc_peer import provider, read_session, session_files, user  # noqa: F401  (fixtures)

pytestmark = pytest.mark.peer


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
    assert provider.userinfo(session["access_token"]).json()["email"] == "alice@example.com"
    path = session_files()[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    # Polling stopped at the first success: the refresh token still works (a second poll would revoke it).
    assert provider.refresh(refresh).status_code == 200


def test_headless_session_picks_device_flow(cli, provider, user, memory_keyring, tmp_path):
    """No DISPLAY (conftest clears it) and no BROWSER: device flow, code printed, no browser tried."""
    os.environ.pop("BROWSER")
    org = provider.profile(tmp_path)
    code, _, err = cli("login", str(org), "--timeout", "1")
    # Nobody approves: the provider's device code stays pending until we give up via its expiry below.
    assert "enter the code" in err
