"""The hot path of `aistack token`: assistants call it on every session and MCP connection.

With a cached access token that is still valid this module answers from two small files (the
remembered org profile and the 0600 session file) using only json, os, sys, time and hashlib; it
imports neither the CLI framework nor httpx nor keyring. Anything else (no session, a token about
to expire, an unknown option, a changed profile) returns None and the full CLI takes over.
"""

from __future__ import annotations

import json
import os
import sys
import time

from aistack.headers import build_headers

TYPE_CHECKING = False  # typing is not imported on this path; mypy reads the block below
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

APP = "aistack"
REFRESH_MARGIN = 60.0  # seconds: a token expiring sooner is refreshed first
REMEMBERED = "org.json"
TOKEN_VAR = "AISTACK_TOKEN"
# Set by `aistack run` next to the AISTACK_TOKEN it exports: that token's fingerprint. Every helper the assistant
# re-runs after a 401 inherits both, and must fetch a fresh token instead of handing back the expired snapshot.
RUN_MARK = "AISTACK_TOKEN_FROM_RUN"
# `--telemetry` asks for the OpenTelemetry collector's headers; it travels where a server name would (no server
# name can contain `:`).
TELEMETRY = ":telemetry"


def _var(environ: Mapping[str, str], name: str) -> str | None:
    return environ.get(name) or None


def config_dir(environ: Mapping[str, str], platform: str, home: str) -> str:
    """Mirrors aistack.paths.Env.config_dir without importing pathlib or dataclasses (tested equal)."""
    override = _var(environ, "AISTACK_CONFIG_DIR")
    if override:
        return override
    if platform == "win32":
        return os.path.join(_var(environ, "APPDATA") or os.path.join(home, "AppData", "Roaming"), APP)
    if platform == "darwin":
        return os.path.join(home, "Library", "Application Support", APP)
    return os.path.join(_var(environ, "XDG_CONFIG_HOME") or os.path.join(home, ".config"), APP)


def data_dir(environ: Mapping[str, str], platform: str, home: str) -> str:
    """Mirrors aistack.paths.Env.data_dir (tested equal)."""
    override = _var(environ, "AISTACK_DATA_DIR")
    if override:
        return override
    if platform == "win32":
        return os.path.join(_var(environ, "LOCALAPPDATA") or os.path.join(home, "AppData", "Local"), APP)
    if platform == "darwin":
        return os.path.join(home, "Library", "Application Support", APP)
    return os.path.join(_var(environ, "XDG_DATA_HOME") or os.path.join(home, ".local", "share"), APP)


def _sha256(text: str) -> str:
    try:  # the builtin SHA-256 loads in a fraction of hashlib's (OpenSSL) time; same digest
        from _sha2 import sha256  # type: ignore[import-not-found]  # Python >= 3.12
    except ImportError:
        try:
            from _sha256 import sha256  # type: ignore[import-not-found]  # Python 3.11
        except ImportError:  # pragma: no cover - a build without the builtin
            from hashlib import sha256
    digest: str = sha256(text.encode()).hexdigest()
    return digest


def session_name(issuer: str, client_id: str) -> str:
    """One session file per (issuer, client): switching orgs keeps each login."""
    digest = _sha256(issuer.rstrip("/") + "\n" + client_id)[:24]
    return f"session-{digest}.json"


def fingerprint(token: str) -> str:
    """What `aistack run` records in RUN_MARK: enough to recognise its own token, nothing to rebuild it from."""
    return _sha256(token)[:16]


def env_token(environ: Mapping[str, str]) -> str | None:
    """AISTACK_TOKEN as given by CI or a container, which wins over any login; None when unset, or when it is the
    snapshot `aistack run` exported (RUN_MARK matches it): that one is refreshed from the login like no variable."""
    token = (environ.get(TOKEN_VAR) or "").strip()
    if not token:
        return None
    mark = environ.get(RUN_MARK)
    return None if mark and mark == fingerprint(token) else token


def headers_for(profile: dict[str, Any], token: str | None, server: str | None) -> dict[str, str] | None:
    """Headers from a raw (already validated) profile document; None when `server` is unknown (or TELEMETRY and
    the profile has no `[telemetry]`). The collector gets the user's token as a bearer when its `auth = "token"`."""
    if server == TELEMETRY:
        telemetry = profile.get("telemetry")
        if not isinstance(telemetry, dict):
            return None
        needs_token = telemetry.get("auth", "none") == "token"
        return build_headers("Authorization", token if needs_token else None, telemetry.get("headers") or {})
    gateway = profile.get("gateway") or {}
    token_header = gateway.get("token_header") or "Authorization"
    if server is None:
        return build_headers(token_header, token, gateway.get("headers") or {})
    for entry in profile.get("mcp_servers") or []:
        if entry.get("name", "").lower() == server.lower():
            needs_token = entry.get("auth", "none") == "token"
            return build_headers(token_header, token if needs_token else None, entry.get("headers") or {})
    return None


def server_needs_token(profile: dict[str, Any], server: str | None) -> bool:
    if server is None:
        return True
    if server == TELEMETRY:
        return bool((profile.get("telemetry") or {}).get("auth", "none") == "token")
    for entry in profile.get("mcp_servers") or []:
        if entry.get("name", "").lower() == server.lower():
            return bool(entry.get("auth", "none") == "token")
    return True


def parse_args(args: list[str]) -> tuple[bool, str | None] | None:
    """(headers_json, server) for the argument shapes this path serves, else None; `--telemetry` is server
    TELEMETRY."""
    headers_json, server = False, None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--headers-json" and not headers_json:
            headers_json = True
        elif arg == "--telemetry" and server is None:
            server = TELEMETRY
        elif arg == "--server" and server is None and i + 1 < len(args) and not args[i + 1].startswith("-"):
            server = args[i + 1]
            i += 1
        elif arg.startswith("--server=") and server is None and len(arg) > 9:
            server = arg[9:]
        else:
            return None
        i += 1
    if server is not None and not headers_json:
        return None
    return headers_json, server


def _load(path: str) -> Any:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def cached_token(session: dict[str, Any], issuer: str, client_id: str, now: float) -> str | None:
    """The session's access token when it belongs to this issuer/client and outlives the margin."""
    if session.get("issuer") != issuer or session.get("client_id") != client_id:
        return None
    token, expires_at = session.get("access_token"), session.get("expires_at")
    if not isinstance(token, str) or not token or not isinstance(expires_at, (int, float)):
        return None
    return token if expires_at - now > REFRESH_MARGIN else None


def main(args: list[str]) -> int | None:
    parsed = parse_args(args)
    if parsed is None:
        return None
    headers_json, server = parsed
    environ, home = os.environ, os.path.expanduser("~")
    from_env = env_token(environ)
    if from_env and not headers_json:
        return _emit(from_env)
    platform = "win32" if sys.platform.startswith("win") else ("darwin" if sys.platform == "darwin" else "linux")
    remembered_path = os.path.join(config_dir(environ, platform, home), REMEMBERED)
    try:
        remembered = _load(remembered_path)
        profile, source = remembered["profile"], remembered["source"]
        if not source.startswith(("https://", "http://")) and os.path.isfile(source):
            if os.stat(source).st_mtime_ns > os.stat(remembered_path).st_mtime_ns:
                return None  # the profile file changed: the full path re-reads and re-validates it
        token = from_env
        if token is None and server_needs_token(profile, server):
            auth = profile["auth"]
            issuer, client_id = auth["issuer"].rstrip("/"), auth["client_id"]
            path = os.path.join(data_dir(environ, platform, home), "auth", session_name(issuer, client_id))
            token = cached_token(_load(path), issuer, client_id, time.time())
            if token is None:
                return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not headers_json:
        assert token is not None  # without --headers-json there is no --server: the token was needed
        return _emit(token)
    headers = headers_for(profile, token, server)
    if headers is None:
        return None
    return _emit(json.dumps(headers))


def _emit(line: str) -> int:
    try:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (e.g. `| head -c 0`): not an error of ours
        try:
            sys.stdout = None  # nothing left to flush at exit
        except Exception:  # pragma: no cover
            pass
    return 0
