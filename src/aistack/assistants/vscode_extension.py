"""Shared by the VS Code extensions that keep MCP settings in their global storage (Cline, Zoo Code). None
interpolates the environment, so servers needing the token go through `aistack mcp-bridge`."""

from __future__ import annotations

from aistack.assistants.base import Context, Plan
from aistack.assistants.common import add_servers, gateway_base, mcp_entry
from aistack.assistants.vscode import user_dir
from aistack.paths import Env
from aistack.profile import Profile


def storage(env: Env, extension: str, filename: str):
    return user_dir(env).joinpath("globalStorage", extension, "settings", filename)


def add_bridged_servers(p: Plan, profile: Profile, ctx: Context, file: str, types: dict[str, str],
                        extra: dict | None = None) -> None:
    """The org's servers under `mcpServers`; `extra` keys go into every entry."""
    def build(server):
        entry = mcp_entry(server, profile, ctx, ref=None, types=types, gui=True)
        return {**entry, **extra} if entry is not None and extra else entry

    add_servers(p, profile, ctx, file, ("mcpServers",), build)


def gateway_step(profile: Profile, title: str) -> str:
    return (f"{title}: choose the \"OpenAI Compatible\" provider in its settings with base URL "
            f"{gateway_base(profile, 'openai')} and a key your platform team issues for it (it cannot run a command "
            "for a fresh token).")
