"""What `aistack token`, `env`, `login`, `status` and `logout` do, behind their typer signatures."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal, overload

from aistack.auth.fast import TELEMETRY
from aistack.errors import UsageError, debug_enabled
from aistack.paths import Env
from aistack.profile import Profile, remember, remembered_path, resolve

SHELLS = ("sh", "bash", "zsh", "fish", "powershell", "pwsh")


@overload
def load(org: str | None, *, required: Literal[True] = True) -> tuple[Profile, Env]: ...
@overload
def load(org: str | None, *, required: bool) -> tuple[Profile | None, Env]: ...
def load(org: str | None, *, required: bool = True) -> tuple[Profile | None, Env]:
    env = Env.current()
    return resolve(org, env, required=required), env


def env_token() -> str | None:
    """AISTACK_TOKEN from CI or a container (never the one `aistack run` exported)."""
    from aistack.auth.fast import env_token as from_environment

    return from_environment(os.environ)


def token(org: str | None, loaded: tuple[Profile | None, Env] | None = None) -> str:
    """AISTACK_TOKEN, else a valid stored access token (refreshed if needed), else LoginNeeded (exit 4)."""
    from_env = env_token()
    if from_env:
        return from_env
    from aistack.auth.tokens import access_token

    profile, env = loaded or load(org)
    if profile is None:
        raise AssertionError("a profile is loaded unless AISTACK_TOKEN is set")
    refresh_remembered(profile, env)
    return access_token(profile, env, debug=debug_enabled())


def refresh_remembered(profile: Profile, env: Env) -> None:
    """Keep the remembered copy of a local profile file current, so the fast `token` path can use it."""
    source = Path(profile.source)
    if profile.source.startswith(("https://", "http://")) or not source.is_file():
        return
    try:
        changed = source.stat().st_mtime_ns
        remembered = Path(remembered_path(env))
        if changed > remembered.stat().st_mtime_ns:
            remember(profile, env)
            # A file dated in the future must not make every later call look stale.
            if changed >= remembered.stat().st_mtime_ns:
                os.utime(remembered, ns=(changed, changed + 1))
    except OSError:
        pass


def headers_json(org: str | None, server: str | None) -> str:
    """`aistack token --headers-json [--server NAME | --telemetry]`: the gateway's (or one MCP server's, or the
    OpenTelemetry collector's) headers as JSON."""
    from aistack.auth.fast import headers_for, server_needs_token

    profile, env = load(org, required=not env_token())
    raw = profile.raw if profile is not None else {}
    if profile is not None:
        refresh_remembered(profile, env)
    if server == TELEMETRY and (profile is None or profile.telemetry is None):
        raise UsageError("the org profile has no [telemetry] table: there is no collector to send headers to.")
    if server is not None and headers_for(raw, None, server) is None:
        names = ", ".join(s.name for s in profile.mcp_servers) if profile is not None else ""
        raise UsageError(f"the org profile has no MCP server named {server!r} (servers: {names or 'none'}).")
    value = token(org, (profile, env)) if server_needs_token(raw, server) else None
    return json.dumps(headers_for(raw, value, server))


def export_line(org: str | None, shell: str) -> str:
    """`aistack env`: the line that exports AISTACK_TOKEN in `shell`."""
    import shlex

    if shell not in SHELLS:
        raise UsageError(f"unknown --shell {shell!r}: use sh, fish or powershell.")
    value = token(org)
    if shell == "fish":
        return f"set -gx AISTACK_TOKEN {shlex.quote(value)}"
    if shell in ("powershell", "pwsh"):
        return "$env:AISTACK_TOKEN = '" + value.replace("'", "''") + "'"
    return f"export AISTACK_TOKEN={shlex.quote(value)}"
