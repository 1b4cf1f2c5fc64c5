"""Entry builders shared by adapters: borrowed by calling, not by inheritance."""

from __future__ import annotations

import os
from pathlib import Path as FsPath

from aistack.assistants.base import Context
from aistack.paths import Env
from aistack.profile import McpServer, Profile

# Batch shims that Windows clients cannot start without a shell (clients.md §5.6).
WINDOWS_SHIMS = {"npx", "pnpx", "yarn", "bunx", "pnpm", "npm", "uvx"}


def stdio_command(server: McpServer, ctx: Context) -> tuple[str, list[str]]:
    """The command and args for a stdio server: `aistack run --` supplies a fresh token when the server needs one,
    and Windows batch shims are wrapped as `cmd /c`."""
    command, args = server.command, list(server.args)
    if ctx.env.windows and command.lower().removesuffix(".cmd") in WINDOWS_SHIMS:
        command, args = "cmd", ["/c", command, *args]
    if server.auth == "token":
        command, args = ctx.aistack, ["run", "--", command, *args]
    return command, args


def auth_headers(profile: Profile, server: McpServer, reference: str) -> dict[str, str]:
    """Static headers plus the token header written as the assistant's own reference to AISTACK_TOKEN."""
    headers = dict(server.headers)
    if server.auth == "token":
        name = profile.gateway.token_header if profile.gateway else "Authorization"
        headers[name] = f"Bearer {reference}" if name.lower() == "authorization" else reference
    return headers


def gateway_base(profile: Profile, provider: str) -> str | None:
    gw = profile.gateway
    if gw is None:
        return None
    return gw.providers.get(provider) or gw.url


def exists(path) -> bool:
    """Whether a local path exists; paths of another OS never do."""
    try:
        return FsPath(path).exists()
    except (OSError, TypeError):
        return False


def on_path(env: Env, *names: str) -> bool:
    if not env.is_local:
        return False
    from shutil import which

    search = env.environ.get("PATH", os.environ.get("PATH", ""))
    return any(which(n, path=search) for n in names)
