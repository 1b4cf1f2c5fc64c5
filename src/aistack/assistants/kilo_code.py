"""Kilo Code 7 (CLI and VS Code extension, an OpenCode fork): ~/.config/kilo/kilo.jsonc (or kilo.json), OpenCode's
shape: `mcp`, providers' `baseURL`, and OpenCode's plugins: the same plugin as OpenCode's (`plugin/aistack.js` in
Kilo's config directory, its `chat.headers` hook) puts a fresh token on every model request, and token-protected MCP
servers are at the relay. Verified with kilo 7.7.7, which also rewrites the file on its first run (adds `$schema`,
keeps comments).

Kilo Code 6 kept servers in the extension's mcp_settings.json, which Kilo 7 only reads into memory inside VS Code
and never interpolates: aistack writes nothing new there and takes its own entries out, saying so."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from aistack.assistants import common, opencode, vscode_extension
from aistack.assistants.base import ConfigFile, Context, Delivery, ManagedFile, Plan, Verified
from aistack.assistants.common import on_path
from aistack.paths import Env
from aistack.profile import Profile

NAME = "kilo-code"
TITLE = "Kilo Code"
SERVERS = {"config": ("mcp",), "legacy": ("mcpServers",)}
# repo-level files, relative to the project root: the first of these that exists, else kilo.jsonc
PROJECT: dict[str, str | tuple[str, ...]] = {
    "config": ("kilo.jsonc", "kilo.json", ".kilo/kilo.jsonc", ".kilo/kilo.json"), "legacy": ".kilocode/mcp.json"}
DELIVERY = Delivery("plugin", "relay",
                    "the plugin aistack writes (plugin/aistack.js in Kilo's config directory) runs `aistack token "
                    "--headers-json` before every model request; MCP url at the relay, OAuth off")
GATEWAY = "file"
PROJECT_NOTE = None
COMMANDS = ("kilo", "kilocode")  # its executables: detection, `aistack run` routing
VERSION_COMMAND = "kilo"  # prints its version cheaply (doctor)
VERIFIED = (Verified("client", "kilo", "7.7.7"),)
EXTENSION = "kilocode.kilo-code"
MOVED = ("Kilo Code 7 reads kilo.jsonc (OpenCode's format): aistack moved its servers there and took them out of "
         "this Kilo Code 6 file; the servers you added here stay.")
MANAGED: tuple[ManagedFile, ...] = ()  # no admin-owned file layer
MDM: dict[str, dict[str, Any]] = {}  # no MDM payload
admin_steps = common.no_admin_steps


def _dir(env: Env) -> PurePath:
    found = env.from_var("KILO_CONFIG_DIR")
    return found or (env.under_home(".config", "kilo") if env.windows else env.xdg_config().joinpath("kilo"))


def files(env: Env) -> dict[str, ConfigFile]:
    jsonc, json_ = _dir(env).joinpath("kilo.jsonc"), _dir(env).joinpath("kilo.json")
    path = json_ if env.exists(json_) and not env.exists(jsonc) else jsonc
    legacy = vscode_extension.storage(env, EXTENSION, "mcp_settings.json")
    return {"config": ConfigFile("config", path, "jsonc"), "plugin": opencode.plugin_file(_dir(env)),
            "legacy": ConfigFile("legacy", legacy, "json", former=MOVED)}


def detect(env: Env) -> bool:
    return (env.exists(_dir(env)) or on_path(env, *COMMANDS)
            or env.exists(vscode_extension.storage(env, EXTENSION, "mcp_settings.json").parent.parent))


def plan(profile: Profile, ctx: Context) -> Plan:
    return opencode.config_plan(profile, ctx)


run_env = common.no_run_env
managed = common.no_managed
managed_verdict = common.no_managed_verdict
