"""Shared by the VS Code extensions that keep MCP settings in their global storage (Cline, Zoo Code). None
interpolates the environment, so servers needing the token go through `aistack mcp-bridge`; a model base URL set by
hand can be the relay's."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from aistack.assistants.base import Context, Plan
from aistack.assistants.common import RELAY_KEY_NOTE, add_servers, mcp_entry, relay_or_gateway
from aistack.assistants.vscode import user_dir
from aistack.paths import Env
from aistack.profile import McpServer, Profile


def storage(env: Env, extension: str, filename: str) -> PurePath:
    return user_dir(env).joinpath("globalStorage", extension, "settings", filename)


def add_bridged_servers(p: Plan, profile: Profile, ctx: Context, file: str, types: dict[str, str],
                        extra: dict[str, Any] | None = None) -> None:
    """The org's servers under `mcpServers`; `extra` keys go into every entry."""
    def build(server: McpServer) -> dict[str, Any] | None:
        entry = mcp_entry(server, profile, ctx, types=types, gui=True)
        return {**entry, **extra} if entry is not None and extra else entry

    add_servers(p, profile, ctx, file, ("mcpServers",), build)


def gateway_step(profile: Profile, ctx: Context, title: str) -> str:
    key = RELAY_KEY_NOTE if ctx.relay else (" and a key your platform team issues for it (it cannot run a command "
                                            "for a fresh token)")
    return (f"{title}: choose the \"OpenAI Compatible\" provider in its settings with base URL "
            f"{relay_or_gateway(profile, ctx, 'openai')}{key}.")
