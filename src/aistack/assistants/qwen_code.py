"""Qwen Code: ~/.qwen/settings.json (Gemini CLI's schema, JSON with comments; `$AISTACK_TOKEN` in headers).
Model traffic goes through `modelProviders.openai` with the key read from AISTACK_TOKEN by name."""

from __future__ import annotations

from aistack.assistants import common
from aistack.assistants.base import ConfigFile, Context, Plan, Verified
from aistack.assistants.common import add_servers, gateway_base, mcp_entry, on_path, run_hint
from aistack.engine.document import Item
from aistack.paths import Env
from aistack.profile import Profile

NAME = "qwen-code"
TITLE = "Qwen Code"
SERVERS = {"settings": ("mcpServers",)}
PROJECT = {"settings": ".qwen/settings.json"}  # repo-level files, relative to the project root
DELIVERY = "env"
GATEWAY = "file"
PROJECT_NOTE = None
COMMANDS = ("qwen",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = "qwen"  # prints its version cheaply (doctor)
VERIFIED = (Verified("client", "qwen", "0.24.4"),
            Verified("schema", "qwen-code-settings.schema.json", "2026-12-02"))
PROVIDER_ID = "aistack"
ROUTING = "gateway routing"  # soft edits: left out together when the user chose their own route


def files(env: Env) -> dict[str, ConfigFile]:
    return {"settings": ConfigFile("settings", env.under_home(".qwen", "settings.json"), "jsonc")}


def detect(env: Env) -> bool:
    return env.exists(env.under_home(".qwen")) or on_path(env, *COMMANDS)


def _entry(server, profile, ctx):
    entry = mcp_entry(server, profile, ctx, ref="$AISTACK_TOKEN")
    if server.kind == "http":  # Qwen keeps Gemini's older split: `httpUrl` streamable HTTP, `url` SSE
        entry["httpUrl"] = entry.pop("url")
    return entry


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    add_servers(p, profile, ctx, "settings", SERVERS["settings"], lambda s: _entry(s, profile, ctx))
    gw = profile.gateway
    if gw:
        provider = {"id": PROVIDER_ID, "name": f"{profile.org_name} AI gateway",
                    "baseUrl": gateway_base(profile, "openai"), "envKey": ctx.token_var}
        if gw.headers:
            provider["generationConfig"] = {"customHeaders": dict(gw.headers)}
        p.add("settings", ("modelProviders", "openai", Item("id", PROVIDER_ID)), provider, soft=ROUTING)
        # Qwen ignores modelProviders until an auth type is selected (verified with qwen 0.24.4).
        p.add("settings", ("security", "auth", "selectedType"), "openai", soft=ROUTING,
              aliases=(("selectedAuthType",),))  # Gemini's older spelling, which Qwen Code kept reading
    p.manual.append(run_hint("qwen"))
    return p


run_env = common.no_run_env
