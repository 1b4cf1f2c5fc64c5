"""OpenCode: ~/.config/opencode/opencode.json or .jsonc (`mcp`, command as an array; providers' `baseURL`).

OpenCode reads `{env:}` and `{file:}` once, so no token goes in its files: a plugin aistack writes
(`plugin/aistack.js`, loaded by OpenCode from its config directory) runs `aistack token --headers-json` before every
model request (its `chat.headers` hook, whose headers win over the provider's key), and token-protected MCP servers
are at the relay, with OpenCode's own OAuth turned off for them (on a 401 it would start an OAuth flow)."""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

from aistack.assistants import common
from aistack.assistants.base import PLACEHOLDER_KEY, ConfigFile, Context, Delivery, ManagedFile, Plan, Verified
from aistack.assistants.common import bridge_command, gateway_base, on_path, stdio_command, through_relay
from aistack.paths import Env
from aistack.profile import McpServer, Profile

NAME = "opencode"
TITLE = "OpenCode"
SERVERS = {"config": ("mcp",)}  # where each file keeps its MCP servers
PROJECT = {"config": "opencode.json"}  # repo-level files, relative to the project root
DELIVERY = Delivery("plugin", "relay",
                    "the plugin aistack writes runs `aistack token --headers-json` before every model request "
                    "(chat.headers); MCP url at the relay, OAuth off; SSE servers through the bridge")
GATEWAY = "file"
PROJECT_NOTE = None
COMMANDS = ("opencode",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = "opencode"  # prints its version cheaply (doctor)
VERIFIED = (Verified("client", "opencode", "1.18.33"),)
PROVIDERS = ("anthropic", "openai", "google")
TEXT = "text"  # the plugin file's one value (engine textdoc)
# Its managed config (opencode 1.18.33 `managedConfigDir`: opencode.json, then opencode.jsonc, merged last, over
# the user's; the directory moves with OPENCODE_TEST_MANAGED_CONFIG_DIR; macOS MDM domain `ai.opencode.managed`).
# It has no MCP allowlist or denylist, so `aistack policy` renders nothing for it (managed = no_managed).
MANAGED = (
    ManagedFile("managed-config", "jsonc", {"linux": "/etc/opencode/opencode.json",
                                            "darwin": "/Library/Application Support/opencode/opencode.json",
                                            "win32": "C:\\ProgramData\\opencode\\opencode.json"}),
)
MDM: dict[str, dict[str, Any]] = {}  # no MDM payload
admin_steps = common.no_admin_steps


def _dir(env: Env) -> PurePath:
    return env.xdg_config().joinpath("opencode") if not env.windows else env.under_home(".config", "opencode")


def files(env: Env) -> dict[str, ConfigFile]:
    jsonc = _dir(env).joinpath("opencode.jsonc")
    path = jsonc if env.exists(jsonc) else _dir(env).joinpath("opencode.json")
    return {"config": ConfigFile("config", path, "jsonc"), "plugin": plugin_file(_dir(env))}


def detect(env: Env) -> bool:
    return env.exists(_dir(env)) or on_path(env, *COMMANDS)


def server_entry(server: McpServer, profile: Profile, ctx: Context) -> dict[str, Any]:
    if server.kind == "stdio" or (server.auth == "token" and not through_relay(server, ctx)):
        command, args = stdio_command(server, ctx) if server.kind == "stdio" else bridge_command(server, ctx)
        entry = {"type": "local", "command": [command, *args], "enabled": True}
        if server.env and server.kind == "stdio":
            entry["environment"] = dict(server.env)
        return entry
    if through_relay(server, ctx):
        return {"type": "remote", "url": ctx.relay_mcp(server.name), "enabled": True, "oauth": False}
    entry = {"type": "remote", "url": server.url, "enabled": True}
    if server.headers:
        entry["headers"] = dict(server.headers)
    return entry


PLUGIN = r"""// Written by `aistack setup`; `aistack setup --remove` deletes it. Before every model request OpenCode asks
// this plugin for headers (`chat.headers`); it runs `aistack token --headers-json`, so each request carries a
// token that is valid now, and a session outlives any one token. No token is kept in a file.
import { execFile } from "node:child_process"

const AISTACK = __AISTACK__
// Only the providers aistack routes to the gateway, and only while they still go there: a provider the user routes
// elsewhere never gets the company token.
const GATEWAY = __GATEWAY__
const same = (a, b) => typeof a === "string" && a.replace(/\/+$/, "") === b.replace(/\/+$/, "")

function freshHeaders() {
  return new Promise((resolve, reject) => {
    execFile(AISTACK, ["token", "--headers-json"], { timeout: 120000, windowsHide: true }, (error, stdout, stderr) => {
      if (error) reject(new Error(String(stderr || error.message).trim()))
      else resolve(JSON.parse(stdout))
    })
  })
}

export const AistackToken = async () => ({
  "chat.headers": async (input, output) => {
    const provider = input?.provider?.id ?? input?.model?.providerID
    if (!(provider in GATEWAY) || !same(input?.provider?.options?.baseURL, GATEWAY[provider])) return
    const headers = await freshHeaders()
    for (const [name, value] of Object.entries(headers)) output.headers[name.toLowerCase()] = value
    // The Anthropic provider sends its key as x-api-key: that one must be fresh too.
    const bearer = headers.Authorization ?? headers.authorization
    if (provider === "anthropic" && typeof bearer === "string" && bearer.startsWith("Bearer ")) {
      output.headers["x-api-key"] = bearer.slice(7)
    }
  },
})
"""  # noqa: E501 - the plugin file's bytes, as users already have them


def plugin_source(ctx: Context, gateway: dict[str, str]) -> str:
    """The plugin for these providers (name -> the base URL aistack writes for it)."""
    return PLUGIN.replace("__AISTACK__", json.dumps(ctx.aistack)).replace("__GATEWAY__", json.dumps(gateway))


def plan(profile: Profile, ctx: Context) -> Plan:
    return config_plan(profile, ctx)


def plugin_file(directory: PurePath) -> ConfigFile:
    """The plugin aistack writes into an OpenCode-style config directory (OpenCode, Kilo Code)."""
    return ConfigFile("plugin", directory.joinpath("plugin", "aistack.js"), "text")


def config_plan(profile: Profile, ctx: Context) -> Plan:
    """OpenCode's config shape, for OpenCode and its forks (Kilo Code): servers under `mcp`, providers' options,
    and the plugin (file key "plugin") that puts a fresh token on every model request."""
    p = Plan()
    for server in profile.mcp_servers:
        p.add("config", ("mcp", server.name), server_entry(server, profile, ctx))
    gw = profile.gateway
    if gw:
        routed: dict[str, str] = {}
        for provider in PROVIDERS:
            if provider == "google" and provider not in gw.providers:
                continue  # Google's API shape differs from the gateway root: only with an explicit route
            routing = f"gateway routing for {provider}"  # soft: left out when the user routes it their way
            options = ("provider", provider, "options")
            base = gateway_base(profile, provider) or gw.url
            if provider == "anthropic":
                base += "/v1"  # OpenCode posts to <baseURL>/messages; Claude Code's base has no /v1
            routed[provider] = base
            p.add("config", (*options, "baseURL"), base, soft=routing)
            p.add("config", (*options, "apiKey"), PLACEHOLDER_KEY, soft=routing)  # the plugin's headers replace it
            if gw.headers:
                p.add("config", (*options, "headers"), dict(gw.headers), soft=routing)
        p.add("plugin", (TEXT,), plugin_source(ctx, routed))
    return p


run_env = common.no_run_env
managed = common.no_managed
managed_verdict = common.no_managed_verdict
