"""Pure parts of login: ID token checks (with keys made here) and the choice of flow."""

from __future__ import annotations

import time

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, OctKey, RSAKey

from aistack.auth import browser, idtoken
from aistack.auth.discovery import Metadata
from aistack.auth.login import choose_flow
from aistack.errors import AistackError
from aistack.paths import Env

ISSUER, CLIENT = "https://idp.example.com", "aistack-cli"


@pytest.fixture(scope="module")
def keys():
    key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    other = ECKey.generate_key("P-256", parameters={"kid": "k2"})
    return key, other, KeySet([key]).as_dict()


def make(key, **claims):
    now = int(time.time())
    body = {"iss": ISSUER, "aud": CLIENT, "sub": "alice", "iat": now, "exp": now + 300, **claims}
    body = {k: v for k, v in body.items() if v is not None}
    alg = "RS256" if isinstance(key, RSAKey) else "ES256" if isinstance(key, ECKey) else "HS256"
    return jwt.encode({"alg": alg, "kid": key.kid}, body, key)


def check(token, jwks, nonce=None):
    return idtoken.validate(token, jwks, issuer=ISSUER, client_id=CLIENT, nonce=nonce)


def test_valid_token(keys):
    key, _, jwks = keys
    claims = check(make(key, nonce="n1", email="a@example.com"), jwks, nonce="n1")
    assert idtoken.identity(claims) == {"sub": "alice", "email": "a@example.com"}


@pytest.mark.parametrize("change, words", [
    ({"iss": "https://evil.example.com"}, "issued by 'https://evil.example.com'"),
    ({"aud": "someone-else"}, "does not include the client id"),
    ({"aud": [CLIENT, "api"], "azp": "api"}, "authorized party"),
    ({"sub": None}, "no subject"),
    ({"exp": None}, "no expiry"),
])
def test_claim_checks(keys, change, words):
    key, _, jwks = keys
    with pytest.raises(AistackError, match="the ID token from https://idp.example.com is not valid") as info:
        check(make(key, **change), jwks)
    assert words in info.value.message


def test_nonce_mismatch(keys):
    key, _, jwks = keys
    with pytest.raises(AistackError, match="nonce does not match"):
        check(make(key, nonce="other"), jwks, nonce="mine")


def test_signature_by_unknown_key_or_tampered(keys):
    key, other, jwks = keys
    with pytest.raises(AistackError, match="signature check"):
        check(make(other), jwks)
    header, payload, signature = make(key).split(".")
    forged = make(key, sub="mallory").split(".")[1]
    with pytest.raises(AistackError, match="signature check"):
        check(".".join([header, forged, signature]), jwks)


def test_symmetric_or_unsigned_tokens_are_refused(keys):
    _, _, jwks = keys
    secret = OctKey.generate_key(256, parameters={"kid": "k1"})
    with pytest.raises(AistackError, match="signature check"):
        check(make(secret), {"keys": [*jwks["keys"], secret.as_dict()]})
    unsigned = "eyJhbGciOiJub25lIn0." + make(keys[0]).split(".")[1] + "."
    with pytest.raises(AistackError):
        check(unsigned, jwks)


def test_the_token_never_appears_in_the_error(keys):
    key, other, jwks = keys
    token = make(other)
    with pytest.raises(AistackError) as info:
        check(token, jwks)
    assert token not in str(info.value) and token not in (info.value.hint or "")


@pytest.mark.parametrize("environ, platform, expected", [
    ({}, "linux", False),
    ({"DISPLAY": ":0"}, "linux", True),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
    ({"DISPLAY": ":0", "SSH_CONNECTION": "1 2 3 4"}, "linux", False),
    ({"SSH_TTY": "/dev/pts/1"}, "darwin", False),
    ({"CODESPACES": "true"}, "win32", False),
    ({}, "darwin", True),
    ({}, "win32", True),
    ({"BROWSER": "w3m"}, "linux", True),
])
def test_can_open_browser(environ, platform, expected):
    assert browser.can_open(environ, platform) is expected


def meta(device=True, code=True):
    return Metadata(issuer=ISSUER, token_endpoint=ISSUER + "/token", jwks_uri=ISSUER + "/jwks",
                    authorization_endpoint=ISSUER + "/auth" if code else None,
                    device_authorization_endpoint=ISSUER + "/device" if device else None)


def test_choose_flow():
    desktop = Env(home="/h", environ={"DISPLAY": ":0"}, platform="linux")
    headless = Env(home="/h", environ={}, platform="linux")
    assert choose_flow(meta(), None, desktop) == "browser"
    assert choose_flow(meta(), None, headless) == "device"
    assert choose_flow(meta(device=False), None, headless) == "browser"  # the URL is printed; no other way
    assert choose_flow(meta(code=False), None, desktop) == "device"
    assert choose_flow(meta(), "device", desktop) == "device"
    assert choose_flow(meta(), "browser", headless) == "browser"
    with pytest.raises(AistackError, match="no device authorization endpoint"):
        choose_flow(meta(device=False), "device", desktop)
    with pytest.raises(AistackError, match="no authorization endpoint"):
        choose_flow(meta(code=False), "browser", desktop)
