"""Continue: ~/.continue/config.yaml, where `mcpServers` is a list of entries with a `name`. Its secrets syntax
cannot reach the environment reliably, so servers needing the token go through `aistack mcp-bridge`."""

from __future__ import annotations

from aistack.assistants import common
from aistack.assistants.base import ConfigFile, Context, Delivery, Plan
from aistack.assistants.common import RELAY_KEY_NOTE, mcp_entry, on_path, relay_or_gateway
from aistack.engine.document import Item
from aistack.paths import Env
from aistack.profile import Profile

NAME = "continue"
TITLE = "Continue"
SERVERS = {"config": ("mcpServers",)}
DELIVERY = Delivery("manual", "bridge",
                    "MCP through `aistack mcp-bridge`; models: an apiBase at the relay with any key, set by hand")
GATEWAY = "manual"
PROJECT: dict[str, str] = {}  # no repo-level file
PROJECT_NOTE = None
COMMANDS = ("cn",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = None  # prints its version cheaply (doctor)
TYPES = {"http": "streamable-http", "sse": "sse"}


def files(env: Env) -> dict[str, ConfigFile]:
    return {"config": ConfigFile("config", env.under_home(".continue", "config.yaml"), "yaml")}


def detect(env: Env) -> bool:
    return env.exists(env.under_home(".continue")) or on_path(env, *COMMANDS)


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    for server in profile.mcp_servers:
        entry = mcp_entry(server, profile, ctx, types=TYPES, gui=True,
                          header_key=("requestOptions", "headers"))
        p.add("config", ("mcpServers", Item("name", server.name)), {"name": server.name, **entry})
    if profile.gateway:
        key = RELAY_KEY_NOTE if ctx.relay else (
            "; its key cannot come from a command, so use a key your platform team issues for Continue")
        p.manual.append(f"Continue: add a model with `provider: openai` and `apiBase: "
                        f"{relay_or_gateway(profile, ctx, 'openai')}`{key}.")
    return p


run_env = common.no_run_env
