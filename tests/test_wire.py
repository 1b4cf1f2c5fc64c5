"""aistack.wire, the rules every HTTP client follows, against a real server on 127.0.0.1."""

from __future__ import annotations

import httpx
import pytest

from aistack import wire
from support.http import Reply


def test_a_body_over_the_limit_is_refused(serve):
    srv = serve(lambda seen: Reply(200, "x" * 5000), token=None)
    with wire.client(httpx) as client:
        assert wire.fetch(client, "GET", srv.url + "/a", max_bytes=5000).text == "x" * 5000
        with pytest.raises(wire.TooLarge):
            wire.fetch(client, "GET", srv.url + "/a", max_bytes=4999)


def test_redirect_loops_and_userinfo_in_a_location_are_refused(serve):
    srv = serve(lambda seen: Reply(302, "", headers={"Location": "/again"}), token=None)
    with wire.client(httpx) as client:
        with pytest.raises(wire.RedirectRefused, match="more than 5 times"):
            wire.fetch(client, "GET", srv.url + "/start")
    assert len(srv.seen) == wire.MAX_REDIRECTS + 1
    sneaky = serve(lambda seen: Reply(302, "", headers={"Location": srv.url.replace("://", "://u:p@") + "/x"}),
                   token=None)
    with wire.client(httpx) as client, pytest.raises(wire.RedirectRefused) as e:
        wire.fetch(client, "GET", sneaky.url + "/start")
    assert "u:p" not in e.value.message


def test_a_redirect_to_https_on_the_same_host_is_another_origin():
    assert not wire.same_origin("http://127.0.0.1/a", "https://127.0.0.1/a")
    assert wire.same_origin("https://Example.com/a", "https://example.com:443/b")
    assert not wire.same_origin("https://example.com/", "https://example.com:8443/")


def test_loads_never_raises_anything_but_value_error():
    assert wire.loads('{"a": NaN, "b": Infinity, "c": -Infinity, "d": 1e400, "e": 1.5}') == {
        "a": None, "b": None, "c": None, "d": None, "e": 1.5}
    for text in ("[" * 100_000, "{" * 50_000, '{"a": ' * 50_000):
        with pytest.raises(ValueError):
            wire.loads(text)


def test_scrub_takes_every_form_of_the_secret_out():
    import json
    from urllib.parse import quote

    secret = 'tok/with+odd=chars"1234'
    text = f"a {secret} b {quote(secret, safe='')} c {json.dumps(secret)[1:-1]} d"
    assert wire.scrub(text, [secret]) == "a [redacted] b [redacted] c [redacted] d"
    assert wire.scrub("short abc", ["abc"]) == "short abc"  # too short to be a token: left alone
    assert wire.scrub("x secret-token-1 y", [None, "secret-token-1"]) == "x [redacted] y"
