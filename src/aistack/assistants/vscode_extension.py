"""Shared by the VS Code extensions that keep MCP settings in their global storage (Cline, Roo Code, Kilo Code).
None interpolates the environment, so servers needing the token go through `aistack mcp-bridge`; a model base URL
set by hand can be the relay's."""

from __future__ import annotations

from aistack.assistants.base import ConfigFile, Context, Plan
from aistack.assistants.common import RELAY_KEY_NOTE, add_servers, mcp_entry, relay_or_gateway
from aistack.assistants.vscode import user_dir
from aistack.paths import Env
from aistack.profile import Profile


def storage(env: Env, extension: str, filename: str):
    return user_dir(env).joinpath("globalStorage", extension, "settings", filename)


def adapter_functions(extension: str, filename: str, title: str, types: dict[str, str]):
    """`files`, `detect` and `plan` for an extension that keeps `filename` in its global storage."""
    def files(env: Env) -> dict[str, ConfigFile]:
        return {"mcp": ConfigFile("mcp", storage(env, extension, filename), "json")}

    def detect(env: Env) -> bool:
        return env.exists(storage(env, extension, filename).parent.parent)

    def plan_(profile: Profile, ctx: Context) -> Plan:
        return plan(profile, ctx, title, types)

    return files, detect, plan_


def plan(profile: Profile, ctx: Context, title: str, types: dict[str, str]) -> Plan:
    p = Plan()
    add_servers(p, profile, ctx, "mcp", ("mcpServers",),
                lambda s: mcp_entry(s, profile, ctx, types=types, gui=True))
    if profile.gateway:
        key = RELAY_KEY_NOTE if ctx.relay else (" and a key your platform team issues for it (the extension cannot "
                                                "run a command for a fresh token)")
        p.manual.append(f"{title}: choose the \"OpenAI Compatible\" provider in its settings with base URL "
                        f"{relay_or_gateway(profile, ctx, 'openai')}{key}.")
    return p
