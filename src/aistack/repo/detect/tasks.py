"""Task runners: Makefile targets, justfile recipes, Taskfile tasks."""

from __future__ import annotations

import re

from aistack.repo.index import RepoView, dig
from aistack.repo.model import Command, Findings, Source, classify

# A rule line: `name:` or `a b: deps`, not a variable assignment (`x := y`, `x ::= y`).
MAKE_RULE = re.compile(r"^(?P<targets>[A-Za-z0-9][A-Za-z0-9_./ -]*?)\s*::?(?![=:])", re.M)
JUST_RECIPE = re.compile(r"^@?(?P<name>[A-Za-z0-9_][A-Za-z0-9_-]*)(?:\s+[^:=\n]*)?:(?![=])", re.M)


def make(view: RepoView, scope: str, out: Findings) -> None:
    rel = view.first(scope, "GNUmakefile", "makefile", "Makefile")
    text = view.text(rel) if rel else None
    if text is None:
        return
    seen: set[str] = set()
    for m in MAKE_RULE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        for target in m.group("targets").split():
            if target in seen or target.startswith(".") or "%" in target or "/" in target or "." in target:
                continue
            seen.add(target)
            kind = "test" if target == "check" else classify(target)  # GNU convention: `make check` runs the tests
            if kind:
                out.commands.append(Command(kind, f"make {target}", Source(rel, f"target {target} (line {line})")))


def just(view: RepoView, scope: str, out: Findings) -> None:
    rel = view.first(scope, "justfile", "Justfile", ".justfile")
    text = view.text(rel) if rel else None
    if text is None:
        return
    for m in JUST_RECIPE.finditer(text):
        name = m.group("name")
        if name in ("set", "alias", "export", "import", "mod"):
            continue
        kind = classify(name)
        if kind:
            line = text.count("\n", 0, m.start()) + 1
            out.commands.append(Command(kind, f"just {name}", Source(rel, f"recipe {name} (line {line})")))


def taskfile(view: RepoView, scope: str, out: Findings) -> None:
    rel = view.first(scope, "Taskfile.yml", "Taskfile.yaml", "taskfile.yml", "taskfile.yaml")
    if not rel:
        return
    tasks = dig(view.yaml(rel), "tasks")
    for name in tasks if isinstance(tasks, dict) else ():
        kind = classify(str(name))
        if kind:
            out.commands.append(Command(kind, f"task {name}", Source(rel, f"tasks.{name}")))


def detect(view: RepoView, scope: str) -> Findings:
    out = Findings()
    make(view, scope, out)
    just(view, scope, out)
    taskfile(view, scope, out)
    return out
