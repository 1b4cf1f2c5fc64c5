"""`aistack login` against an identity provider on 127.0.0.1 that answers a byte at a time: every read returns
quickly, so only a deadline on the whole answer ends the wait."""

from __future__ import annotations

import time

import pytest

from support.http import Reply

pytestmark = pytest.mark.peer


def test_a_trickling_idp_is_cut_off_at_the_response_deadline(cli, tmp_path, serve, monkeypatch):
    monkeypatch.setattr("aistack.auth.http.RESPONSE_TIME", 1.5, raising=False)
    idp = serve(lambda seen: Reply(200, {"issuer": "x", "padding": "." * 400}, trickle=0.05), token=None)
    org = tmp_path / "org.toml"
    org.write_text(f'schema = 1\n[org]\nname = "Acme"\n[auth]\nissuer = "{idp.url}"\nclient_id = "aistack-cli"\n')
    started = time.monotonic()
    code, _, err = cli("login", "--org", str(org), "--device", "--insecure-storage")
    took = time.monotonic() - started
    assert code == 1 and "did not send its whole answer within 2 s (OpenID discovery)" in err, err
    assert took < 6, took
