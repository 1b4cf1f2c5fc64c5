"""Continue (the IDE extension and its CLI `cn`): ~/.continue/config.yaml, where `mcpServers` is a list of
entries with a `name`. `cn` fills `${{ secrets.AISTACK_TOKEN }}` from its environment, but the IDE extension shares
this file and is started from the desktop, so servers needing the token go through `aistack mcp-bridge`, which
serves both. Verified with cn 1.5.47: it refuses a config.yaml without `name` and `version` and one whose entry has
an unknown `type`, whole, so aistack writes only into a config.yaml that exists."""

from __future__ import annotations

from typing import Any

from aistack.assistants import common
from aistack.assistants.base import ConfigFile, Context, Delivery, ManagedFile, Plan, Verified
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
PROJECT: dict[str, str | tuple[str, ...]] = {}  # no repo-level file (cn does not read .continue/mcpServers/)
PROJECT_NOTE = None
COMMANDS = ("cn",)  # its executables: detection, `aistack run` routing
VERSION_COMMAND = "cn"  # prints its version cheaply (doctor)
VERIFIED = (Verified("client", "cn", "1.5.47"),
            Verified("schema", "continue-config-yaml.schema.json", "2026-12-02"))
TYPES = {"http": "streamable-http", "sse": "sse"}
MANAGED: tuple[ManagedFile, ...] = ()  # no admin-owned file layer
MDM: dict[str, dict[str, Any]] = {}  # no MDM payload
admin_steps = common.no_admin_steps


def files(env: Env) -> dict[str, ConfigFile]:
    return {"config": ConfigFile("config", env.under_home(".continue", "config.yaml"), "yaml")}


def detect(env: Env) -> bool:
    return env.exists(env.under_home(".continue")) or on_path(env, *COMMANDS)


def plan(profile: Profile, ctx: Context) -> Plan:
    p = Plan()
    path = files(ctx.env)["config"].path
    if not ctx.env.exists(path):
        p.skipped.append(f"{path} does not exist yet, and Continue refuses a config.yaml without its `name` and "
                         "`version`: open Continue once (it writes its default config.yaml) or create the file with "
                         "`name: Local Config` and `version: 1.0.0` lines, then run `aistack setup continue` again.")
        return p
    for server in profile.mcp_servers:
        entry = mcp_entry(server, profile, ctx, types=TYPES, gui=True,
                          header_key=("requestOptions", "headers"))
        assert entry is not None  # TYPES holds every remote transport
        p.add("config", ("mcpServers", Item("name", server.name)), {"name": server.name, **entry})
    if profile.gateway:
        key = RELAY_KEY_NOTE if ctx.relay else (
            ". In the IDE its key cannot come from a command: use a key your platform team issues for Continue")
        p.manual.append(f"Continue: add a model with `provider: openai` and `apiBase: "
                        f"{relay_or_gateway(profile, ctx, 'openai')}`{key}.")
    return p


run_env = common.no_run_env
managed = common.no_managed
managed_verdict = common.no_managed_verdict
