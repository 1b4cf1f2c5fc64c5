"""`aistack status` and `aistack logout`: what is stored, and removing all of it."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timezone
from typing import Any

from aistack.auth import store
from aistack.auth.fast import env_token
from aistack.auth.tokens import revoke, session_for
from aistack.errors import AistackError
from aistack.paths import Env
from aistack.profile import Profile


def _iso(ts: float | None) -> str | None:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds") if ts else None


def status(profile: Profile, env: Env) -> dict[str, Any]:
    report: dict[str, Any] = {"org": profile.org_name, "profile": profile.source,
                    "issuer": profile.auth.issuer if profile.auth else None}
    if env_token(os.environ):
        report.update(logged_in=True, storage="environment", storage_detail="AISTACK_TOKEN (overrides any login)")
        return report
    path, data = session_for(profile, env)
    if data is None:
        report.update(logged_in=False, storage=None)
        return report
    now = time.time()
    expires = data.get("expires_at")
    access_valid = isinstance(expires, (int, float)) and expires > now
    refresh_stored: bool | None
    problem = None
    try:
        keys = None
        if data.get("storage") == "keyring":
            from aistack.auth.keystore import Keystore

            keys = Keystore()
        refresh_stored = store.get_refresh_token(data, keys) is not None
    except AistackError as e:
        refresh_stored, problem = None, e.message
    identity = data.get("identity") or {}
    report.update(
        logged_in=bool(access_valid or refresh_stored or refresh_stored is None),
        sub=identity.get("sub"), email=identity.get("email"), name=identity.get("name"),
        access_token_expires_at=_iso(expires), access_token_valid=access_valid,
        refresh_token_stored=refresh_stored,
        storage=data.get("storage"), storage_detail=store.storage_label(data, path),
        logged_in_at=_iso(data.get("logged_in_at")), flow=data.get("flow"),
    )
    if problem:
        report["problem"] = problem
    return report


def render(report: dict[str, Any], as_json: bool) -> str:
    if as_json:
        return json.dumps(report, indent=2)
    lines = [f"org:      {report['org']}", f"issuer:   {report['issuer'] or '(the profile has no [auth])'}"]
    if report.get("storage") == "environment":
        lines.append(f"token:    from {report['storage_detail']}")
        return "\n".join(lines)
    if not report["logged_in"]:
        lines.append("status:   not logged in (run `aistack login`)")
        return "\n".join(lines)
    who = report.get("email") or report.get("name") or report.get("sub")
    lines.append(f"user:     {who} (sub {report.get('sub')})")
    expires = report.get("access_token_expires_at")
    if report.get("access_token_valid"):
        minutes = max(0, round((datetime.fromisoformat(str(expires)).timestamp() - time.time()) / 60))
        lines.append(f"token:    valid until {expires} (in {minutes} min)")
    else:
        lines.append(f"token:    expired at {expires}; refreshed on next use")
    refresh = {True: "stored", False: "missing (run `aistack login`)", None: "unknown"}[report["refresh_token_stored"]]
    lines.append(f"refresh:  {refresh}")
    lines.append(f"storage:  {report['storage_detail']}")
    if report.get("problem"):
        lines.append(f"problem:  {report['problem']}")
    return "\n".join(lines)


def logout(profile: Profile, env: Env, debug: bool = False) -> None:
    def say(text: str) -> None:
        sys.stderr.write(text + "\n")

    try:
        path, data = session_for(profile, env)
    except AistackError:
        if profile.auth is None:
            raise
        _remove_damaged(profile, env)
        say(f"Removed the damaged login record for {profile.org_name}.")
        return
    if data is None:
        say(f"Not logged in to {profile.org_name}; nothing to remove.")
        return
    keys = None
    refresh = None
    if data.get("storage") == "keyring":
        from aistack.auth.keystore import Keystore

        keys = Keystore()
    try:
        refresh = store.get_refresh_token(data, keys)
    except AistackError as e:
        say(f"warning: could not read the refresh token ({e.message}); it cannot be revoked.")
    say(revoke(data, refresh, debug))
    from aistack.engine.files import file_lock

    with file_lock(path, timeout=60):
        store.delete(path, data, keys)
    say(f"Logged out of {profile.org_name}: local credentials deleted.")


def _remove_damaged(profile: Profile, env: Env) -> None:
    """A login record that cannot be read still must not outlive a logout, nor its keyring entry."""
    auth = profile.auth
    assert auth is not None  # logout() re-raised for a profile without [auth]
    store.session_path(env, auth.issuer, auth.client_id).unlink(missing_ok=True)
    try:
        from aistack.auth.keystore import Keystore

        Keystore().delete(store.keyring_user(auth.issuer, auth.client_id))
    except AistackError:
        pass
