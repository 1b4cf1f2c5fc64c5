"""Many `aistack token` processes at once, across an access-token expiry, against rotating refresh tokens.

oidc-provider rotates refresh tokens and revokes the whole grant when a spent one is replayed, so any two
processes refreshing with the same token would log the user out: the file lock and re-read prevent it.
"""

from __future__ import annotations

import subprocess
import time

import pytest

from support import aistack_cmd, subprocess_env
from support.oidc_peer import read_session, start_provider

pytestmark = pytest.mark.peer
N = 20


@pytest.fixture
def idp():
    yield from start_provider(interval=1, accessTokenTTL=2, clockTolerance=0)


def run_many(env) -> list[subprocess.CompletedProcess]:
    procs = [subprocess.Popen([*aistack_cmd(), "token"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env) for _ in range(N)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return results


def test_concurrent_token_calls_across_expiry_keep_the_user_logged_in(cli, idp, user, tmp_path):
    assert cli("login", str(idp.profile(tmp_path)), "--device", "--insecure-storage")[0] == 0
    first = read_session()["access_token"]
    time.sleep(2.5)
    assert idp.userinfo(first).status_code == 401  # really expired at the IdP
    env = subprocess_env()

    # Every process finds the token expired; one refreshes, the others wait on the lock and re-read its result.
    idp.test_route("config", access_ttl=600)
    before = idp.test_route("stats")
    results = run_many(env)
    assert [r.returncode for r in results] == [0] * N, [r.stderr for r in results if r.returncode]
    tokens = {r.stdout.strip() for r in results}
    assert all(idp.userinfo(t).status_code == 200 for t in tokens)
    after = idp.test_route("stats")
    assert after["refresh_token"] - before["refresh_token"] == 1 and len(tokens) == 1
    assert after["token_errors"] == before["token_errors"]  # no replay, no revoked grant
    # Still logged in: the rotated refresh token works.
    assert idp.refresh(read_session()["refresh_token"]).status_code == 200
