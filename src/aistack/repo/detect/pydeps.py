"""Which Python tools a project declares: dependencies, lock-file entries, pre-commit hooks, CI steps.
A tool that is only configured (a [tool.ruff] table) but not declared is not one the project can run."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aistack.repo.index import RepoView, dig, join

NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
LOCK_NAME = re.compile(r'^name = "([^"]+)"', re.M)
HOOK_TOOLS = {"ruff-pre-commit": "ruff", "mirrors-mypy": "mypy", "black": "black", "isort": "isort",
              "flake8": "flake8", "pyright-python": "pyright", "codespell": "codespell", "pylint": "pylint"}


def norm(name: str) -> str:
    return re.sub(r"[._]+", "-", name.lower())


def _names(specs) -> set[str]:
    out: set[str] = set()
    for spec in specs if isinstance(specs, list) else []:
        if isinstance(spec, str) and (m := NAME.match(spec)):
            out.add(norm(m.group(1)))
    return out


def _tables(table) -> set[str]:
    """Keys of a poetry-style {name = version} table."""
    return {norm(k) for k in table} if isinstance(table, dict) else set()


@dataclass
class Declared:
    deps: set[str] = field(default_factory=set)      # dependencies and lock-file entries
    hooks: set[str] = field(default_factory=set)     # tools pre-commit runs
    ci: str = ""                                     # the text of the CI workflows, for mentions

    def runnable(self, tool: str) -> bool:
        """The project installs this tool itself (so `uv run TOOL` works), or CI calls it."""
        return norm(tool) in self.deps or bool(re.search(rf"(?<![\w-]){re.escape(tool)}(?![\w-])", self.ci))


def from_pyproject(data: dict) -> set[str]:
    out = _names(dig(data, "project", "dependencies"))
    for group in (dig(data, "project", "optional-dependencies") or {}).values():
        out |= _names(group)
    for group in (dig(data, "dependency-groups") or {}).values():
        out |= _names(group)
    out |= _names(dig(data, "tool", "uv", "dev-dependencies"))
    poetry = dig(data, "tool", "poetry") or {}
    out |= _tables(poetry.get("dependencies")) | _tables(poetry.get("dev-dependencies"))
    for group in (poetry.get("group") or {}).values() if isinstance(poetry.get("group"), dict) else ():
        out |= _tables(dig(group, "dependencies"))
    for group in (dig(data, "tool", "pdm", "dev-dependencies") or {}).values():
        out |= _names(group)
    out |= hatch_deps(dig(data, "tool", "hatch", "envs"))
    return out


def hatch_deps(envs) -> set[str]:
    out: set[str] = set()
    for conf in envs.values() if isinstance(envs, dict) else ():
        if isinstance(conf, dict):
            out |= _names(conf.get("dependencies")) | _names(conf.get("extra-dependencies"))
    return out


def declared(view: RepoView, scope: str, pyproject: dict) -> Declared:
    out = Declared(deps=from_pyproject(pyproject))
    hatch = view.first(scope, "hatch.toml")
    if hatch:
        out.deps |= hatch_deps((view.toml(hatch) or {}).get("envs"))
    for rel in view.by_dir.get(scope, []) + view.by_dir.get(join(scope, "requirements"), []):
        if rel.endswith(".txt") and "requirements" in rel:
            text = view.text(rel) or ""
            out.deps |= _names([line for line in text.splitlines() if not line.startswith(("-", "#"))])
    for directory in dict.fromkeys((scope, "")):
        for lock in ("uv.lock", "poetry.lock", "pdm.lock"):
            if view.has(join(directory, lock)):
                out.deps |= {norm(n) for n in LOCK_NAME.findall(view.text(join(directory, lock)) or "")}
    config = view.first(scope, ".pre-commit-config.yaml") or view.first("", ".pre-commit-config.yaml")
    for repo in dig(view.yaml(config), "repos") or [] if config else []:
        if not isinstance(repo, dict):
            continue
        url = str(repo.get("repo", "")).rstrip("/").rpartition("/")[2]
        if url in HOOK_TOOLS:
            out.hooks.add(HOOK_TOOLS[url])
        for hook in repo.get("hooks") or []:
            if isinstance(hook, dict) and isinstance(hook.get("id"), str):
                out.hooks.add(hook["id"].split("-")[0])
    out.ci = "\n".join(view.text(f) or "" for f in view.under(".github/workflows/") if f.endswith((".yml", ".yaml")))
    return out
