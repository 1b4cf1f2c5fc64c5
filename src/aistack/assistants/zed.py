"""Zed: `context_servers` in settings.json (JSONC, a shared settings file). Zed has no interpolation, so servers
that need the token go through `aistack mcp-bridge`; `language_models.*.api_url` names the relay, which adds the
token to Zed's model traffic (Zed's own key can be any text)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from aistack.assistants import common
from aistack.assistants.base import PLACEHOLDER_KEY, ConfigFile, Context, Delivery, ManagedFile, Plan, Verified
from aistack.assistants.common import add_servers, mcp_entry, on_path, relay_or_gateway
from aistack.paths import Env
from aistack.profile import Profile

NAME = "zed"
TITLE = "Zed"
SERVERS = {"settings": ("context_servers",)}
PROJECT = {"settings": ".zed/settings.json"}  # repo-level files, relative to the project root
DELIVERY = Delivery("relay", "bridge",
                    "language_models api_url at the relay, any key; MCP through `aistack mcp-bridge`")
GATEWAY = "file"
PROJECT_NOTE = None
COMMANDS = ("zed", "zeditor")  # its executables: detection, `aistack run` routing
VERSION_COMMAND = None  # prints its version cheaply (doctor)
VERIFIED = (Verified("docs", "zed.dev/docs/ai/mcp (context_servers)", "2026-11"),)
MANAGED: tuple[ManagedFile, ...] = ()  # no admin-owned file layer
MDM: dict[str, dict[str, Any]] = {}  # no MDM payload
admin_steps = common.no_admin_steps


def _dir(env: Env) -> PurePath:
    if env.windows:
        return env.appdata().joinpath("Zed")
    return env.xdg_config().joinpath("zed") if env.platform == "linux" else env.under_home(".config", "zed")


def files(env: Env) -> dict[str, ConfigFile]:
    return {"settings": ConfigFile("settings", _dir(env).joinpath("settings.json"), "jsonc")}


def detect(env: Env) -> bool:
    return env.exists(_dir(env)) or on_path(env, *COMMANDS)


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    add_servers(p, profile, ctx, "settings", SERVERS["settings"],
                lambda s: mcp_entry(s, profile, ctx, gui=True))
    if profile.gateway:
        for provider in ("anthropic", "openai"):
            p.add("settings", ("language_models", provider, "api_url"), relay_or_gateway(profile, ctx, provider),
                  soft=f"gateway routing for {provider}")
        p.manual.append("Zed wants a key for each model provider before it sends a request: enter any text as the "
                        "Anthropic and OpenAI key in its Agent settings (or start it with `aistack run zed`, which "
                        "sets placeholders); the relay replaces it with your fresh token and the gateway's headers.")
    return p


def run_env(profile: Profile, ctx: Context) -> dict[str, str]:
    """What `aistack run zed` adds: placeholder model keys (Zed reads them from its environment); the relay adds
    the real token."""
    if profile.gateway is None:
        return {}
    return {"ANTHROPIC_API_KEY": PLACEHOLDER_KEY, "OPENAI_API_KEY": PLACEHOLDER_KEY}
managed = common.no_managed
managed_verdict = common.no_managed_verdict
