"""Python: the environment manager (uv, poetry, pdm, hatch) and the declared tools its config sets up."""

from __future__ import annotations

from aistack.repo.detect.pydeps import Declared, declared
from aistack.repo.index import RepoView, dig, join
from aistack.repo.model import INFERRED, Command, Fact, Findings, Package, Source

MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "Pipfile", "tox.ini", "pytest.ini")


def runner(view: RepoView, scope: str, pyproject: dict, rel: str | None) -> tuple[str, Source] | None:
    """(name, source) of the environment manager, from its lockfile, hatch.toml or its pyproject table."""
    for lock, name in (("uv.lock", "uv"), ("poetry.lock", "poetry"), ("pdm.lock", "pdm")):
        for directory in dict.fromkeys((scope, "")):
            if view.has(join(directory, lock)):
                return name, Source(join(directory, lock), "")
    hatch = view.first(scope, "hatch.toml")
    if hatch:
        return "hatch", Source(hatch, "")
    # [tool.hatch.build] only means hatchling builds the wheel; hatch manages environments when envs exist.
    for table, name in ((("uv",), "uv"), (("poetry",), "poetry"), (("pdm",), "pdm"), (("hatch", "envs"), "hatch")):
        if rel and dig(pyproject, "tool", *table) is not None:
            return name, Source(rel, f"[tool.{'.'.join(table)}]")
    return None


def _ini_has(view: RepoView, rel: str | None, section: str) -> bool:
    text = view.text(rel) if rel else None
    return bool(text) and f"[{section}]" in text


def tools(view: RepoView, scope: str, pyproject: dict, rel: str | None, prefix: str, found: Declared,
          out: Findings) -> None:
    """Tool commands, only for tools the project itself installs, with no arguments appended: each tool then
    reads its own configuration (the paths the project chose)."""
    def add(kind: str, run: str, source: Source) -> None:
        tool = run.split()[0]
        if found.runnable(tool):
            out.commands.append(Command(kind, prefix + run, source, INFERRED))

    setup_cfg = view.first(scope, "setup.cfg")
    if rel and dig(pyproject, "tool", "pytest") is not None:
        add("test", "pytest", Source(rel, "[tool.pytest.ini_options]"))
    elif view.first(scope, "pytest.ini"):
        add("test", "pytest", Source(join(scope, "pytest.ini"), ""))
    elif _ini_has(view, setup_cfg, "tool:pytest"):
        add("test", "pytest", Source(setup_cfg, "[tool:pytest]"))
    elif _ini_has(view, view.first(scope, "tox.ini"), "pytest"):
        add("test", "pytest", Source(join(scope, "tox.ini"), "[pytest]"))

    ruff_file = view.first(scope, "ruff.toml", ".ruff.toml")
    ruff = Source(rel, "[tool.ruff]") if rel and dig(pyproject, "tool", "ruff") is not None else (
        Source(ruff_file, "") if ruff_file else None)
    if ruff:
        add("lint", "ruff check", ruff)
        add("format", "ruff format", ruff)
    mypy_files = dig(pyproject, "tool", "mypy", "files") is not None or (
        view.first(scope, "mypy.ini") and "files" in (view.text(join(scope, "mypy.ini")) or ""))
    if mypy_files:
        add("typecheck", "mypy", Source(rel if dig(pyproject, "tool", "mypy") else join(scope, "mypy.ini"),
                                        "[tool.mypy] files" if dig(pyproject, "tool", "mypy") else "files"))
    if rel and dig(pyproject, "tool", "pyright") is not None:
        add("typecheck", "pyright", Source(rel, "[tool.pyright]"))
    elif view.first(scope, "pyrightconfig.json"):
        add("typecheck", "pyright", Source(join(scope, "pyrightconfig.json"), ""))


def detect(view: RepoView, scope: str) -> Findings:
    out = Findings()
    if not view.first(scope, *MARKERS):
        return out
    out.ecosystems.append("python")
    rel = view.first(scope, "pyproject.toml")
    pyproject = (view.toml(rel) if rel else None) or {}
    found = runner(view, scope, pyproject, rel)
    manager = found[0] if found else None
    if found:
        out.facts.append(Fact("Python environment", manager, found[1]))
        install = {"uv": "uv sync", "poetry": "poetry install", "pdm": "pdm install"}.get(manager)
        if install and (not scope or found[1].file.startswith(scope + "/")):
            out.commands.append(Command("install", install, found[1], INFERRED))
        if manager == "hatch":
            out.commands.append(Command("test", "hatch test", found[1], INFERRED))
            out.commands.append(Command("format", "hatch fmt", found[1], INFERRED))
    requires = dig(pyproject, "project", "requires-python")
    if rel and isinstance(requires, str):
        out.facts.append(Fact("Python", requires, Source(rel, "project.requires-python")))
    prefix = {"uv": "uv run ", "poetry": "poetry run ", "pdm": "pdm run "}.get(manager or "", "")
    if manager != "hatch":
        tools(view, scope, pyproject, rel, prefix, declared(view, scope, pyproject), out)
    members = dig(pyproject, "tool", "uv", "workspace", "members")
    if rel and isinstance(members, list):
        out.monorepo.append(f"uv workspace ({rel} [tool.uv.workspace])")
        excluded = dig(pyproject, "tool", "uv", "workspace", "exclude") or []
        patterns = [m for m in members if isinstance(m, str)] + [f"!{e}" for e in excluded if isinstance(e, str)]
        for d in view.dirs_matching(patterns, "pyproject.toml", scope):
            data = view.toml(join(d, "pyproject.toml")) or {}
            name = dig(data, "project", "name")
            out.packages.append(Package(d, name if isinstance(name, str) else d.rpartition("/")[2], "python",
                                        Source(rel, "[tool.uv.workspace] members")))
    return out
