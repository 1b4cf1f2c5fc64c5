"""The HTTP layer against a loopback server: retries, Retry-After, timeouts, errors, the bounded page pool.
Waits are shrunk with HttpConfig.time_scale; the clock is real."""

import threading
import time

import pytest

from aistack.errors import AistackError
from aistack.usage.http import Http, HttpConfig, HttpError, retry_after_seconds
from support.http import TOKEN, Reply

pytestmark = pytest.mark.peer
FAST = HttpConfig(timeout=2, retries=3, backoff=0.5, time_scale=0.001, workers=3)
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def ok_app(seen):
    return Reply(200, {"page": seen.one("page")})


def test_retry_after_is_honoured(serve):
    srv = serve(ok_app)
    srv.fail("/x", Reply(429, {"error": {"message": "slow down"}}, {"Retry-After": "3"}))
    cfg = HttpConfig(retries=2, backoff=0.01, time_scale=0.02)  # Retry-After 3 s -> 60 ms; backoff alone 0.2 ms
    with Http(AUTH, cfg) as http:
        assert http.get_json(f"{srv.url}/x") == {"page": None}
    first, second = srv.hits("/x")
    assert second.at - first.at >= 0.06


def test_5xx_then_success_is_retried(serve):
    srv = serve(ok_app)
    srv.fail("/x", Reply(500, "oops"), Reply(503, {"error": "busy"}))
    with Http(AUTH, FAST) as http:
        assert http.get_json(f"{srv.url}/x", {"page": 4}) == {"page": "4"}
        assert http.retried == 2
    assert len(srv.hits("/x")) == 3


def test_5xx_forever_gives_up_with_the_url(serve):
    srv = serve(lambda s: Reply(502, {"error": {"message": "bad gateway"}}))
    with Http(AUTH, FAST) as http, pytest.raises(HttpError) as e:
        http.get_json(f"{srv.url}/x")
    assert "HTTP 502: bad gateway" in e.value.message and "after 4 attempts" in e.value.message
    assert len(srv.hits("/x")) == 4


def test_retry_after_beyond_max_wait_is_not_waited_for(serve):
    srv = serve(lambda s: Reply(429, {}, {"Retry-After": "3600"}))
    with Http(AUTH, HttpConfig(max_wait=60)) as http, pytest.raises(HttpError, match="retry in 3600s"):
        http.get_json(f"{srv.url}/x")
    assert len(srv.hits("/x")) == 1


def test_timeout(serve):
    srv = serve(lambda s: Reply(200, {}, delay=1.5))
    cfg = HttpConfig(timeout=0.2, retries=1, time_scale=0.001)
    started = time.monotonic()
    with Http(AUTH, cfg) as http, pytest.raises(HttpError, match="no answer within 0.2s"):
        http.get_json(f"{srv.url}/x")
    assert time.monotonic() - started < 1.4


def test_401_means_login_needed(serve):
    srv = serve(ok_app)
    with Http({"Authorization": "Bearer expired"}, FAST) as http, pytest.raises(HttpError) as e:
        http.get_json(f"{srv.url}/x")
    assert e.value.exit_code == 4 and "aistack login" in e.value.hint
    assert len(srv.hits("/x")) == 1  # a 401 is not retried


def test_403_names_the_url_and_is_not_retried(serve):
    srv = serve(lambda s: Reply(403, {"error": {"message": "team only"}}))
    with Http(AUTH, FAST) as http, pytest.raises(HttpError) as e:
        http.get_json(f"{srv.url}/spend")
    assert e.value.status == 403 and "/spend answered HTTP 403: team only" in e.value.message
    assert e.value.exit_code == 1 and len(srv.hits("/spend")) == 1


def test_malformed_json(serve):
    srv = serve(lambda s: Reply(200, "<html>login page</html>"))
    with Http(AUTH, FAST) as http, pytest.raises(HttpError, match="not JSON.*login page"):
        http.get_json(f"{srv.url}/x")


def test_retry_after_http_date():
    assert retry_after_seconds("Thu, 01 Jan 2026 00:00:10 GMT", now=1767225600.0) == 10
    assert retry_after_seconds("soon") is None and retry_after_seconds("2") == 2


def test_pages_are_bounded_concurrent_and_in_order(serve):
    lock = threading.Lock()
    state = {"now": 0, "max": 0}

    def slow(seen):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        return Reply(200, {"page": int(seen.one("page"))})

    srv = serve(slow)
    with Http(AUTH, FAST) as http:
        got = [(n, r["page"]) for n, r in http.pages(lambda n: http.get_json(f"{srv.url}/p", {"page": n}), range(1, 13))]
    assert got == [(n, n) for n in range(1, 13)]
    assert 1 < state["max"] <= 3
    assert sorted(int(s.one("page")) for s in srv.hits("/p")) == list(range(1, 13))  # each page once


def test_a_failed_page_is_yielded_as_its_error(serve):
    srv = serve(lambda s: Reply(500 if s.one("page") == "2" else 200, {"page": s.one("page")}))
    with Http(AUTH, FAST) as http:
        got = dict(http.pages(lambda n: http.get_json(f"{srv.url}/p", {"page": n}), range(1, 4)))
    assert isinstance(got[2], AistackError) and got[1] == {"page": "1"} and got[3] == {"page": "3"}
