"""Every supported assistant, by its `aistack setup` name. Adding one: a module, a line here, a test fixture."""

from __future__ import annotations

from aistack.assistants import (
    amp,
    antigravity,
    claude_code,
    claude_desktop,
    cline,
    codex,
    continue_dev,
    copilot_cli,
    cursor,
    devin,
    gemini_cli,
    goose,
    junie,
    kilo_code,
    opencode,
    qwen_code,
    vscode,
    windsurf,
    zed,
    zoo_code,
)
from aistack.assistants.base import Adapter, Context
from aistack.assistants.common import command_stem
from aistack.profile import Profile

# In the order `setup --list` shows them. The annotation makes the type checker hold each module to Adapter.
_MODULES: tuple[Adapter, ...] = (
    claude_code, codex, gemini_cli, opencode, windsurf, cursor, vscode, zed, claude_desktop, copilot_cli, qwen_code,
    goose, continue_dev, cline, zoo_code, kilo_code, amp, junie, antigravity, devin,
)
ADAPTERS: dict[str, Adapter] = {adapter.NAME: adapter for adapter in _MODULES}
# Names of products that were renamed or replaced: old name -> (current name, what happened).
ALIASES: dict[str, tuple[str, str]] = {
    zoo_code.FORMERLY: (zoo_code.NAME, "Roo Code shut down on 2026-05-15; Zoo Code is its successor"),
}


def names() -> list[str]:
    return list(ADAPTERS)


def get(name: str) -> Adapter:
    return ADAPTERS[name]


def resolve(names: list[str]) -> tuple[list[str], list[str]]:
    """The current names for what the user typed, and a note for each old name that was replaced."""
    current, notes = [], []
    for name in names:
        if name in ALIASES:
            new, why = ALIASES[name]
            notes.append(f"{name}: {why}: setting up `{new}` instead (`aistack setup {new}`).")
            name = new
        current.append(name)
    return current, notes


def for_command(command: str) -> Adapter | None:
    """The assistant a command line starts (`/usr/bin/gemini`, `copilot.cmd`, ...), for `aistack run`."""
    name = command_stem(command)
    return next((a for a in _MODULES if name in a.COMMANDS), None)


def run_env(profile: Profile | None, ctx: Context, command: str) -> dict[str, str]:
    """The gateway route `aistack run COMMAND` adds for an assistant that takes it from its environment (never a
    token: `aistack run` exports AISTACK_TOKEN itself)."""
    adapter = for_command(command)
    return adapter.run_env(profile, ctx) if adapter is not None and profile is not None else {}
