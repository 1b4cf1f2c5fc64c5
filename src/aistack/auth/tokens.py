"""Token endpoint calls, and a valid access token on demand: refresh under a cross-process lock.

Refresh tokens rotate and most IdPs revoke the whole grant when a used one is replayed, so only one
process refreshes at a time and every process re-reads the session after taking the lock: the second
of two concurrent `aistack token` calls finds the first one's fresh token instead of replaying.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aistack.auth import fast, store
from aistack.auth.http import Http, json_body, oauth_error
from aistack.errors import AistackError, ExitCode, LoginNeeded
from aistack.paths import Env
from aistack.profile import Profile

if TYPE_CHECKING:
    from aistack.auth.keystore import Keystore

DEFAULT_TTL = 300  # seconds, for an IdP that omits expires_in and issues opaque tokens
LOGIN_HINT = "Run `aistack login`."


class TokenError(AistackError):
    """An OAuth error answer from the token endpoint; `error` is its code."""

    def __init__(self, error: str, message: str, hint: str | None = None, exit_code: int = ExitCode.PROBLEM):
        super().__init__(message, hint, exit_code)
        self.error = error


REQUESTED_AT = "_requested_at"  # added to a token response: when the request that got it was sent


def token_request(http: Http, endpoint: str, data: dict[str, str], what: str) -> dict[str, Any]:
    sent = time.time()
    response = http.post(endpoint, what, data)
    body = json_body(response)
    if response.status_code == 200 and body and isinstance(body.get("access_token"), str):
        body[REQUESTED_AT] = sent
        return body
    error, description = oauth_error(response)
    detail = f"{error}: {description}" if description else error
    if error == "invalid_client" or (response.status_code == 401 and not error):
        raise TokenError("invalid_client", f"the IdP does not accept the client id `{data.get('client_id')}` "
                         f"({what}: {detail or 'HTTP 401'}).",
                         hint="Ask your platform team to register aistack as a public client (see the README: "
                              "IdP client registration), or check `auth.client_id` in the org profile.")
    if error == "unauthorized_client":
        raise TokenError(error, f"the IdP does not allow this client to use this grant ({what}: {detail}).",
                         hint="Ask your platform team to enable the grant types listed in the README.")
    if not error:
        raise TokenError("", f"the IdP answered HTTP {response.status_code} without an OAuth error ({what}).",
                         hint="Try again later; if it persists, tell your platform team.")
    raise TokenError(error, f"the IdP refused the request ({what}): {detail}.")


def expires_at(body: dict[str, Any]) -> float:
    """Anchored at the time just before the request, so network delay shortens rather than extends it."""
    started = body.get(REQUESTED_AT) or time.time()
    value = body.get("expires_in")
    try:
        ttl = float(value) if value is not None else DEFAULT_TTL
    except (TypeError, ValueError):
        ttl = DEFAULT_TTL
    return started + max(0.0, ttl)


def session_for(profile: Profile, env: Env) -> tuple[Path, dict[str, Any] | None]:
    auth = profile.auth
    if auth is None:
        raise AistackError(f"the org profile {profile.source} has no [auth] section, so there is nothing to log in to.",
                           hint="Ask your platform team for a profile with `auth.issuer` and `auth.client_id`.")
    path = store.session_path(env, auth.issuer, auth.client_id)
    return path, store.load(path)


def _issuer(profile: Profile) -> str:
    assert profile.auth is not None  # session_for() refused a profile without [auth]
    return profile.auth.issuer


def _keys(data: dict[str, Any]) -> Keystore | None:
    if data.get("storage") != "keyring":
        return None
    from aistack.auth.keystore import Keystore

    return Keystore()


def access_token(profile: Profile, env: Env, *, debug: bool = False) -> str:
    """A token valid for more than REFRESH_MARGIN seconds, refreshing it if needed; LoginNeeded (exit 4) otherwise."""
    path, data = session_for(profile, env)
    if data is None:
        raise LoginNeeded(f"not logged in to {profile.org_name} ({_issuer(profile)}).", LOGIN_HINT)
    token = fast.cached_token(data, data["issuer"], data["client_id"], time.time())
    if token:
        return token
    from aistack.engine.files import file_lock

    with file_lock(path, timeout=60):
        data = store.load(path)  # another process may have refreshed while this one waited
        if data is None:
            raise LoginNeeded(f"not logged in to {profile.org_name} ({_issuer(profile)}).", LOGIN_HINT)
        token = fast.cached_token(data, data["issuer"], data["client_id"], time.time())
        if token:
            return token
        return _refresh(path, data, profile, debug)


def _refresh(path: Path, data: dict[str, Any], profile: Profile, debug: bool) -> str:
    keys = _keys(data)
    refresh = store.get_refresh_token(data, keys)
    if refresh is None:
        raise LoginNeeded(f"your session with {data['issuer']} has expired and no refresh token is stored.",
                          LOGIN_HINT)
    form = {"grant_type": "refresh_token", "refresh_token": refresh, "client_id": data["client_id"]}
    try:
        with Http(debug=debug) as http:
            body = token_request(http, data["endpoints"]["token"], form, "refreshing the access token")
    except TokenError as e:
        if e.error in ("invalid_grant", "invalid_client", "unauthorized_client"):
            # The grant is gone (revoked, expired, replayed): drop the dead credentials, keep nothing stale.
            store.delete(path, data, keys)
            raise LoginNeeded(f"the IdP {data['issuer']} no longer accepts your refresh token ({e.error}); "
                              "it was revoked or has expired.", "Run `aistack login` again.") from None
        raise
    except AistackError as e:
        cached = data.get("access_token")
        left = data.get("expires_at", 0) - time.time()
        if isinstance(cached, str) and left > 5:
            sys.stderr.write(f"warning: could not refresh the access token ({e.message}); using the cached one, "
                             f"valid for {left:.0f} s more.\n")
            return cached
        raise
    rotated = body.get("refresh_token")
    if isinstance(rotated, str) and rotated and rotated != refresh:
        store.put_refresh_token(data, rotated, keys)  # keyring first: the old one is already spent
        data["has_refresh_token"] = True
    data["access_token"] = body["access_token"]
    data["expires_at"] = expires_at(body)
    data["refreshed_at"] = body[REQUESTED_AT]
    store.save(path, data)
    return str(body["access_token"])


def revoke(data: dict[str, Any], refresh: str | None, debug: bool = False) -> str:
    """Best-effort revocation at the IdP; a sentence saying what happened (never the token)."""
    endpoint = (data.get("endpoints") or {}).get("revocation")
    if refresh is None:
        return "No refresh token was stored, so there was nothing to revoke at the IdP."
    if not endpoint:
        return f"{data['issuer']} offers no revocation endpoint; the refresh token stays valid there until it expires."
    form = {"token": refresh, "token_type_hint": "refresh_token", "client_id": data["client_id"]}
    try:
        with Http(debug=debug) as http:
            response = http.post(endpoint, "revoking the refresh token", form)
    except AistackError as e:
        return f"Could not revoke the refresh token at the IdP ({e.message})"
    if response.status_code == 200:
        return f"Revoked the refresh token at {data['issuer']}."
    error, _ = oauth_error(response)
    return f"The IdP did not confirm the revocation (HTTP {response.status_code}{', ' + error if error else ''})."
