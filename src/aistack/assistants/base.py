"""What an assistant adapter is: pure functions from (org profile, context) to the edits its files need.

An adapter module defines NAME, TITLE, DELIVERY (how the token reaches it: "helper", "env" or "bridge"),
SERVERS (file key -> path of its MCP servers map),
`files(env)`, `detect(env)` and `plan(profile, ctx)`; shared entry builders are in common.py.
Adapters never touch the disk, the clock or the network: the engine does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Protocol

from aistack.engine.document import Path
from aistack.paths import Env
from aistack.profile import Profile


@dataclass(frozen=True)
class ConfigFile:
    key: str  # the adapter's name for the file: "mcp", "settings", ...
    path: PurePath
    fmt: str  # "json" | "jsonc" | "toml" | "yaml"


@dataclass(frozen=True)
class Edit:
    file: str  # ConfigFile.key
    path: Path
    value: Any


@dataclass
class Plan:
    edits: list[Edit] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # what the assistant cannot express, and why
    manual: list[str] = field(default_factory=list)  # what the user must do by hand

    def add(self, file: str, path: Path, value: Any) -> None:
        self.edits.append(Edit(file, path, value))


@dataclass(frozen=True)
class Context:
    env: Env
    aistack: str = "aistack"  # how assistants should run aistack (absolute when known)
    token_var: str = "AISTACK_TOKEN"


class Adapter(Protocol):
    NAME: str
    TITLE: str
    DELIVERY: str
    SERVERS: dict[str, Path]

    def files(self, env: Env) -> dict[str, ConfigFile]: ...

    def detect(self, env: Env) -> bool: ...

    def plan(self, profile: Profile, ctx: Context) -> Plan: ...
