"""Go: go.mod (the module and its Go version), go.work `use` directives, golangci-lint when CI runs it."""

from __future__ import annotations

import re

from aistack.repo.index import RepoView, join
from aistack.repo.model import INFERRED, Command, Fact, Findings, Package, Source

GO_VERSION = re.compile(r"^go\s+(\S+)", re.M)
MODULE = re.compile(r"^module\s+(\S+)", re.M)
USE_BLOCK = re.compile(r"^use\s*\((.*?)\)", re.M | re.S)
USE_LINE = re.compile(r"^use\s+([^\s(]+)", re.M)
LINTERS = (".golangci.yml", ".golangci.yaml", ".golangci.toml", ".golangci.json")


def _uses(text: str) -> list[str]:
    text = re.sub(r"//.*", "", text)
    dirs = USE_LINE.findall(text)
    for block in USE_BLOCK.findall(text):
        dirs += block.split()
    return [d.strip('"') for d in dirs]


def _used_in_ci(view: RepoView) -> bool:
    candidates = view.under(".github/workflows/") + [f for f in (".gitlab-ci.yml", "Makefile", "Taskfile.yml")
                                                     if view.has(f)]
    return any("golangci" in (view.text(f) or "") for f in candidates)


def detect(view: RepoView, scope: str) -> Findings:
    out = Findings()
    mod = view.first(scope, "go.mod")
    work = view.first(scope, "go.work")
    if not mod and not work:
        return out
    out.ecosystems.append("go")
    text = view.text(mod) if mod else None
    if mod and text is not None:
        out.commands.append(Command("build", "go build ./...", Source(mod, "module"), INFERRED))
        out.commands.append(Command("test", "go test ./...", Source(mod, "module"), INFERRED))
        if (v := GO_VERSION.search(text)):
            out.facts.append(Fact("Go", v.group(1), Source(mod, "go")))
    lint = view.first(scope, *LINTERS) or view.first("", *LINTERS)
    if lint and _used_in_ci(view):  # configured and installed by CI: the project's own linter
        out.commands.append(Command("lint", "golangci-lint run", Source(lint, ""), INFERRED))
    if work and (wtext := view.text(work)) is not None:
        out.monorepo.append(f"Go workspace ({work} use)")
        for d in _uses(wtext):
            d = join(scope, d.removeprefix("./").rstrip("/")) if d not in (".", "./") else scope
            if d != scope and view.has(join(d, "go.mod")):
                mtext = view.text(join(d, "go.mod")) or ""
                name = m.group(1) if (m := MODULE.search(mtext)) else d.rpartition("/")[2]
                out.packages.append(Package(d, name, "go", Source(work, "use")))
    return out
