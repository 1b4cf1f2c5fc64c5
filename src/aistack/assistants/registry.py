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
    "vscode": "aistack.assistants.vscode",
    "zed": "aistack.assistants.zed",
    "claude-desktop": "aistack.assistants.claude_desktop",
    "copilot-cli": "aistack.assistants.copilot_cli",
    "qwen-code": "aistack.assistants.qwen_code",
    "goose": "aistack.assistants.goose",
    "continue": "aistack.assistants.continue_dev",
    "cline": "aistack.assistants.cline",
    "roo-code": "aistack.assistants.roo_code",
    "kilo-code": "aistack.assistants.kilo_code",
    "amp": "aistack.assistants.amp",
    "junie": "aistack.assistants.junie",
    "antigravity": "aistack.assistants.antigravity",
    "devin": "aistack.assistants.devin",
}


def names() -> list[str]:
    return list(ADAPTERS)


def get(name: str) -> ModuleType:
    return importlib.import_module(ADAPTERS[name])
