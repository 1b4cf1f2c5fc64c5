"""ID token validation: signature against the IdP's JWKS, then iss, aud/azp, exp, iat and nonce."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any

from aistack.auth.http import Http, json_body
from aistack.errors import AistackError

# Asymmetric algorithms only: a public client has no shared secret, and "none" is never acceptable.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
LEEWAY = 120  # seconds of clock difference tolerated between this computer and the IdP
CLOCK_HINT = "Set this computer's clock (enable NTP / automatic time), then run `aistack login` again."


def _now() -> float:
    return time.time()


def _utc(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def fetch_jwks(http: Http, jwks_uri: str) -> dict[str, Any]:
    response = http.get(jwks_uri, "fetching the IdP's signing keys")
    body = json_body(response) if response.status_code == 200 else None
    if not body or not isinstance(body.get("keys"), list):
        raise AistackError(f"{jwks_uri} did not return a JSON Web Key Set (HTTP {response.status_code}).",
                           hint="Check the IdP's `jwks_uri` with your platform team.")
    return body


def validate(id_token: str, jwks: dict[str, Any], *, issuer: str, client_id: str,
             nonce: str | None = None) -> dict[str, Any]:
    """The verified claims; AistackError naming the failed check otherwise (never the token)."""
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    def bad(reason: str, hint: str | None = None) -> AistackError:
        return AistackError(f"the ID token from {issuer} is not valid: {reason}.",
                            hint=hint or "Try `aistack login` again; if it persists, tell your platform team.")

    try:
        keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]  # checked by joserfc itself
        token = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
    except JoseError as e:
        raise bad(f"signature check against the IdP's keys failed ({e.__class__.__name__})") from None
    except ValueError as e:
        raise bad(f"it cannot be decoded ({e.__class__.__name__})") from None
    claims = token.claims
    if str(claims.get("iss", "")).rstrip("/") != issuer.rstrip("/"):
        raise bad(f"it was issued by {claims.get('iss')!r}, not {issuer!r}")
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    if client_id not in audiences:
        raise bad(f"its audience {aud!r} does not include the client id {client_id!r}")
    if len(audiences) > 1 and claims.get("azp", client_id) != client_id:
        raise bad(f"its authorized party {claims.get('azp')!r} is not {client_id!r}")
    if nonce is not None and claims.get("nonce") != nonce:
        raise bad("its nonce does not match the one aistack sent (a replayed or substituted response)")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise bad("it has no subject (`sub`)")
    now = _now()
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, (int, float)):
        raise bad("it has no expiry (`exp`)")
    if exp < now - LEEWAY:
        raise bad(f"it expired at {_utc(exp)} but this computer's clock says {_utc(now)}; the clock is probably "
                  "wrong (or the IdP's is)", CLOCK_HINT)
    if isinstance(iat, (int, float)) and iat > now + LEEWAY:
        raise bad(f"it was issued at {_utc(iat)}, in the future for this computer's clock ({_utc(now)}); the clock "
                  "is probably wrong", CLOCK_HINT)
    return claims


def identity(claims: dict[str, Any]) -> dict[str, str]:
    """What `status` shows about the user: never the token itself."""
    keep = ("sub", "email", "name", "preferred_username")
    return {k: claims[k] for k in keep if isinstance(claims.get(k), str)}
