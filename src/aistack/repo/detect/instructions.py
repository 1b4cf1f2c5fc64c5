"""Instruction files the team already wrote for other assistants: AGENTS.md links them instead of competing."""

from __future__ import annotations

import re

from aistack.repo.index import RepoView, join
from aistack.repo.model import Fact, Findings, Source

FILES = ((".github/copilot-instructions.md", "GitHub Copilot's instructions"), (".cursorrules", "Cursor rules"),
         (".windsurfrules", "Windsurf rules"), (".clinerules", "Cline rules"), ("GEMINI.md", "Gemini CLI's context"),
         ("CONVENTIONS.md", "coding conventions"))
DIRS = ((".cursor/rules/", "Cursor rules"), (".github/instructions/", "Copilot path-specific instructions"),
        (".clinerules/", "Cline rules"), (".windsurf/rules/", "Windsurf rules"))
IMPORT = re.compile(r"^\s*@(\S+)\s*$", re.M)
BRIDGE_ONLY = re.compile(r"\A(?:\s*<!--[^>]*-->\s*|\s*@(?:\./)?AGENTS\.md\s*)*\Z")


def claude(view: RepoView, scope: str, out: Findings) -> None:
    """CLAUDE.md: its `@path` imports are the team's instructions; its own text too, unless it only bridges."""
    rel = join(scope, "CLAUDE.md")
    if not view.has(rel) or view.is_link(rel):
        return
    text = view.text(rel) or ""
    base = rel.rpartition("/")[0]
    for target in IMPORT.findall(text):
        path = join(base, target.removeprefix("./")) if not target.startswith(("/", "~")) else ""
        if path and path.rpartition("/")[2] != "AGENTS.md" and view.has(path):
            out.links.append(Fact(path, "imported by CLAUDE.md", Source(rel, f"@{target}")))
    own = IMPORT.sub("", text)
    if not BRIDGE_ONLY.match(text) and len(own.strip()) > 200:
        out.links.append(Fact(rel, "Claude Code's instructions", Source(rel, "")))


def detect(view: RepoView, scope: str, found: Findings) -> Findings:
    out = Findings()
    claude(view, scope, out)
    for name, what in FILES:
        rel = join(scope, name)
        if view.has(rel) and all(link.label != rel for link in out.links):
            out.links.append(Fact(rel, what, Source(rel, "")))
    for directory, what in DIRS:
        prefix = join(scope, directory)
        count = len(view.under(prefix))
        if count:
            out.links.append(Fact(prefix, f"{what} ({count} file{'s' if count > 1 else ''})", Source(prefix, "")))
    return out
