"""The loopback HTTP server the tests serve from (support.http), driven by a real HTTP client."""

from __future__ import annotations

import socket
import time
from email.utils import parsedate_to_datetime

import httpx

from support.http import TOKEN, Loopback, Reply, Routes

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_every_method_and_body_is_recorded(serve):
    srv = serve(lambda seen: Reply(201, {"got": seen.method}))
    with httpx.Client(base_url=srv.url, headers=AUTH) as client:
        assert client.post("/a?x=1&x=2&e=", json={"k": "v"}).json() == {"got": "POST"}
        client.put("/b", content=b"raw bytes")
        client.request("PATCH", "/c", data={"grant_type": "device_code", "scope": "openid"})
        client.delete("/d")
        head = client.head("/e")
        client.post("/f", content=iter([b"chunk", b"ed"]))  # no length: Transfer-Encoding: chunked
    post, put, patch, delete, _, chunked = srv.seen
    assert (post.method, post.path, post.target, post.query) == ("POST", "/a", "/a?x=1&x=2&e=",
                                                               {"x": ["1", "2"], "e": [""]})
    assert post.one("x") == "1" and post.json() == {"k": "v"} and post.headers["authorization"] == AUTH["Authorization"]
    assert (put.body, put.json()) == (b"raw bytes", None)
    assert patch.form() == {"grant_type": "device_code", "scope": "openid"} and delete.body == b""
    assert head.status_code == 201 and head.content == b""
    assert chunked.body == b"chunked" and [s.path for s in srv.hits("/f")] == ["/f"]


def test_the_token_is_wanted_unless_the_server_is_open(serve):
    guarded = serve(lambda seen: Reply(200, {}))
    assert httpx.get(guarded.url).status_code == 401
    assert httpx.get(guarded.url, headers={"Authorization": "Bearer other"}).status_code == 401
    assert httpx.get(guarded.url, headers=AUTH).status_code == 200
    keyed = serve(lambda seen: Reply(200, {}), header="X-Api-Key")
    assert httpx.get(keyed.url, headers={"X-Api-Key": TOKEN}).status_code == 200
    assert httpx.get(keyed.url, headers=AUTH).status_code == 401
    assert httpx.get(serve(lambda seen: Reply(204), token=None).url).status_code == 204


def test_routes_headers_and_faults(serve):
    routes = Routes({"/doc": {"a": 1}, "/page": Reply(200, "<html>", {"Content-Type": "text/html"})})
    srv = serve(routes, token=None)
    assert httpx.get(srv.url + "/doc").json() == {"a": 1}
    page = httpx.get(srv.url + "/page")
    assert (page.text, page.headers["content-type"]) == ("<html>", "text/html")
    assert httpx.get(srv.url + "/nope").status_code == 404
    routes["/nope"] = b"now"
    srv.fail("/nope", Reply(503, {}), Reply(502, {}))
    assert [httpx.get(srv.url + "/nope").status_code for _ in range(3)] == [503, 502, 200]


def test_a_broken_app_answers_500_with_its_traceback(serve):
    srv = serve(lambda seen: 1 / 0, token=None)
    answer = httpx.get(srv.url)
    assert answer.status_code == 500 and "ZeroDivisionError" in answer.json()["traceback"]


def test_delay_trickle_and_a_clock_set_ahead(serve):
    slow = serve(lambda seen: Reply(200, {"ok": True}, delay=0.3), token=None)
    started = time.monotonic()
    assert httpx.get(slow.url).json() == {"ok": True} and time.monotonic() - started >= 0.3
    trickling = serve(lambda seen: Reply(200, "abc", trickle=0.002), token=None)
    assert httpx.get(trickling.url).text == "abc"
    ahead = serve(lambda seen: Reply(200, {}), token=None, clock_offset=3600)
    skew = parsedate_to_datetime(httpx.get(ahead.url).headers["date"]).timestamp() - time.time()
    assert 3590 < skew < 3610


def test_close_cuts_kept_connections_too():
    srv = Loopback(lambda seen: Reply(200, {}), token=None)
    with httpx.Client() as client:
        assert client.get(srv.url).status_code == 200  # the connection stays open (HTTP/1.1)
        srv.close()
        try:
            client.get(srv.url)
            raise AssertionError("a closed server answered")
        except httpx.TransportError:
            pass
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", srv.port)) != 0
