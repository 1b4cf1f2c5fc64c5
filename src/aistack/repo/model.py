"""What detection finds: commands and facts, each carrying the file and key it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The order commands are shown in; anything else is "other".
KINDS = ("install", "build", "test", "lint", "format", "typecheck", "dev")


@dataclass(frozen=True)
class Source:
    file: str  # repository-relative, forward slashes
    key: str   # e.g. "scripts.test", "target test (line 12)", "jobs.ci.steps[2].run"

    def __str__(self) -> str:
        return f"{self.file} {self.key}".strip()


@dataclass(frozen=True)
class Command:
    kind: str
    run: str
    source: Source

    def as_dict(self) -> dict:
        return {"kind": self.kind, "run": self.run, "file": self.source.file, "key": self.source.key}


@dataclass(frozen=True)
class Fact:
    """A stack fact worth an agent knowing, e.g. ("Node.js", ">=20", package.json engines.node)."""

    label: str
    value: str
    source: Source

    def as_dict(self) -> dict:
        return {"label": self.label, "value": self.value, "file": self.source.file, "key": self.source.key}


@dataclass(frozen=True)
class Package:
    path: str        # directory relative to the repository root
    name: str
    ecosystem: str   # "node", "python", "rust", "go", "jvm"
    source: Source   # the workspace declaration that lists it


@dataclass
class Findings:
    """What one detector found in one directory."""

    ecosystems: list[str] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    packages: list[Package] = field(default_factory=list)
    monorepo: list[str] = field(default_factory=list)   # e.g. "pnpm workspace (pnpm-workspace.yaml)"
    warnings: list[str] = field(default_factory=list)

    def extend(self, other: "Findings") -> None:
        for name in ("ecosystems", "commands", "facts", "packages", "monorepo", "warnings"):
            mine = getattr(self, name)
            for item in getattr(other, name):
                if item not in mine:
                    mine.append(item)


_KIND_WORDS = [
    ("typecheck", re.compile(r"(^|[:_-])(typecheck|type-check|types|tsc|mypy|pyright|check-types)($|[:_-])")),
    ("format", re.compile(r"(^|[:_-])(fmt|format|prettier|black|style)($|[:_-])")),
    ("lint", re.compile(r"(^|[:_-])(lint|clippy|vet|eslint|ruff|flake8|pylint|check)($|[:_-])")),
    ("test", re.compile(r"(^|[:_-])(test|tests|unit|e2e|pytest|spec|coverage|cov|py3\d*|py)($|[:_-])")),
    ("build", re.compile(r"(^|[:_-])(build|compile|dist|bundle|package)($|[:_-])")),
    ("dev", re.compile(r"(^|[:_-])(dev|start|serve|run|watch)($|[:_-])")),
    ("install", re.compile(r"(^|[:_-])(install|setup|bootstrap|deps)($|[:_-])")),
]


def classify(name: str) -> str | None:
    """The kind of a task by its name (a script, make target, tox env), or None when it says nothing."""
    lowered = name.lower()
    for kind, pattern in _KIND_WORDS:
        if pattern.search(lowered):
            return kind
    return None
