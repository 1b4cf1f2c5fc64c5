"""What an assistant adapter is: pure functions from (org profile, context) to the edits its files need.

An adapter is a module that satisfies `Adapter` (checked by the type checker through registry.ADAPTERS). It is
the one home of what aistack knows about that assistant: its files, how to detect it, what to write (plan), how
fresh tokens reach it (DELIVERY), the environment `aistack run` gives it, its project files, its version command
and how its files are verified. Shared entry builders live in
common.py and are borrowed by assignment or call, never by inheritance. Adapters never touch the disk, the clock
or the network: what they need of the machine comes in through `Env` (paths, `exists`, `which`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Protocol

from aistack.engine.document import Path
from aistack.paths import Env
from aistack.profile import Profile

# How a fresh token reaches an assistant's traffic (Delivery.model / Delivery.mcp), best first.
MECHANISMS = {
    "helper": "the assistant runs `aistack token` itself (per request, per connection or after a 401)",
    "plugin": "a plugin aistack writes runs `aistack token` before every request",
    "relay": "its files name the loopback relay (aistack relay), which adds a fresh token to every request",
    "bridge": "a stdio MCP server, `aistack mcp-bridge NAME`, fetches a fresh token for the remote server",
    "manual": "set by hand in the app (setup prints how)",
    "none": "the assistant cannot route this traffic through the company",
}
PLACEHOLDER_KEY = "aistack-adds-the-real-token"  # for clients that insist on a key where the relay adds the token


@dataclass(frozen=True)
class Delivery:
    """Per kind of traffic, the MECHANISMS key; `how` says it for people (the hooks and entries used)."""

    model: str
    mcp: str
    how: str

    @property
    def relay(self) -> bool:
        return "relay" in (self.model, self.mcp)

    def to_json(self) -> dict[str, Any]:
        return {"model": self.model, "mcp": self.mcp, "how": self.how, "relay": self.relay}


@dataclass(frozen=True)
class ConfigFile:
    key: str  # the adapter's name for the file: "mcp", "settings", ...
    path: PurePath
    fmt: str  # "json" | "jsonc" | "toml" | "yaml" | "text" (a file aistack owns whole)
    # A file an earlier version of the assistant read: aistack writes nothing new there and takes its own entries
    # out; `former` says where they went, shown when it does. `owner`: the `setup` name they were written under,
    # when the assistant has been renamed since.
    former: str | None = None
    owner: str | None = None


@dataclass(frozen=True)
class Verified:
    """How the test suite checks what aistack writes for an assistant (`setup --list --json` shows it)."""

    by: str  # "client": its own CLI reads it; "schema": its published JSON schema; "docs": its documentation only
    what: str  # the CLI, the schema file (under tests/schemas/) or the documentation page
    version: str  # the CLI's version, or the date the schema or page was read (YYYY-MM-DD)

    def to_json(self) -> dict[str, str]:
        return {"by": self.by, "what": self.what, "version": self.version}


@dataclass(frozen=True)
class ManagedFile:
    """A file of the assistant's machine-wide, admin-owned layer, which users cannot override: `aistack policy`
    renders and installs it, `setup` and `doctor` read it. `paths` maps `sys.platform` ("linux", "darwin",
    "win32") to the absolute path the assistant reads; `override` is the environment variable the assistant
    honours to read it from elsewhere (the tests use it, never the machine's real /etc)."""

    key: str  # "managed-settings", "requirements", ...
    fmt: str  # "json" | "jsonc" | "toml"
    paths: dict[str, str]
    override: str | None = None
    # Read only when the file and every directory above it belong to root and are not writable by group or others
    # (POSIX); the assistant skips it otherwise, so it blocks nothing.
    root_only: bool = False


@dataclass(frozen=True)
class Edit:
    file: str  # ConfigFile.key
    path: Path
    value: Any
    # Gateway routing that gives way to a choice the user made in the assistant (their own provider, base URL or
    # sign-in): the name of the group of edits left out together, unless forced.
    soft: str | None = None
    aliases: tuple[Path, ...] = ()  # the assistant's older spellings of the same setting


@dataclass
class Plan:
    edits: list[Edit] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # what the assistant cannot express, and why
    manual: list[str] = field(default_factory=list)  # what the user must do by hand

    def add(self, file: str, path: Path, value: Any, *, soft: str | None = None,
            aliases: tuple[Path, ...] = ()) -> None:
        self.edits.append(Edit(file, path, value, soft, aliases))


# The relay's URL scheme (aistack.relay.routes serves it): model traffic per gateway provider, MCP per org server.
RELAY_GATEWAY = "/gw/"
RELAY_MCP = "/mcp/"
RELAY_OTEL = "/otel"  # the org's OpenTelemetry collector: `/otel/v1/{metrics,logs,traces}`
OTLP_SIGNALS = ("v1/metrics", "v1/logs", "v1/traces")
RELAY_PROVIDERS = ("anthropic", "openai", "google")


@dataclass(frozen=True)
class Context:
    env: Env
    aistack: str = "aistack"  # how assistants should run aistack (absolute when known)
    token_var: str = "AISTACK_TOKEN"
    relay: str | None = None  # the user's relay (`http://127.0.0.1:PORT`); None where a file is shared (--project)

    def relay_gateway(self, provider: str) -> str:
        """The relay's URL standing for the gateway's `provider` base URL (it adds the token and static headers)."""
        assert self.relay is not None and provider in RELAY_PROVIDERS
        return f"{self.relay}{RELAY_GATEWAY}{provider}"

    def relay_telemetry(self) -> str:
        """The relay's URL standing for the collector's OTLP/HTTP endpoint (it adds the token and static headers)."""
        assert self.relay is not None
        return f"{self.relay}{RELAY_OTEL}"

    def relay_mcp(self, name: str) -> str:
        """The relay's URL standing for the org's MCP server `name`."""
        assert self.relay is not None
        return f"{self.relay}{RELAY_MCP}{name}"


class Adapter(Protocol):
    """One assistant. Attributes are read-only; functions are pure."""

    @property
    def NAME(self) -> str: ...  # the `aistack setup` name
    @property
    def TITLE(self) -> str: ...  # the product's name, for people
    @property
    def DELIVERY(self) -> Delivery: ...  # how fresh tokens reach its model and MCP traffic
    @property
    def GATEWAY(self) -> str: ...  # model routing: "file", "run" (environment), "manual" or "none"
    @property
    def SERVERS(self) -> Mapping[str, Path]: ...  # file key -> path of its MCP servers map
    @property
    def PROJECT(self) -> Mapping[str, str | tuple[str, ...]]: ...  # file key -> repo-level file (relative to the
    # project root), or candidates: the first that exists in the project, else the first
    @property
    def PROJECT_NOTE(self) -> str | None: ...  # what a team should know about its project file
    @property
    def COMMANDS(self) -> tuple[str, ...]: ...  # its executables: detection and `aistack run` routing
    @property
    def VERSION_COMMAND(self) -> str | None: ...  # an executable whose `--version` is cheap and offline
    @property
    def VERIFIED(self) -> tuple[Verified, ...]: ...  # how the tests check its files, strongest first
    @property
    def MANAGED(self) -> tuple[ManagedFile, ...]: ...  # its admin-owned layer's files; () when it has none
    @property
    def MDM(self) -> Mapping[str, Mapping[str, Any]]: ...  # ManagedFile.key -> macOS domain, Windows registry value

    def files(self, env: Env) -> dict[str, ConfigFile]: ...

    def detect(self, env: Env) -> bool: ...

    def plan(self, profile: Profile, ctx: Context) -> Plan: ...

    def run_env(self, profile: Profile, ctx: Context) -> dict[str, str]: ...  # never a token: `run` adds that

    # The documents of its admin-owned layer (ManagedFile.key -> the whole document) for the profile's [policy]
    # and servers; {} when it has no layer (common.no_managed). Machine-wide: no user, no relay in it.
    def managed(self, profile: Profile) -> dict[str, Any]: ...

    # What a platform team sets by hand in the assistant's admin dashboard for the profile's [policy], where its
    # allowlist lives only there (common.no_admin_steps otherwise).
    def admin_steps(self, profile: Profile) -> list[str]: ...
    # Why the admin-owned layer (`docs`: each MANAGED file's parsed content by key, only those present) blocks or
    # hides the MCP server `name` whose entry in the user's file is `entry` (what aistack writes, or the user's
    # own), as the assistant itself decides it; None when it does not. `common.no_managed_verdict` for none.
    def managed_verdict(self, docs: dict[str, Any], name: str, entry: Any) -> str | None: ...
