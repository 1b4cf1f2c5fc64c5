"""The template's variables, built from detection: pure data, no I/O beyond the RepoView."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from aistack.repo.detect import detect
from aistack.repo.index import RepoView
from aistack.repo.model import KINDS, Command, Findings, Package

LANGUAGES = {
    "py": "Python", "ts": "TypeScript", "tsx": "TypeScript", "js": "JavaScript", "jsx": "JavaScript",
    "mjs": "JavaScript", "cjs": "JavaScript", "go": "Go", "rs": "Rust", "java": "Java", "kt": "Kotlin",
    "kts": "Kotlin", "scala": "Scala", "rb": "Ruby", "php": "PHP", "cs": "C#", "c": "C", "h": "C", "cc": "C++",
    "cpp": "C++", "hpp": "C++", "swift": "Swift", "m": "Objective-C", "ex": "Elixir", "exs": "Elixir",
    "erl": "Erlang", "hs": "Haskell", "lua": "Lua", "dart": "Dart", "sh": "Shell", "vue": "Vue", "svelte": "Svelte",
    "zig": "Zig", "clj": "Clojure", "r": "R", "jl": "Julia", "tf": "Terraform", "sql": "SQL",
}
MAX_PER_KIND = 8
MIN_SHARE = 0.05


def languages(files: list[str], limit: int = 5) -> list[str]:
    """Languages by tracked source files, largest first, each at least 5% of the source files."""
    counts: Counter[str] = Counter()
    for f in files:
        name = f.rpartition("/")[2]
        dot = name.rfind(".")
        if dot > 0:
            lang = LANGUAGES.get(name[dot + 1:].lower())
            if lang:
                counts[lang] += 1
    total = sum(counts.values())
    return [lang for lang, n in counts.most_common(limit) if n >= total * MIN_SHARE]


def grouped(commands: list[Command]) -> list[tuple[str, list[Command]]]:
    """Commands by kind in a fixed order, the same command line listed once, at most MAX_PER_KIND per kind."""
    seen: set[str] = set()
    groups: dict[str, list[Command]] = {}
    for c in commands:
        if c.kind == "ci" or c.run in seen:
            continue
        seen.add(c.run)
        groups.setdefault(c.kind if c.kind in KINDS else "other", []).append(c)
    return [(k, groups[k][:MAX_PER_KIND]) for k in (*KINDS, "other") if k in groups]


def first_of_each(commands: list[Command]) -> list[Command]:
    """Each command line once, where it first appears (CI repeats `npm ci` in every job)."""
    seen: dict[str, Command] = {}
    for c in commands:
        seen.setdefault(c.run, c)
    return list(seen.values())


@dataclass
class Scope:
    """What one AGENTS.md is about: the repository root, or one package of a monorepo."""

    findings: Findings
    package: Package | None = None
    packages: list[Package] = field(default_factory=list)


def root_scope(view: RepoView) -> Scope:
    found = detect(view, "")
    return Scope(found, None, sorted(found.packages, key=lambda p: p.path))


def package_scope(view: RepoView, package: Package, root: Findings) -> Scope:
    """A package's own findings: only what its own files say, minus facts the root already states."""
    found = detect(view, package.path)
    own = Findings(ecosystems=found.ecosystems, monorepo=found.monorepo, warnings=found.warnings)
    prefix = package.path + "/"
    own.commands = [c for c in found.commands if c.source.file.startswith(prefix)]
    root_facts = {(f.label, f.value) for f in root.facts}
    own.facts = [f for f in found.facts if (f.label, f.value) not in root_facts]
    return Scope(own, package, [])


def variables(view: RepoView, scope: Scope, *, org: str | None, nested: bool) -> dict:
    found = scope.findings
    return {
        "repo": {"name": view.root.name},
        "org": org,
        "package": scope.package,
        "nested": nested,
        "languages": languages(view.files) if scope.package is None else [],
        "ecosystems": found.ecosystems,
        "facts": found.facts,
        "monorepo": found.monorepo,
        "commands": grouped(found.commands),
        "ci": first_of_each([c for c in found.commands if c.kind == "ci"]),
        "packages": scope.packages,
    }

