"""The device-flow polling rules of RFC 8628 that oidc-provider never exercises (it sends no slow_down and no
interval): a small scripted token endpoint on 127.0.0.1 answers in a fixed order, and sleeps are recorded
instead of slept, so the intervals can be checked exactly."""

from __future__ import annotations

import pytest

from aistack.auth import device
from aistack.auth.discovery import Metadata
from aistack.auth.http import Http
from aistack.errors import AistackError
from support.http import Reply, Seen


class Scripted:
    """The IdP's answers in a fixed order (`answers`: (status, body), popped per request; a 500 once they run out);
    `requests` are the forms it was sent, `meta` its discovery metadata."""

    def __init__(self, serve):
        self.answers: list[tuple[int, dict]] = []
        self.server = serve(self.answer, token=None)
        base = self.server.url
        self.meta = Metadata(issuer=base, token_endpoint=base + "/token", jwks_uri=base + "/jwks",
                             device_authorization_endpoint=base + "/device/auth")

    def answer(self, seen: Seen) -> Reply:
        return Reply(*self.answers.pop(0)) if self.answers else Reply(500, {"error": "server_error"})

    @property
    def requests(self) -> list[dict[str, str]]:
        return [s.form() for s in self.server.seen]


@pytest.fixture
def idp(serve):
    return Scripted(serve)


PENDING = (400, {"error": "authorization_pending"})
SLOW = (400, {"error": "slow_down"})
TOKENS = (200, {"access_token": "at", "token_type": "Bearer", "expires_in": 60})


def run(idp, answers):
    """Start a device login (no interval offered) and poll through `answers`; returns (result, sleeps)."""
    idp.answers[:] = [(200, {"device_code": "dc", "user_code": "ABCD-EFGH",
                             "verification_uri": idp.meta.issuer + "/device", "expires_in": 600})] + answers
    slept: list[float] = []
    clock = {"t": 0.0}

    def sleep(seconds):
        slept.append(seconds)
        clock["t"] += seconds

    with Http() as http:
        da = device.start(http, idp.meta, "aistack-cli", "openid", None)
        try:
            result = device.poll(http, idp.meta, "aistack-cli", da, sleep=sleep, clock=lambda: clock["t"])
        except AistackError as e:
            result = e
    return result, slept


def test_default_interval_and_slow_down_adds_five_seconds_for_good(idp):
    result, slept = run(idp, [PENDING, SLOW, PENDING, SLOW, TOKENS])
    assert result["access_token"] == "at"
    assert slept == [5, 5, 10, 10, 15]  # no interval sent: 5 s; each slow_down: +5 s for all later polls
    polls = [r for r in idp.requests if r.get("grant_type") == device.GRANT]
    assert len(polls) == 5 and idp.answers == []  # nothing polled after the success


def test_interval_from_idp_is_honoured(idp):
    idp.answers[:] = [(200, {"device_code": "dc", "user_code": "U", "verification_uri": "https://x/device",
                             "expires_in": 600, "interval": 3}), PENDING, TOKENS]
    slept = []
    with Http() as http:
        da = device.start(http, idp.meta, "aistack-cli", "openid", None)
        device.poll(http, idp.meta, "aistack-cli", da, sleep=slept.append, clock=lambda: 0.0)
    assert slept == [3, 3]
    assert idp.requests[0] == {"client_id": "aistack-cli", "scope": "openid"}


@pytest.mark.parametrize("error, words", [
    ("access_denied", "the sign-in was denied"),
    ("expired_token", "the sign-in code expired before it was approved"),
    ("invalid_grant", "the device login stopped"),
])
def test_terminal_errors_stop_polling(idp, error, words):
    result, slept = run(idp, [PENDING, (400, {"error": error}), TOKENS])
    assert isinstance(result, AistackError) and words in result.message
    assert len(slept) == 2 and len(idp.answers) == 1  # stopped: the success behind it was never fetched


def test_client_side_deadline(idp):
    idp.answers[:] = [(200, {"device_code": "dc", "user_code": "U", "verification_uri": "https://x/device",
                             "expires_in": 12, "interval": 5})] + [PENDING] * 10
    clock = {"t": 0.0}

    def sleep(seconds):
        clock["t"] += seconds

    with Http() as http:
        da = device.start(http, idp.meta, "aistack-cli", "openid", None)
        with pytest.raises(AistackError, match="expired before it was approved"):
            device.poll(http, idp.meta, "aistack-cli", da, sleep=sleep, clock=lambda: clock["t"])
    assert len([r for r in idp.requests if "device_code" in r]) == 3


def test_unregistered_client_at_device_endpoint(idp):
    idp.answers[:] = [(401, {"error": "invalid_client", "error_description": "client is invalid"})]
    with Http() as http, pytest.raises(AistackError) as info:
        device.start(http, idp.meta, "nobody", "openid", None)
    assert "does not accept the client id `nobody`" in info.value.message
    assert "client is invalid" in info.value.message


def test_network_hiccups_are_retried_then_reported(idp):
    """The IdP goes away mid-login: a few failed polls are tolerated, then the error names the host."""
    idp.answers[:] = [(200, {"device_code": "dc", "user_code": "U", "verification_uri": "https://x/device",
                             "expires_in": 600, "interval": 1})]
    slept = []
    with Http(timeout=2) as http:
        da = device.start(http, idp.meta, "aistack-cli", "openid", None)
        idp.server.close()
        with pytest.raises(AistackError, match=r"cannot reach the identity provider at http://127\.0\.0\.1:\d+"):
            device.poll(http, idp.meta, "aistack-cli", da, sleep=slept.append, clock=lambda: 0.0)
    assert len(slept) == device.MAX_TRANSIENT + 1
