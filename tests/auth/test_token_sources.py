"""Where a token comes from: AISTACK_TOKEN from CI wins; the snapshot `aistack run` exported never does (its
helpers must fetch a fresh token after a 401); a long-lived caller reuses a token only while it is fresh."""

from __future__ import annotations

import base64
import json
import subprocess
import threading

import pytest

from aistack.auth.accessor import TokenCache, fresh_until
from aistack.auth.fast import RUN_MARK, env_token, fingerprint
from aistack.errors import LoginNeeded
from support import aistack_cmd, subprocess_env
from support.oidc_peer import read_session


def test_env_token_unless_aistack_run_put_it_there():
    assert env_token({"AISTACK_TOKEN": " ci "}) == "ci"
    assert env_token({}) is None and env_token({"AISTACK_TOKEN": ""}) is None
    assert env_token({"AISTACK_TOKEN": "snap", RUN_MARK: fingerprint("snap")}) is None
    # The user exported another token inside a shell `aistack run` started: that one is theirs.
    assert env_token({"AISTACK_TOKEN": "mine", RUN_MARK: fingerprint("snap")}) == "mine"
    assert fingerprint("snap") != fingerprint("snap2") and "snap" not in fingerprint("snap")


def jwt(claims: dict) -> str:
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"eyJhbGciOiJSUzI1NiJ9.{body}.c2ln"


def test_fresh_until_a_quarter_lifetime_before_exp():
    assert fresh_until(jwt({"iat": 1000, "exp": 1020}), 1000) == 1015  # 20 s tokens: reused 15 s
    assert fresh_until(jwt({"iat": 1000, "exp": 4600}), 1000) == 1300  # an hour: asked again after 5 min
    assert fresh_until(jwt({"exp": 1300}), 1000) == 1240
    assert fresh_until("opaque-token", 1000) == 1030
    assert fresh_until(jwt({"iat": "x"}), 1000) == 1030


def test_token_cache_reuses_refetches_and_never_caches_a_failure():
    now = [1000.0]
    issued, gone = [], [False]

    def fetch():
        if gone[0]:
            raise LoginNeeded()
        issued.append(jwt({"iat": now[0], "exp": now[0] + 20, "n": len(issued)}))
        return issued[-1]

    cache = TokenCache(fetch, clock=lambda: now[0])
    first = cache.get()
    now[0] += 10
    assert cache.get() == first and cache.fetches == 1
    now[0] += 6  # within a quarter lifetime of exp
    second = cache.get()
    assert second != first and cache.fetches == 2
    cache.rejected(first)  # a stale rejection does not throw the current token away
    assert cache.get() == second
    gone[0] = True  # the login is revoked
    cache.rejected(second)
    with pytest.raises(LoginNeeded):
        cache.get()
    with pytest.raises(LoginNeeded):  # asked again each time, never answered from a cached failure
        cache.get()
    gone[0] = False  # `aistack login`
    assert cache.get() == issued[-1] and cache.fetches == 3


def test_token_cache_serves_concurrent_callers_from_one_fetch():
    gate = threading.Event()
    calls = []

    def fetch():
        calls.append(1)
        gate.wait(5)
        return "opaque"

    cache = TokenCache(fetch)
    got = []
    threads = [threading.Thread(target=lambda: got.append(cache.get())) for _ in range(8)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(10)
    assert got == ["opaque"] * 8 and len(calls) == 1


@pytest.mark.peer
def test_helpers_under_aistack_run_fetch_fresh_tokens(cli, provider, user, tmp_path):
    """The bug this fixes: every helper an assistant started by `aistack run` re-ran after a 401 got back the
    expired snapshot. Inside `aistack run`, the stored token is refreshed at the IdP; `aistack token` (and
    --headers-json) then hand out the new one, not AISTACK_TOKEN."""
    code, _, err = cli("login", str(provider.profile(tmp_path)), "--device", "--insecure-storage")
    assert code == 0, err
    aistack = " ".join(aistack_cmd())
    # Inside the child: expire the cached token (as time would), then ask aistack again.
    expire = ("import json,os,glob; p=glob.glob(os.environ['AISTACK_DATA_DIR']+'/auth/session-*.json')[0]; "
              "d=json.load(open(p)); d['expires_at']=0; json.dump(d,open(p,'w'))")
    script = (f'printf "%s\\n" "$AISTACK_TOKEN"; python3 -c "{expire}"; {aistack} token; '
              f'{aistack} token --headers-json')
    done = subprocess.run([*aistack_cmd(), "run", "sh", "-c", script], capture_output=True, text=True,
                          env=subprocess_env(), timeout=120)
    assert done.returncode == 0, done.stderr
    snapshot, fresh, headers = done.stdout.strip().splitlines()
    assert fresh != snapshot and fresh == read_session()["access_token"]
    assert fresh in headers and snapshot not in headers
    assert provider.userinfo(fresh).status_code == 200
    # A token CI put in AISTACK_TOKEN still wins, inside `aistack run` too.
    done = subprocess.run([*aistack_cmd(), "run", "sh", "-c", f"{aistack} token"], capture_output=True, text=True,
                          env=subprocess_env(AISTACK_TOKEN="ci-token"), timeout=60)
    assert done.stdout.strip() == "ci-token"
