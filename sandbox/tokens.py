"""Validates the sandbox IdP's JWT access tokens offline: signature against its JWKS, issuer, audience, expiry.

The gateway's auth hook, its usage API and the MCP server all use this; none of them calls the IdP
per request (only to fetch the JWKS once, and again when a token names a key not seen yet).
"""

from __future__ import annotations

import threading
import time

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

LEEWAY = 30  # seconds of clock skew tolerated on exp/iat


class InvalidToken(Exception):
    """The token is not one this org issued for this audience, or it has expired."""


class Verifier:
    def __init__(self, issuer: str, audience: str, clock=time.time):
        self.issuer = issuer.rstrip("/")
        self.audience = audience
        self.clock = clock
        self._keys: KeySet | None = None
        self._fetched = 0.0
        self._lock = threading.Lock()

    def keys(self) -> KeySet:
        return self._jwks()

    def _jwks(self, refresh: bool = False) -> KeySet:
        with self._lock:
            # A refetch at most every 10 s: a flood of tokens with unknown key ids must not hammer the IdP.
            if self._keys is None or (refresh and time.monotonic() - self._fetched > 10):
                meta = httpx.get(f"{self.issuer}/.well-known/openid-configuration", timeout=10).json()
                self._keys = KeySet.import_key_set(httpx.get(meta["jwks_uri"], timeout=10).json())
                self._fetched = time.monotonic()
            return self._keys

    def verify(self, token: str | None) -> dict:
        """The token's claims, or InvalidToken saying why not."""
        if not token:
            raise InvalidToken("no token")
        if token.lower().startswith("bearer "):
            token = token[7:].strip()
        if token.count(".") != 2:
            raise InvalidToken("not a JWT")
        try:
            try:
                decoded = jwt.decode(token, self._jwks(), algorithms=["RS256", "PS256", "ES256", "EdDSA"])
            except JoseError as e:
                if "kid" not in str(e).lower() and "key" not in str(e).lower():
                    raise
                decoded = jwt.decode(token, self._jwks(refresh=True), algorithms=["RS256", "PS256", "ES256", "EdDSA"])
            registry = jwt.JWTClaimsRegistry(
                now=lambda: int(self.clock()),
                leeway=LEEWAY,
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.audience},
                exp={"essential": True},
                sub={"essential": True},
            )
            registry.validate(decoded.claims)
        except (JoseError, ValueError) as e:
            raise InvalidToken(f"{e.__class__.__name__}: {e}") from None
        except httpx.HTTPError as e:
            raise InvalidToken(f"the IdP's keys could not be fetched ({e.__class__.__name__})") from None
        return dict(decoded.claims)
