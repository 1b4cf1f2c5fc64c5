"""OAuth 2.0 Device Authorization Grant (RFC 8628): show a code, poll until the user approves."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

from aistack.auth.discovery import Metadata
from aistack.auth.http import Http, NetworkError, json_body, oauth_error
from aistack.auth.tokens import TokenError, token_request
from aistack.errors import AistackError

GRANT = "urn:ietf:params:oauth:grant-type:device_code"
DEFAULT_INTERVAL = 5  # RFC 8628 §3.2: when the IdP sends no interval
SLOW_DOWN_STEP = 5  # RFC 8628 §3.5: for this and all later requests
MAX_TRANSIENT = 3  # network hiccups tolerated in a row while the user is approving


@dataclass(frozen=True)
class DeviceAuthorization:
    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_in: float
    interval: float


def start(http: Http, meta: Metadata, client_id: str, scope: str, audience: str | None) -> DeviceAuthorization:
    endpoint = meta.device_authorization_endpoint
    assert endpoint is not None
    form = {"client_id": client_id, "scope": scope}
    if audience:
        form["audience"] = audience
    response = http.post(endpoint, "starting the device login", form)
    body = json_body(response) or {}
    if response.status_code != 200:
        # Same error vocabulary as the token endpoint (RFC 8628 §3.2).
        error, description = oauth_error(response)
        detail = ": ".join(x for x in (error or f"HTTP {response.status_code}", description) if x)
        if error in ("invalid_client", "unauthorized_client") or response.status_code == 401:
            raise AistackError(
                f"the IdP {meta.issuer} does not accept the client id `{client_id}` for the device login ({detail}).",
                hint="Ask your platform team to register aistack as a public client with the device_code grant "
                     "(see the README: IdP client registration), or log in with `--browser`.")
        if error == "invalid_scope":
            raise AistackError(f"the IdP {meta.issuer} refused the scopes `{scope}` ({detail}).",
                               hint="Check `auth.scopes` in the org profile with your platform team.")
        raise AistackError(f"the IdP {meta.issuer} refused to start a device login ({detail}).",
                           hint="Try `aistack login --browser`.")
    try:
        return DeviceAuthorization(
            device_code=str(body["device_code"]),
            user_code=str(body["user_code"]),
            verification_uri=str(body.get("verification_uri") or body["verification_url"]),
            verification_uri_complete=body.get("verification_uri_complete"),
            expires_in=float(body.get("expires_in") or 600),
            interval=max(1.0, float(body.get("interval") or DEFAULT_INTERVAL)),
        )
    except (KeyError, TypeError, ValueError):
        raise AistackError(f"the IdP {meta.issuer} sent an incomplete device authorization response.",
                           hint="Try `aistack login --browser`, and tell your platform team.") from None


def poll(http: Http, meta: Metadata, client_id: str, da: DeviceAuthorization, *,
         sleep: Callable[[float], None] = time.sleep,
         clock: Callable[[], float] = time.monotonic) -> dict[str, Any]:
    """Poll the token endpoint until the user decides; returns the token response of the first success.

    Polling stops at the first success: a redeemed device code polled again makes many IdPs revoke the grant.
    """
    interval = da.interval
    deadline = clock() + da.expires_in
    transient = 0
    form = {"grant_type": GRANT, "device_code": da.device_code, "client_id": client_id}
    while True:
        sleep(interval)
        try:
            return token_request(http, meta.token_endpoint, form, "waiting for the device login")
        except TokenError as e:
            transient = 0
            if e.error == "authorization_pending":
                pass
            elif e.error == "slow_down":
                interval += SLOW_DOWN_STEP
            elif e.error == "access_denied":
                raise AistackError("the sign-in was denied at the IdP.",
                                   hint="Run `aistack login` again and approve the request.") from None
            elif e.error == "expired_token":
                raise _expired() from None
            elif e.error == "":
                raise
            else:
                raise AistackError(f"the device login stopped: {e.message}",
                                   hint="Run `aistack login` again; if it persists, tell your platform team.") from None
        except NetworkError:
            transient += 1
            if transient > MAX_TRANSIENT:
                raise
        if clock() > deadline:
            raise _expired()


def _expired() -> AistackError:
    return AistackError("the sign-in code expired before it was approved.",
                        hint="Run `aistack login` again and approve the request within the time shown.")
