"""The checks that run first and in order: the org profile, the login, a valid token, the keyring."""

from __future__ import annotations

import os
import time
from pathlib import Path

from aistack.auth.fast import env_token
from aistack.doctor.model import FAIL, OK, SKIP, WARN, Result, State, one_line
from aistack.errors import AistackError, ExitCode

LOGIN_FIX = "Run `aistack login`."


def check_profile(state: State) -> Result:
    """Re-read the profile from where it came from: fetch a URL again, parse a file again."""
    from aistack import profile as profiles

    title = "org profile"
    if state.offline:
        return _profile_offline(state, title)
    if state.org:
        try:
            state.profile = profiles.load(state.org)
        except AistackError as e:
            return Result("profile", title, FAIL, one_line(e.message), e.hint or "Pass a valid --org PATH|URL.")
        return Result("profile", title, OK, f"{state.profile.org_name}: {state.profile.source} is valid")
    try:
        remembered = profiles.load_remembered(state.env)
    except AistackError as e:
        return Result("profile", title, FAIL, one_line(e.message), e.hint or "Pass --org again.")
    if remembered is None:
        return Result("profile", title, FAIL, "no org profile yet",
                      "Run `aistack login --org PATH|URL` (or pass --org to doctor).")
    state.profile = remembered  # the other checks go on with the last good copy if the source fails now
    source = remembered.source
    is_url = source.startswith(("https://", "http://"))
    if not is_url and not Path(source).is_file():
        return Result("profile", title, FAIL, f"the profile file {source} no longer exists (using the remembered copy)",
                      "Pass --org with the profile's new path or your org's URL.")
    try:
        state.profile = profiles.load(source)
    except AistackError as e:
        return Result("profile", title, FAIL, one_line(e.message) + " (using the remembered copy)",
                      e.hint or "Ask your platform team.")
    how = "fetched" if is_url else "parsed"
    return Result("profile", title, OK, f"{state.profile.org_name}: {source} {how} and valid")


def _profile_offline(state: State, title: str) -> Result:
    """A profile file is parsed again; a URL is not fetched: the copy remembered from the last fetch is used."""
    from aistack import profile as profiles

    wanted = state.org
    try:
        remembered = profiles.load_remembered(state.env)
        if wanted and not wanted.startswith(("https://", "http://")):
            state.profile = profiles.load(wanted)
            return Result("profile", title, OK, f"{state.profile.org_name}: {state.profile.source} is valid")
    except AistackError as e:
        return Result("profile", title, FAIL, one_line(e.message), e.hint or "Pass a valid --org PATH.")
    if remembered is None or (wanted and profiles.profile_url(wanted) != remembered.source):
        what = f"{wanted} cannot be fetched offline" if wanted else "no org profile yet"
        return Result("profile", title, FAIL, f"{what} and no copy of it is remembered",
                      "Run `aistack doctor` without --offline, or pass --org with a profile file.")
    state.profile = remembered
    source = remembered.source
    if not source.startswith(("https://", "http://")) and Path(source).is_file():
        try:
            state.profile = profiles.load(source)
        except AistackError as e:
            return Result("profile", title, FAIL, one_line(e.message) + " (using the remembered copy)",
                          e.hint or "Ask your platform team.")
        return Result("profile", title, OK, f"{state.profile.org_name}: {source} parsed and valid")
    return Result("profile", title, OK, f"{remembered.org_name}: the copy of {source} remembered when it was last "
                  "read (offline: not read again)")


def check_login(state: State) -> Result:
    from aistack.auth.report import status

    title = "logged in"
    profile = state.org_profile
    if env_token(os.environ):
        return Result("login", title, OK, "AISTACK_TOKEN is set; it overrides any stored login")
    if profile.auth is None:
        return Result("login", title, SKIP, f"the org profile {profile.source} has no [auth] section")
    try:
        report = status(profile, state.env)
    except AistackError as e:
        return Result("login", title, FAIL, one_line(e.message), e.hint or LOGIN_FIX)
    if not report.get("logged_in"):
        return Result("login", title, FAIL, f"not logged in to {profile.org_name} ({profile.auth.issuer})", LOGIN_FIX)
    who = report.get("email") or report.get("name") or report.get("sub") or "someone"
    if report.get("refresh_token_stored") is False and not report.get("access_token_valid"):
        return Result("login", title, FAIL, f"{who}: the access token expired and no refresh token is stored",
                      LOGIN_FIX)
    return Result("login", title, OK, f"{who} at {profile.auth.issuer}")


def check_token(state: State) -> Result:
    """Get a valid token through the real path (cache, else a refresh at the IdP), as `aistack token` does."""
    from aistack.auth.tokens import access_token, session_for

    title = "token refreshable"
    from_env = env_token(os.environ)
    if from_env:
        state.token = from_env
        return Result("token", title, SKIP, "AISTACK_TOKEN is used as it is; aistack cannot refresh it")
    if state.org_profile.auth is None:
        state.token_problem = "the org profile has no [auth] section"
        return Result("token", title, SKIP, state.token_problem)
    if state.offline:
        return _token_offline(state, title)
    try:
        state.token = access_token(state.org_profile, state.env)
    except AistackError as e:
        state.token_problem = "no valid token (see the token check)"
        fix = LOGIN_FIX if e.exit_code == ExitCode.LOGIN_NEEDED else (e.hint or LOGIN_FIX)
        return Result("token", title, FAIL, one_line(e.message), fix)
    _, data = session_for(state.org_profile, state.env)
    left = (data or {}).get("expires_at", 0) - time.time()
    return Result("token", title, OK, f"a valid access token, for {max(0, left) / 60:.0f} more min")


def _token_offline(state: State, title: str) -> Result:
    """Only the cached access token: a refresh would ask the IdP."""
    from aistack.auth.tokens import session_for

    state.token_problem = "offline"
    _, data = session_for(state.org_profile, state.env)
    if data is None:
        return Result("token", title, FAIL, f"no login for {state.org_profile.org_name} on this machine", LOGIN_FIX)
    left = (data.get("expires_at") or 0) - time.time()
    if left > 60:
        return Result("token", title, OK, f"a cached access token, valid for {left / 60:.0f} more min (offline: "
                      "no refresh tried)")
    return Result("token", title, WARN, "the cached access token has expired; `aistack token` refreshes it at the "
                  "IdP (offline: not tried)", "Run `aistack doctor` online to check the refresh.")


def check_keyring(state: State) -> Result:
    from aistack.auth import keystore

    title = "credential storage"
    if env_token(os.environ):
        return Result("keyring", title, SKIP, "AISTACK_TOKEN is set; nothing is read from storage")
    data = None
    if state.org_profile.auth is not None:
        try:
            from aistack.auth.tokens import session_for

            _, data = session_for(state.org_profile, state.env)
        except AistackError:
            data = None
    if data is not None and data.get("storage") == "file":
        return Result("keyring", title, WARN, "the refresh token is in a plain file (login --insecure-storage)",
                      "Once an OS keyring is available: `aistack logout`, then `aistack login`.")
    try:
        name = keystore.Keystore().require_secure()
    except AistackError as e:
        status = FAIL if data is not None else WARN  # a stored login that cannot be read is broken
        return Result("keyring", title, status, one_line(e.message), e.hint or "")
    if data is None:
        return Result("keyring", title, OK, f"OS keyring available: {name}")
    return Result("keyring", title, OK, f"refresh token in the OS keyring ({name})")
