"""Python task runners: tox environments, nox sessions, pre-commit hooks."""

from __future__ import annotations

import configparser
import re

from aistack.repo.index import RepoView, dig
from aistack.repo.model import Command, Findings, Source, classify

NOX_SESSION = re.compile(r"^@nox\.session(?:\((?P<args>[^)]*)\))?\s*\n(?:@.*\n)*def\s+(?P<name>\w+)\s*\(", re.M)
NOX_NAME = re.compile(r"""\bname\s*=\s*["']([^"']+)["']""")


def _tox_envs_ini(text: str, rel: str, view: RepoView) -> list[str]:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text, source=rel)
    except configparser.Error as e:
        view.warn(f"{rel}: not a valid INI file ({e.__class__.__name__}); its tox environments are skipped.")
        return []
    envs = [s.split(":", 1)[1] for s in parser.sections() if s.startswith("testenv:")]
    if parser.has_option("tox", "envlist"):
        listed = re.split(r"[,\s]+", parser.get("tox", "envlist"))
        envs = [e for e in listed if e and "{" not in e] + envs
    return list(dict.fromkeys(envs))


def tox(view: RepoView, scope: str, out: Findings) -> None:
    rel = view.first(scope, "tox.ini")
    envs: list[str] = []
    if rel and (text := view.text(rel)) is not None:
        envs = _tox_envs_ini(text, rel, view)
    pyproject = view.first(scope, "pyproject.toml")
    if not envs and pyproject:
        data = view.toml(pyproject) or {}
        legacy = dig(data, "tool", "tox", "legacy_tox_ini")
        if isinstance(legacy, str):
            rel, envs = pyproject, _tox_envs_ini(legacy, pyproject, view)
        elif isinstance(dig(data, "tool", "tox", "env"), dict):
            rel, envs = pyproject, list(data["tool"]["tox"]["env"])
            envs = list(dict.fromkeys([e for e in dig(data, "tool", "tox", "env_list") or [] if isinstance(e, str)]
                                      + envs))
    toml = view.first(scope, "tox.toml")
    if not envs and toml:
        data = view.toml(toml) or {}
        rel = toml
        envs = list(dict.fromkeys([e for e in data.get("env_list", []) if isinstance(e, str)]
                                  + list(data.get("env", {}) if isinstance(data.get("env"), dict) else [])))
    for env in envs:
        out.commands.append(Command(classify(env) or "other", f"tox -e {env}", Source(rel, f"env {env}")))


def nox(view: RepoView, scope: str, out: Findings) -> None:
    rel = view.first(scope, "noxfile.py")
    text = view.text(rel) if rel else None
    if not text:
        return
    for m in NOX_SESSION.finditer(text):
        named = NOX_NAME.search(m.group("args") or "")
        name = named.group(1) if named else m.group("name")
        line = text.count("\n", 0, m.start()) + 1
        out.commands.append(Command(classify(name) or "other", f"nox -s {name}", Source(rel, f"session {name} (line {line})")))


def pre_commit(view: RepoView, scope: str, out: Findings) -> None:
    rel = view.first(scope, ".pre-commit-config.yaml")
    if rel and isinstance(view.yaml(rel), dict):
        out.commands.append(Command("lint", "pre-commit run --all-files", Source(rel, "repos")))


def detect(view: RepoView, scope: str) -> Findings:
    out = Findings()
    tox(view, scope, out)
    nox(view, scope, out)
    pre_commit(view, scope, out)
    return out
