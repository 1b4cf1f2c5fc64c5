"""No token ever shows up in an error, a message or --debug output: only `token`/`env` stdout carries one."""

from __future__ import annotations

import json
import time

import pytest

from support.oidc_peer import read_session, session_files

pytestmark = pytest.mark.peer


def test_no_secret_in_messages_or_debug_output(cli, provider, user, memory_keyring, tmp_path, monkeypatch):
    provider.test_route("config", access_ttl=30)  # every token call refreshes: more traffic to inspect
    try:
        seen: list[str] = []
        secrets: set[str] = set()

        def run(*args, stdout_is_data=False):
            code, out, err = cli("--debug", *args)
            seen.append(err)
            if not stdout_is_data:
                seen.append(out)
            session = session_files() and read_session()
            if session:
                secrets.add(session["access_token"])
                secrets.update(v for v in [session.get("refresh_token")] if v)
            secrets.update(memory_keyring.entries.values())
            return code, out, err

        org = str(provider.profile(tmp_path))
        code, _, err = run("login", org, "--browser")
        assert code == 0 and "debug: POST" in err and "debug: GET" in err  # --debug really logs the HTTP calls
        user("approve", "bob")
        assert run("login", org, "--device")[0] == 0
        for _ in range(2):
            code, out, _ = run("token", stdout_is_data=True)
            secrets.add(out.strip())
        run("status")
        run("status", "--json")
        run("token", "--headers-json", stdout_is_data=True)
        run("env", stdout_is_data=True)
        # The refresh token is revoked behind aistack's back: the failure message must not quote it.
        [refresh] = memory_keyring.entries.values()
        assert provider.refresh(refresh).status_code == 200  # spends it; the grant lives on with a new one
        session = read_session()
        session["expires_at"] = time.time() - 1
        session_files()[0].write_text(json.dumps(session))
        code, _, err = run("token")
        assert code == 4 and "aistack login" in err
        assert run("login", org, "--device")[0] == 0
        code, _, err = run("logout")
        assert "Revoked" in err
        assert len(secrets) >= 5
        text = "\n".join(seen)
        leaked = [s[:8] + "..." for s in secrets if s and s in text]
        assert leaked == []
    finally:
        provider.test_route("config", access_ttl=600)
