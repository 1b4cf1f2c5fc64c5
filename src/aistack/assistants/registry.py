"""Every supported assistant, by its CLI name. Adding one: a module, a line here, a test fixture."""

from __future__ import annotations

import importlib
from types import ModuleType

ADAPTERS: dict[str, str] = {
    "claude-code": "aistack.assistants.claude_code",
    "codex": "aistack.assistants.codex",
    "gemini-cli": "aistack.assistants.gemini_cli",
    "opencode": "aistack.assistants.opencode",
    "windsurf": "aistack.assistants.windsurf",
    "cursor": "aistack.assistants.cursor",
}


def names() -> list[str]:
    return list(ADAPTERS)


def get(name: str) -> ModuleType:
    return importlib.import_module(ADAPTERS[name])
