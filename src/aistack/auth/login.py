"""`aistack login`: checks first (env token, storage), then discovery, a flow, ID token validation, storage."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from aistack.auth import browser, fast, store
from aistack.auth.discovery import Metadata, discover
from aistack.auth.http import Http
from aistack.errors import AistackError
from aistack.paths import Env
from aistack.profile import Profile

if TYPE_CHECKING:
    from aistack.auth.keystore import Keystore


@dataclass(frozen=True)
class Options:
    flow: str | None = None  # "device" | "browser" | None (choose)
    insecure_storage: bool = False
    redirect_port: int = 0
    timeout: float = 300
    debug: bool = False


def say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def choose_flow(meta: Metadata, requested: str | None, env: Env) -> str:
    has_device, has_code = bool(meta.device_authorization_endpoint), bool(meta.authorization_endpoint)
    if requested == "device":
        if not has_device:
            raise AistackError(f"the IdP {meta.issuer} offers no device authorization endpoint.",
                               hint="Use `aistack login --browser` (on a machine with a browser).")
        return "device"
    if requested == "browser":
        if not has_code:
            raise AistackError(f"the IdP {meta.issuer} offers no authorization endpoint.",
                               hint="Use `aistack login --device`.")
        return "browser"
    headless = not browser.can_open(env.environ, env.platform)
    if has_device and (headless or not has_code):
        return "device"
    if has_code:
        return "browser"
    raise AistackError(f"the IdP {meta.issuer} offers neither a device nor an authorization endpoint.",
                       hint="Check `auth.issuer` in the org profile with your platform team.")


def login(profile: Profile, env: Env, options: Options, *,
          sleep: Callable[[float], None] = time.sleep) -> dict[str, Any]:
    """Log in and store the credentials; returns what `status` would show."""
    if fast.env_token(env.environ):
        raise AistackError("AISTACK_TOKEN is set, so aistack uses it and will not store a login.",
                           hint="Unset AISTACK_TOKEN (e.g. `unset AISTACK_TOKEN`), then run `aistack login` again.")
    auth = profile.auth
    if auth is None:
        raise AistackError(f"the org profile {profile.source} has no [auth] section, so there is nothing to log in to.",
                           hint="Ask your platform team for a profile with `auth.issuer` and `auth.client_id`.")
    keys, backend = None, None
    if not options.insecure_storage:
        # Before any flow: finding out after the user approved that nothing can be stored wastes their time.
        from aistack.auth.keystore import Keystore

        keys = Keystore()
        backend = keys.require_secure()
        keys.get(store.keyring_user(auth.issuer, auth.client_id))  # unlocks, or times out, now rather than later
    scope = " ".join(auth.scopes)
    with Http(debug=options.debug) as http:
        meta = discover(http, auth.issuer)
        flow = "browser" if options.redirect_port and options.flow is None else choose_flow(meta, options.flow, env)
        started = time.time()
        nonce = None
        if flow == "device":
            tokens = _device(http, meta, profile, scope, env, sleep)
        else:
            from aistack.auth import codeflow

            def show(url: str, redirect_uri: str) -> None:
                say(f"Sign in to {profile.org_name} in your browser. If it does not open, visit:\n\n  {url}\n")
                say(f"Waiting for the browser to return to {redirect_uri} (Ctrl-C to cancel)...")

            tokens, nonce = codeflow.login(
                http, meta, auth.client_id, scope, auth.audience, port=options.redirect_port,
                timeout=options.timeout, show=show,
                open_url=lambda url: browser.open_url(url, env.environ, env.platform))
        from aistack.auth import idtoken

        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise AistackError(f"the IdP {auth.issuer} returned no ID token.",
                               hint='Check that `auth.scopes` includes "openid" and that the client may use it.')
        claims = idtoken.validate(id_token, idtoken.fetch_jwks(http, meta.jwks_uri), issuer=meta.issuer,
                                  client_id=auth.client_id, nonce=nonce)
        claims = _with_userinfo(http, meta, tokens["access_token"], claims)
    return _store(profile, env, meta, tokens, claims, flow, started, keys, backend, options.insecure_storage)


def _with_userinfo(http: Http, meta: Metadata, access_token: str, claims: dict[str, Any]) -> dict[str, Any]:
    """Many IdPs put email and name only in userinfo; best effort, and only for the same subject."""
    if claims.get("email") or not meta.userinfo_endpoint:
        return claims
    from aistack.auth.http import json_body

    try:
        response = http.get(meta.userinfo_endpoint, "reading your profile",
                            headers={"Authorization": f"Bearer {access_token}"})
    except AistackError:
        return claims
    info = json_body(response) if response.status_code == 200 else None
    if not info or info.get("sub") != claims.get("sub"):
        return claims
    return {**{k: v for k, v in info.items() if k in ("email", "name", "preferred_username")}, **claims}


def _device(http: Http, meta: Metadata, profile: Profile, scope: str, env: Env,
            sleep: Callable[[float], None]) -> dict[str, Any]:
    from aistack.auth import device

    auth = profile.auth
    assert auth is not None  # login() refused a profile without [auth]
    da = device.start(http, meta, auth.client_id, scope, auth.audience)
    say(f"To sign in to {profile.org_name}, open this page in a browser (on any device):\n\n"
        f"  {da.verification_uri}\n\nand enter the code:  {da.user_code}\n")
    if da.verification_uri_complete:
        say(f"(or open {da.verification_uri_complete})")
    if browser.open_url(da.verification_uri_complete or da.verification_uri, env.environ, env.platform):
        say("Opening your browser...")
    minutes = max(1, round(da.expires_in / 60))
    say(f"Waiting for you to approve (the code expires in {minutes} min; Ctrl-C to cancel)...")
    return device.poll(http, meta, auth.client_id, da, sleep=sleep)


def _store(profile: Profile, env: Env, meta: Metadata, tokens: dict[str, Any], claims: dict[str, Any], flow: str,
           started: float, keys: Keystore | None, backend: str | None, insecure: bool) -> dict[str, Any]:
    from aistack.auth import idtoken
    from aistack.auth import tokens as token_mod

    auth = profile.auth
    assert auth is not None  # login() refused a profile without [auth]
    path = store.session_path(env, auth.issuer, auth.client_id)
    from aistack.engine.files import file_lock

    with file_lock(path, timeout=60):
        old = store.load(path) if path.exists() else None
        refresh = tokens.get("refresh_token") if isinstance(tokens.get("refresh_token"), str) else None
        data = {
            "version": store.VERSION, "issuer": meta.issuer, "client_id": auth.client_id, "org": profile.org_name,
            "storage": "file" if insecure else "keyring", "flow": flow, "logged_in_at": started,
            "identity": idtoken.identity(claims), "endpoints": meta.endpoints(), "scope": tokens.get("scope"),
            "has_refresh_token": refresh is not None,
            "access_token": tokens["access_token"], "expires_at": token_mod.expires_at(tokens),
        }
        if backend:
            data["keyring_backend"] = backend
        if old is not None and old.get("storage") == "keyring" and insecure:
            from aistack.auth.keystore import Keystore

            Keystore().delete(store.keyring_user(auth.issuer, auth.client_id))  # moving to the file: no leftovers
        store.put_refresh_token(data, refresh, keys)
        if refresh is None and keys is not None:
            keys.delete(store.keyring_user(auth.issuer, auth.client_id))
        store.save(path, data)
    who = data["identity"].get("email") or data["identity"].get("preferred_username") or data["identity"]["sub"]
    where = store.storage_label(data, path)
    say(f"Logged in to {profile.org_name} as {who}; credentials in the {where}.")
    if refresh is None:
        say("warning: the IdP issued no refresh token, so you will need to log in again when the access token "
            'expires (ask your platform team to allow the refresh_token grant and the "offline_access" scope).')
    return data
