"""Zed: `context_servers` in settings.json (JSONC, a shared settings file). Zed has no interpolation, so servers
that need the token go through `aistack mcp-bridge`; `language_models.*.api_url` routes model traffic."""

from __future__ import annotations

from aistack.assistants.base import ConfigFile, Context, Plan, Verified
from aistack.assistants.common import add_servers, gateway_base, mcp_entry, on_path
from aistack.paths import Env
from aistack.profile import Profile

NAME = "zed"
TITLE = "Zed"
SERVERS = {"settings": ("context_servers",)}
PROJECT = {"settings": ".zed/settings.json"}  # repo-level files, relative to the project root
DELIVERY = "bridge"
GATEWAY = "file"
PROJECT_NOTE = None
COMMANDS = ("zed", "zeditor")  # its executables: detection, `aistack run` routing
VERSION_COMMAND = None  # prints its version cheaply (doctor)
VERIFIED = (Verified("docs", "zed.dev/docs/ai/mcp (context_servers)", "2026-11"),)


def _dir(env: Env):
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
                lambda s: mcp_entry(s, profile, ctx, ref=None, gui=True))
    if profile.gateway:
        for provider in ("anthropic", "openai"):
            p.add("settings", ("language_models", provider, "api_url"), gateway_base(profile, provider),
                  soft=f"gateway routing for {provider}")
        p.manual.append("Zed reads its model key from ANTHROPIC_API_KEY / OPENAI_API_KEY: start it with "
                        "`aistack run zed` so both hold a fresh token (Zed cannot send the gateway's extra headers).")
    return p


def run_env(profile: Profile, token: str) -> dict[str, str]:
    """What `aistack run zed` adds: the model keys Zed reads from its environment."""
    if profile.gateway is None:
        return {}
    return {"ANTHROPIC_API_KEY": token, "OPENAI_API_KEY": token}
