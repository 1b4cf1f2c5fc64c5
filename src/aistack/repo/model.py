"""What detection finds: commands and facts, each carrying the file and key it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The order commands are shown in: setup, the inner loop, the gate before a pull request, then the rest.
KINDS = ("install", "test", "lint", "format", "typecheck", "gate", "build", "dev")
READ, INFERRED = "read", "inferred"


@dataclass(frozen=True)
class Source:
    file: str  # repository-relative, forward slashes
    key: str   # a name that survives edits: "scripts.test", "target test", "job lint", 'section "Testing"'

    def __str__(self) -> str:
        return f"{self.file} {self.key}".strip()


@dataclass(frozen=True)
class Command:
    kind: str
    run: str
    source: Source
    origin: str = READ   # READ: the command (or the task it names) is written in the repository; INFERRED: built
    note: str = ""       # a caveat an agent needs, e.g. "starts a watch loop"
    cwd: str = ""        # repository-relative directory to run it from ("" is where the AGENTS.md is)
    rank: int = 2        # within a kind: 0 contributor docs, 1 task runners, 2 manifests, 3 CI

    def as_dict(self) -> dict:
        out = {"kind": self.kind, "run": self.run, "file": self.source.file, "key": self.source.key,
               "origin": self.origin}
        if self.note:
            out["note"] = self.note
        if self.cwd:
            out["cwd"] = self.cwd
        return out


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
    ci: list[Command] = field(default_factory=list)       # what CI runs on pull requests, checks first
    release: list[Command] = field(default_factory=list)  # tasks that publish, push or deploy: never to be run
    links: list[Fact] = field(default_factory=list)       # instruction files the team already wrote
    targets: dict[str, dict[str, str | None]] = field(default_factory=dict)  # runner -> {task: kind}
    defaults: dict[str, str] = field(default_factory=dict)  # runner -> the task it runs with no argument

    def extend(self, other: "Findings") -> None:
        for name in ("ecosystems", "commands", "facts", "packages", "monorepo", "warnings", "ci", "release",
                     "links"):
            mine = getattr(self, name)
            for item in getattr(other, name):
                if item not in mine:
                    mine.append(item)
        for runner, tasks in other.targets.items():
            self.targets.setdefault(runner, {}).update(tasks)
        self.defaults.update(other.defaults)

    def lookup(self, runner: str, name: str) -> str | None:
        return self.targets.get(runner, {}).get(name)


_KIND_WORDS = [
    ("typecheck", re.compile(r"(^|[:_-])(typecheck|type-check|types|tsc|mypy|pyright|check-types)($|[:_-])")),
    ("format", re.compile(r"(^|[:_-])(fmt|format|prettier|black|style|codestyle)($|[:_-])")),
    ("lint", re.compile(r"(^|[:_-])(lint|linting|clippy|vet|eslint|ruff|flake8|pylint|check|validate|spell|codespell"
                        r"|shellcheck)($|[:_-])")),
    ("test", re.compile(r"(^|[:_-])(test|tests|unit|e2e|pytest|spec|coverage|cov|py3\d*|py)($|[:_-])")),
    ("build", re.compile(r"(^|[:_-])(build|compile|dist|bundle|package)($|[:_-])")),
    ("dev", re.compile(r"(^|[:_-])(dev|start|serve|run|watch)($|[:_-])")),
    ("install", re.compile(r"(^|[:_-])(install|setup|bootstrap|deps)($|[:_-])")),
]


DOCS = re.compile(r"(^|[:_-])(docs?|documentation|site|book|manual|man)($|[:_-])")
UPKEEP = re.compile(r"(^|[:_-])(update|upgrade|bump|sync|regen|regenerate|generate|gen|refresh|vendor|vendoring"
                    r"|clean|reset|nuke|changelog|release-notes|contributors|authors|lock|relock|rebuild-lockfiles"
                    r"|snapshots?|record|bench|benchmarks?|perf|profile)($|[:_-])")


def is_upkeep(name: str) -> bool:
    """Maintenance a maintainer runs on purpose (update-*, clean, regen, lock): never a check."""
    return bool(UPKEEP.search(name.lower()))


def classify(name: str) -> str | None:
    """The kind of a task by its name (a script, make target, tox env), or None when it says nothing.
    Maintenance tasks (update-*, clean, regen) say nothing; docs tasks build or serve the docs."""
    lowered = name.lower()
    if is_upkeep(lowered):
        return None
    if re.search(r"(^|[:_-])fix($|[:_-])", lowered) and not re.search(r"(^|[:_-])check($|[:_-])", lowered):
        return "format"  # lint:fix rewrites the code
    for kind, pattern in _KIND_WORDS:
        if pattern.search(lowered):
            if DOCS.search(lowered) and kind not in ("dev", "test"):
                return "build"
            return kind
    return "build" if DOCS.search(lowered) and lowered.count("-") + lowered.count(":") else None
