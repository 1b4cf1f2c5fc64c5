"""OpenCode: ~/.config/opencode/opencode.json or .jsonc (`mcp`, command as an array; providers' `baseURL`).
`{env:AISTACK_TOKEN}` is interpolated from its environment (`aistack run opencode`)."""

from __future__ import annotations

from aistack.assistants import common
from aistack.assistants.base import ConfigFile, Context, Plan, Verified
from aistack.headers import is_bearer, token_value
from aistack.assistants.common import auth_headers, gateway_base, on_path, run_hint, stdio_command
from aistack.paths import Env
from aistack.profile import Profile

NAME = "opencode"
TITLE = "OpenCode"
SERVERS = {"config": ("mcp",)}  # where each file keeps its MCP servers
PROJECT = {"config": "opencode.json"}  # repo-level files, relative to the project root
DELIVERY = "env"
GATEWAY = "file"
PROJECT_NOTE = None
COMMANDS = ("opencode",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = "opencode"  # prints its version cheaply (doctor)
VERIFIED = (Verified("client", "opencode", "1.18.33"),)
PROVIDERS = ("anthropic", "openai", "google")


def _dir(env: Env):
    return env.xdg_config().joinpath("opencode") if not env.windows else env.under_home(".config", "opencode")


def files(env: Env) -> dict[str, ConfigFile]:
    jsonc = _dir(env).joinpath("opencode.jsonc")
    path = jsonc if env.exists(jsonc) else _dir(env).joinpath("opencode.json")
    return {"config": ConfigFile("config", path, "jsonc")}


def detect(env: Env) -> bool:
    return env.exists(_dir(env)) or on_path(env, *COMMANDS)


def server_entry(server, profile: Profile, ctx: Context) -> dict:
    if server.kind == "stdio":
        command, args = stdio_command(server, ctx)
        entry = {"type": "local", "command": [command, *args], "enabled": True}
        if server.env:
            entry["environment"] = dict(server.env)
        return entry
    entry = {"type": "remote", "url": server.url, "enabled": True}
    headers = auth_headers(profile, server, f"{{env:{ctx.token_var}}}")
    if headers:
        entry["headers"] = headers
    return entry


def plan(profile: Profile, ctx: Context) -> Plan:
    return config_plan(profile, ctx, "opencode")


def config_plan(profile: Profile, ctx: Context, command: str) -> Plan:
    """OpenCode's config shape, for OpenCode and its forks (Kilo Code): servers under `mcp`, providers' options."""
    p = Plan()
    for server in profile.mcp_servers:
        p.add("config", ("mcp", server.name), server_entry(server, profile, ctx))
    gw = profile.gateway
    if gw:
        token = f"{{env:{ctx.token_var}}}"
        for provider in PROVIDERS:
            if provider == "google" and provider not in gw.providers:
                continue  # Google's API shape differs from the gateway root: only with an explicit route
            options = ("provider", provider, "options")
            routing = f"gateway routing for {provider}"  # soft: left out when the user routes it their way
            base = gateway_base(profile, provider)
            if provider == "anthropic":
                base += "/v1"  # OpenCode posts to <baseURL>/messages; Claude Code's base has no /v1
            p.add("config", (*options, "baseURL"), base, soft=routing)
            headers = dict(gw.headers)
            if is_bearer(gw.token_header):
                p.add("config", (*options, "apiKey"), token, soft=routing)
                # The Anthropic provider sends apiKey as x-api-key only (opencode 1.18): say Bearer too.
                if provider == "anthropic":
                    headers["Authorization"] = token_value("Authorization", token)
            else:
                headers[gw.token_header] = token
            if headers:
                p.add("config", (*options, "headers"), headers, soft=routing)
    p.manual.append(run_hint(command))
    return p


run_env = common.no_run_env
