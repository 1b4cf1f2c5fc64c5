"""Python: pyproject.toml (uv, poetry, pdm, hatch) and the tools it configures (pytest, ruff, black, mypy, pyright)."""

from __future__ import annotations

import configparser

from aistack.repo.index import RepoView, dig, join
from aistack.repo.model import Command, Fact, Findings, Package, Source, classify

MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "Pipfile", "tox.ini", "pytest.ini")


def runner(view: RepoView, scope: str, pyproject: dict, rel: str | None) -> tuple[str, str, Source] | None:
    """(name, prefix, source) of the environment manager, from its lockfile or its pyproject table."""
    for lock, name in (("uv.lock", "uv"), ("poetry.lock", "poetry"), ("pdm.lock", "pdm")):
        for directory in dict.fromkeys((scope, "")):
            if view.has(join(directory, lock)):
                return name, f"{name} run ", Source(join(directory, lock), "")
    # [tool.hatch.build] only means hatchling builds the wheel; hatch manages environments when envs exist.
    for table, name in ((("uv",), "uv"), (("poetry",), "poetry"), (("pdm",), "pdm"), (("hatch", "envs"), "hatch")):
        if rel and dig(pyproject, "tool", *table) is not None:
            return name, f"{name} run ", Source(rel, f"[tool.{'.'.join(table)}]")
    return None


def _ini(view: RepoView, rel: str) -> configparser.ConfigParser | None:
    text = view.text(rel)
    if text is None:
        return None
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text, source=rel)
    except configparser.Error as e:
        view.warn(f"{rel}: not a valid INI file ({e.__class__.__name__}); its settings are skipped.")
        return None
    return parser


def tools(view: RepoView, scope: str, pyproject: dict, rel: str | None, prefix: str, out: Findings) -> None:
    def add(kind: str, run: str, source: Source) -> None:
        out.commands.append(Command(kind, prefix + run, source))

    setup_cfg = view.first(scope, "setup.cfg")
    cfg = _ini(view, setup_cfg) if setup_cfg else None
    tox_ini = view.first(scope, "tox.ini")
    tox = _ini(view, tox_ini) if tox_ini else None

    if rel and dig(pyproject, "tool", "pytest") is not None:
        add("test", "pytest", Source(rel, "[tool.pytest.ini_options]"))
    elif view.first(scope, "pytest.ini"):
        add("test", "pytest", Source(join(scope, "pytest.ini"), ""))
    elif cfg is not None and cfg.has_section("tool:pytest"):
        add("test", "pytest", Source(setup_cfg, "[tool:pytest]"))
    elif tox is not None and tox.has_section("pytest"):
        add("test", "pytest", Source(tox_ini, "[pytest]"))

    ruff_file = view.first(scope, "ruff.toml", ".ruff.toml")
    if rel and dig(pyproject, "tool", "ruff") is not None:
        add("lint", "ruff check .", Source(rel, "[tool.ruff]"))
        if dig(pyproject, "tool", "ruff", "format") is not None:
            add("format", "ruff format .", Source(rel, "[tool.ruff.format]"))
    elif ruff_file:
        add("lint", "ruff check .", Source(ruff_file, ""))
    if rel and dig(pyproject, "tool", "black") is not None:
        add("format", "black .", Source(rel, "[tool.black]"))

    if rel and dig(pyproject, "tool", "mypy") is not None:
        has_files = dig(pyproject, "tool", "mypy", "files") is not None
        add("typecheck", "mypy" if has_files else "mypy .", Source(rel, "[tool.mypy]"))
    elif view.first(scope, "mypy.ini", ".mypy.ini"):
        add("typecheck", "mypy .", Source(view.first(scope, "mypy.ini", ".mypy.ini"), ""))
    elif cfg is not None and cfg.has_section("mypy"):
        add("typecheck", "mypy .", Source(setup_cfg, "[mypy]"))
    if rel and dig(pyproject, "tool", "pyright") is not None:
        add("typecheck", "pyright", Source(rel, "[tool.pyright]"))
    elif view.first(scope, "pyrightconfig.json"):
        add("typecheck", "pyright", Source(join(scope, "pyrightconfig.json"), ""))


def scripts(pyproject: dict, rel: str, manager: str | None, out: Findings) -> None:
    """Task tables that define runnable names: hatch env scripts and pdm scripts."""
    if manager == "hatch":
        envs = dig(pyproject, "tool", "hatch", "envs") or {}
        for env, conf in envs.items() if isinstance(envs, dict) else ():
            for name in (dig(conf, "scripts") or {}) if isinstance(dig(conf, "scripts"), dict) else ():
                kind = classify(name)
                if kind:
                    target = name if env == "default" else f"{env}:{name}"
                    out.commands.append(Command(kind, f"hatch run {target}",
                                                Source(rel, f"[tool.hatch.envs.{env}.scripts] {name}")))
    if manager == "pdm":
        table = dig(pyproject, "tool", "pdm", "scripts")
        for name in table if isinstance(table, dict) else ():
            kind = classify(name) if not name.startswith("_") else None
            if kind:
                out.commands.append(Command(kind, f"pdm run {name}", Source(rel, f"[tool.pdm.scripts] {name}")))


def detect(view: RepoView, scope: str) -> Findings:
    out = Findings()
    if not view.first(scope, *MARKERS):
        return out
    out.ecosystems.append("python")
    rel = view.first(scope, "pyproject.toml")
    pyproject = (view.toml(rel) if rel else None) or {}
    found = runner(view, scope, pyproject, rel)
    manager, prefix = (found[0], found[1]) if found else (None, "")
    if found:
        out.facts.append(Fact("Python environment", manager, found[2]))
        install = {"uv": "uv sync", "poetry": "poetry install", "pdm": "pdm install"}.get(manager)
        if install and (not scope or found[2].file.startswith(scope + "/")):
            out.commands.append(Command("install", install, found[2]))
    requires = dig(pyproject, "project", "requires-python")
    if rel and isinstance(requires, str):
        out.facts.append(Fact("Python", requires, Source(rel, "project.requires-python")))
    tools(view, scope, pyproject, rel, prefix if manager != "hatch" else "hatch run ", out)
    if rel:
        scripts(pyproject, rel, manager, out)
        members = dig(pyproject, "tool", "uv", "workspace", "members")
        if isinstance(members, list):
            out.monorepo.append(f"uv workspace ({rel} [tool.uv.workspace])")
            excluded = dig(pyproject, "tool", "uv", "workspace", "exclude") or []
            patterns = [m for m in members if isinstance(m, str)] + [f"!{e}" for e in excluded if isinstance(e, str)]
            for d in view.dirs_matching(patterns, "pyproject.toml", scope):
                data = view.toml(join(d, "pyproject.toml")) or {}
                name = dig(data, "project", "name")
                out.packages.append(Package(d, name if isinstance(name, str) else d.rpartition("/")[2], "python",
                                            Source(rel, "[tool.uv.workspace] members")))
    return out
