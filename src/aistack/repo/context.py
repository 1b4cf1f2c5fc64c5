"""The template's variables, built from detection and ranked: setup, the inner loop and the gate first, read
commands before inferred ones, each list capped so the file stays short. Pure data, no I/O beyond the RepoView."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from aistack.repo.detect import detect
from aistack.repo.index import RepoView
from aistack.repo.kinds import shape
from aistack.repo.model import INFERRED, KINDS, READ, Command, Findings, Package

LANGUAGES = {
    "py": "Python", "ts": "TypeScript", "tsx": "TypeScript", "js": "JavaScript", "jsx": "JavaScript",
    "mjs": "JavaScript", "cjs": "JavaScript", "go": "Go", "rs": "Rust", "java": "Java", "kt": "Kotlin",
    "kts": "Kotlin", "scala": "Scala", "rb": "Ruby", "php": "PHP", "cs": "C#", "c": "C", "h": "C", "cc": "C++",
    "cpp": "C++", "hpp": "C++", "swift": "Swift", "m": "Objective-C", "ex": "Elixir", "exs": "Elixir",
    "erl": "Erlang", "hs": "Haskell", "lua": "Lua", "dart": "Dart", "sh": "Shell", "vue": "Vue", "svelte": "Svelte",
    "zig": "Zig", "clj": "Clojure", "r": "R", "jl": "Julia", "tf": "Terraform", "sql": "SQL",
}
LABELS = {"install": "setup", "test": "test", "lint": "lint", "format": "format", "typecheck": "typecheck",
          "gate": "before a pull request", "build": "build", "dev": "dev loop"}
CANONICAL = {"install": {"install", "setup", "init", "bootstrap", "i"}, "test": {"test", "tests"},
             "lint": {"lint"}, "format": {"format", "fmt"}, "typecheck": {"typecheck", "types", "type-check"},
             "gate": {"ci", "check", "all", ""}, "build": {"build"}, "dev": {"dev", "start", "watch", "serve"}}
# Per level (0 is the most generous): commands per kind, CI lines per job, CI lines, package rows, release names.
LEVELS = [
    ({"install": 3, "test": 3, "lint": 3, "format": 2, "typecheck": 2, "gate": 2, "build": 2, "dev": 2}, 4, 14, 25, 6),
    ({"install": 2, "test": 2, "lint": 2, "format": 2, "typecheck": 2, "gate": 2, "build": 1, "dev": 1}, 3, 10, 15, 4),
    ({"install": 1, "test": 2, "lint": 1, "format": 1, "typecheck": 1, "gate": 1, "build": 1, "dev": 1}, 2, 6, 8, 3),
    ({"install": 1, "test": 1, "lint": 1, "gate": 1}, 1, 4, 0, 2),
]
COLLAPSE = re.compile(r"^(.*?(?:^|/)(?:__fixtures__|fixtures?|__tests__|tests?|testing|e2e|examples?|samples?"
                      r"|playgrounds?|demos?|benchmarks?|bench|sandbox|scratch)(?:/|$))")
# An example or a slice rather than the whole: a file or path argument, one subproject or workspace, a debugger.
SPECIFIC = re.compile(r"\s(?:\S*/\S*|\S+\.(?:py|ts|js|rs|go|java)|[\w-]*:[\w:-]+|--projects?|-pl|-p|--package|-w"
                      r"|--workspace=\S+|--filter\S*|--select\w*|-k|-m|--pdb|-x)(?:[\s=]|$)")
# A slice, not what CI checks as a whole: single test files or ids, one subproject or workspace, a debugger.
NARROW = re.compile(r"\s(?:\S+\.(?:py|ts|js|rs|go|java)\b|\S*::\S+"
                    r"|--projects?|-pl|-p|--package|-w|--filter\S*|-k|--pdb)(?:[\s=]|$)")
MIN_SHARE = 0.05
CHECKS = ("test", "lint", "format", "typecheck", "gate")


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


def _task_name(run: str) -> str:
    words = run.split()
    return words[-1].rsplit(":", 1)[-1] if len(words) >= 2 and "-" not in words[-1][:1] else ""


def order(c: Command) -> tuple:
    """Within a kind: an example or a slice last; contributor docs, then task runners, manifests, CI; the canonical
    name first; short first.
    Never the position in a file, so reordering a Makefile or a workflow changes nothing."""
    canonical = _task_name(c.run) in CANONICAL.get(c.kind, ()) or len(c.run.split()) == 1
    specific = bool(SPECIFIC.search(c.run.replace("./...", "")))  # `go test ./...` is the whole module
    return specific, c.rank, not canonical, len(c.run.split()), len(c.run), c.run


def _spelled_out(c: Command, defaults: dict[str, str] | None) -> tuple[str, Command]:
    """`make` alone runs the default goal: (`make all`, the command noting it)."""
    default = defaults.get(c.run.split()[0]) if defaults and len(c.run.split()) == 1 else None
    if not default or "/" in default or "." in default:
        return c.run, c
    run = f"{c.run} {default}"
    return run, c if c.note else replace(c, note=f"runs `{run}`")


def _first_of_each(commands: list[Command], defaults: dict[str, str] | None = None) -> list[Command]:
    """Each command once (`make` and `make all` are one when `all` is the default goal), the best-ranked."""
    seen: dict[tuple[str, str], Command] = {}
    for c in commands:
        run, c = _spelled_out(c, defaults)
        key = (shape(run), c.cwd)
        other = seen.get(key)
        if other is None or order(c) < order(other):
            seen[key] = c if other is None or c.note or not other.note else replace(c, note=other.note)
    return list(seen.values())


def pick(found: Findings, caps: dict[str, int]) -> tuple[list, list]:
    """(commands, inferred) as (kind, [command]) pairs in KINDS order: commands holds every kind, the inferred ones
    included (each says so); inferred repeats those alone. A kind the project's own tasks or docs do not cover
    takes CI's command for it; only a kind nothing read covers gets an inferred command."""
    read = _first_of_each([c for c in found.commands if c.origin == READ and c.kind in KINDS])
    ci = [c for c in found.ci if c.kind in CHECKS and not c.cwd and "&&" not in c.run and not NARROW.search(c.run)]
    inferred = [c for c in found.commands if c.origin == INFERRED and c.kind in KINDS]
    read_out, inferred_out = [], []
    listed: set[str] = set()
    for kind in KINDS:
        cap = caps.get(kind, 0)
        if not cap:
            continue
        mine = sorted(_first_of_each([c for c in read + ci if c.kind == kind and shape(c.run) not in listed],
                                     found.defaults), key=order)
        if mine:
            read_out.append((kind, mine[:cap]))
            listed |= {shape(c.run) for c in mine[:cap]}
            continue
        guesses = sorted((c for c in inferred if c.kind == kind and shape(c.run) not in listed), key=order)
        if guesses:
            read_out.append((kind, guesses[:cap]))
            inferred_out.append((kind, guesses[:cap]))
            listed |= {shape(c.run) for c in guesses[:cap]}
    return read_out, inferred_out


def ci_lines(found: Findings, per_job: int, total: int, files: int = 3) -> list[Command]:
    """CI's commands, checks first within each job, each command line once, capped per job and in all."""
    out: list[Command] = []
    seen: set[tuple[str, str]] = set()
    per: Counter = Counter()
    per_file: Counter = Counter()
    checks = [c for c in found.ci if c.kind in (*CHECKS, "build")]
    for c in checks + [c for c in found.ci if c not in checks]:
        key = (shape(c.run), c.cwd)
        full = per_file[c.source.file] >= per_job + 2 or (
            c.source.file not in per_file and len(per_file) >= files)  # the main workflow first, a few others
        if key in seen or per[c.source] >= per_job or full or (c.kind not in (*CHECKS, "build") and not per[c.source]):
            continue  # a job adds its setup lines only after a check or build line of its own
        seen.add(key)
        per[c.source] += 1
        per_file[c.source.file] += 1
        out.append(c)
    return [_spelled_out(c, found.defaults)[1] for c in sorted(out[:total], key=found.ci.index)]


@dataclass
class Row:
    path: str
    name: str
    ecosystem: str
    count: int = 1           # > 1: a collapsed group of fixtures, examples or playgrounds
    instructions: str = ""   # its own AGENTS.md under --nested


def rows(packages: list[Package], cap: int, with_file: set[str]) -> tuple[list[Row], int]:
    """The package table: fixtures, examples and playgrounds collapsed into one row each, at most cap rows;
    the second value counts the packages left out."""
    out: list[Row] = []
    groups: dict[str, list[Package]] = {}
    for p in sorted(packages, key=lambda p: p.path):
        m = COLLAPSE.match(p.path + "/")
        if m:
            groups.setdefault(m.group(1).rstrip("/"), []).append(p)
        else:
            out.append(Row(p.path, p.name, p.ecosystem, instructions=f"{p.path}/AGENTS.md"
                           if p.path in with_file else ""))
    for prefix, members in groups.items():
        if len(members) == 1:
            p = members[0]
            out.append(Row(p.path, p.name, p.ecosystem, instructions=f"{p.path}/AGENTS.md"
                           if p.path in with_file else ""))
        else:
            out.append(Row(prefix + "/", "fixtures, examples or playgrounds", members[0].ecosystem, len(members)))
    plain = sorted((r for r in out if r.count == 1), key=lambda r: r.path)
    collapsed = sorted((r for r in out if r.count > 1), key=lambda r: r.path)
    if not cap:
        return [], sum(r.count for r in out)
    shown = plain[:max(cap - len(collapsed), cap // 2)] + collapsed[:cap]
    return shown, sum(r.count for r in out) - sum(r.count for r in shown)


@dataclass
class Scope:
    """What one AGENTS.md is about: the repository root, or one package of a monorepo."""

    findings: Findings
    package: Package | None = None
    packages: list[Package] = field(default_factory=list)
    echoes: set[str] = field(default_factory=set)  # the root's inferred commands, as a package would spell them

    @property
    def has_content(self) -> bool:
        """Something of its own: a read command, a fact, a release task, a link, or an inferred command the root
        does not already infer (every Gradle subproject's `../gradlew test` says nothing new)."""
        f = self.findings
        own = [c for c in f.commands if c.origin == READ or re.sub(r"^(?:\.\./)+", "./", c.run) not in self.echoes]
        return bool(own or f.facts or f.release or f.links)


def root_scope(view: RepoView) -> Scope:
    found = detect(view, "")
    return Scope(found, None, sorted(found.packages, key=lambda p: p.path))


def package_scope(view: RepoView, package: Package, root: Findings) -> Scope:
    """A package's own findings: only what its own files say, minus facts the root already states."""
    found = detect(view, package.path)
    prefix = package.path + "/"
    own = Findings(ecosystems=found.ecosystems, monorepo=found.monorepo, warnings=found.warnings,
                   targets=found.targets)
    own.commands = [c for c in found.commands if c.source.file.startswith(prefix)]
    own.release = [c for c in found.release if c.source.file.startswith(prefix)]
    own.links = [x for x in found.links if x.label.startswith(prefix)]
    root_facts = {(f.label, f.value) for f in root.facts}
    own.facts = [f for f in found.facts if (f.label, f.value) not in root_facts]
    return Scope(own, package, [], {c.run for c in root.commands if c.origin == INFERRED})


def variables(view: RepoView, scope: Scope, *, org: str | None, nested: bool, level: int = 0,
              with_file: set[str] = frozenset()) -> dict:
    caps, per_job, ci_total, row_cap, release_cap = LEVELS[min(level, len(LEVELS) - 1)]
    found = scope.findings
    read, inferred = pick(found, caps)
    table, left_out = rows(scope.packages, row_cap, with_file if nested else set())
    return {
        "repo": {"name": view.root.name},
        "org": org,
        "package": scope.package,
        "nested": nested,
        "languages": languages(view.files) if scope.package is None else [],
        "ecosystems": found.ecosystems,
        "facts": found.facts,
        "monorepo": found.monorepo,
        "links": found.links,
        "labels": LABELS,
        "commands": read,
        "inferred": inferred,
        "release": sorted(_first_of_each(found.release), key=lambda c: (c.note == "a release task", c.run))[
            :release_cap],
        "ci": ci_lines(found, per_job, ci_total, 3 if level == 0 else 2) if scope.package is None else [],
        "packages": table,
        "packages_left_out": left_out,
        "packages_total": len(scope.packages),
    }
