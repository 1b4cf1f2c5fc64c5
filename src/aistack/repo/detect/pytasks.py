"""Python task runners, each task judged by its commands: tox environments, nox sessions, hatch env scripts,
pdm scripts, and pre-commit."""

from __future__ import annotations

import configparser
import re

from aistack.repo.detect.taskgraph import Graph, Task
from aistack.repo.index import RepoView, dig
from aistack.repo.kinds import combine
from aistack.repo.model import INFERRED, READ, Command, Findings, Source

NOX_SESSION = re.compile(r"^@nox\.session(?:\((?P<args>[^)]*)\))?\s*\n(?:@.*\n)*def\s+(?P<name>\w+)\s*\(", re.M)
NOX_NAME = re.compile(r"""\bname\s*=\s*["']([^"']+)["']""")
NOX_CALL = re.compile(r"""session\.(run|run_always|run_install|install)\(\s*((?:(?:"[^"]*"|'[^']*')\s*,?\s*)+)""")
LITERAL = re.compile(r""""([^"]*)"|'([^']*)'""")
PLAIN_PY = re.compile(r"(?:py\d+|pypy\d*)\Z")
VARIANT = re.compile(r"(?:py\d+|pypy\d*)-")  # py310-freeze: the test suite in one more setting


def _tox_ini(text: str, rel: str, view: RepoView) -> tuple[list[str], dict[str, list[str]]] | None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text, source=rel)
    except configparser.Error as e:
        view.warn(f"{rel}: not a valid INI file ({e.__class__.__name__}); its tox environments are skipped.")
        return None
    base = parser.get("testenv", "commands", fallback="")
    envs = {s.split(":", 1)[1]: parser.get(s, "commands", fallback=base) for s in parser.sections()
            if s.startswith("testenv:")}
    listed = []
    for section in ("tox", "tox:tox"):
        if parser.has_option(section, "envlist"):
            listed = [e for e in re.split(r"[,\s]+", parser.get(section, "envlist")) if e and "{" not in e]
    for env in listed:
        envs.setdefault(env, base)
    return listed, {e: [line.strip() for line in body.splitlines() if line.strip()] for e, body in envs.items()}


def _factor_lines(env: str, lines: list[str]) -> list[str]:
    """tox's `factor: command` lines apply only to environments with that factor."""
    factors = set(env.split("-"))
    out = []
    for line in lines:
        m = re.match(r"([\w,!-]+):\s+(.*)", line)
        if m and not m.group(1).startswith(("http", "{")):
            if set(m.group(1).split(",")) & factors:
                out.append(m.group(2))
        elif not line.startswith("#"):
            out.append(line)
    return out


def tox(view: RepoView, scope: str, out: Findings) -> None:
    rel = view.first(scope, "tox.ini")
    parsed = None
    if rel and (text := view.text(rel)) is not None:
        parsed = _tox_ini(text, rel, view)
    if parsed is None or not parsed[1]:
        pyproject = view.first(scope, "pyproject.toml")
        legacy = dig(view.toml(pyproject) or {}, "tool", "tox", "legacy_tox_ini") if pyproject else None
        if isinstance(legacy, str):
            rel, parsed = pyproject, _tox_ini(legacy, pyproject, view)
        elif (toml := view.first(scope, "tox.toml")) or pyproject:
            data = view.toml(toml) if toml else dig(view.toml(pyproject) or {}, "tool", "tox")
            data = data if isinstance(data, dict) else {}
            envs = data.get("env") if isinstance(data.get("env"), dict) else {}
            listed = [e for e in data.get("env_list", []) if isinstance(e, str)]
            if envs or listed:
                rel = toml or pyproject
                parsed = listed, {e: [" ".join(map(str, c)) for c in (dig(envs, e, "commands") or [])
                                      if isinstance(c, list)] for e in dict.fromkeys(listed + list(envs))}
    if not parsed:
        return
    listed, envs = parsed
    tasks = {env: Task(env, f"tox -e {env}", _factor_lines(env, lines), Source(rel, f"env {env}"),
                       hidden=bool(PLAIN_PY.match(env) or VARIANT.match(env)))
             for env, lines in envs.items()}
    graph = Graph("tox", tasks)
    graph.add_to(out)
    out.targets["tox"][""] = combine([k for e in listed if e in tasks and (k := graph.verdict(e).kind)])
    if any(PLAIN_PY.match(e) for e in envs):  # `py` is tox's factor for the Python running it
        out.commands.append(Command("test", "tox -e py", Source(rel, "envlist"), READ, rank=1))
        out.targets["tox"]["py"] = "test"


def _nox_bodies(text: str) -> dict[str, tuple[str, str]]:
    """session name -> (function name, the function's source)."""
    found = list(NOX_SESSION.finditer(text))
    out = {}
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        body = text[m.end():end]
        stop = re.compile(r"^\S", re.M).search(body, body.find("\n") + 1)  # the def line itself continues
        named = NOX_NAME.search(m.group("args") or "")
        out[named.group(1) if named else m.group("name")] = (m.group("name"), body[:stop.start()] if stop else body)
    return out


def nox(view: RepoView, scope: str, out: Findings) -> None:
    rel = view.first(scope, "noxfile.py")
    text = view.text(rel) if rel else None
    if not text:
        return
    tasks = {}
    for name, (_function, body) in _nox_bodies(text).items():
        lines = []
        for call in NOX_CALL.finditer(body):
            if call.group(1) != "install":  # installs into the session's own virtualenv: not what it does
                lines.append(" ".join(a or b for a, b in LITERAL.findall(call.group(2))))
        tasks[name] = Task(name, f"nox -s {name}", lines, Source(rel, f"session {name}"))
    Graph("nox", tasks).add_to(out)
    defaults = re.search(r"^nox\.options\.sessions\s*=\s*\[([^\]]*)\]", text, re.M)
    if defaults:
        names = [a or b for a, b in LITERAL.findall(defaults.group(1))]
        kinds = {out.lookup("nox", n) for n in names}
        out.targets["nox"][""] = "gate" if len(kinds - {None}) >= 2 else next(iter(kinds - {None}), None)


def hatch(view: RepoView, scope: str, out: Findings) -> None:
    """Scripts of hatch environments (hatch.toml `[envs.X.scripts]` or pyproject `[tool.hatch.envs.X.scripts]`)."""
    rel = view.first(scope, "hatch.toml")
    envs = (view.toml(rel) or {}).get("envs") if rel else None
    prefix = "envs"
    if not isinstance(envs, dict):
        rel = view.first(scope, "pyproject.toml")
        envs = dig(view.toml(rel) or {}, "tool", "hatch", "envs") if rel else None
        prefix = "tool.hatch.envs"
    if not isinstance(envs, dict):
        return
    tasks = {}
    for env, conf in envs.items():
        scripts = {**(dig(conf, "scripts") or {}), **(dig(conf, "extra-scripts") or {})}
        for name, body in scripts.items() if isinstance(scripts, dict) else ():
            lines = [body] if isinstance(body, str) else [b for b in body if isinstance(b, str)] if isinstance(
                body, list) else []
            target = name if env == "default" else f"{env}:{name}"
            deps = [line if env == "default" else f"{env}:{line}" for line in lines if line in scripts]
            tasks[target] = Task(target, f"hatch run {target}", [line for line in lines if line not in scripts],
                                 Source(rel, f"[{prefix}.{env}.scripts] {name}"), deps=deps,
                                 group="release" if env in ("release", "publish") else "",
                                 hidden=env.startswith("hatch-"))
    Graph("hatch", tasks).add_to(out)


def pdm(view: RepoView, scope: str, out: Findings) -> None:
    rel = view.first(scope, "pyproject.toml")
    table = dig(view.toml(rel) or {}, "tool", "pdm", "scripts") if rel else None
    tasks = {}
    for name, conf in table.items() if isinstance(table, dict) else ():
        if isinstance(conf, dict):
            lines = [conf[k] for k in ("cmd", "shell") if isinstance(conf.get(k), str)]
            deps = [c.split()[0] for c in conf.get("composite", []) if isinstance(c, str) and c.split()]
        else:
            lines, deps = ([conf] if isinstance(conf, str) else []), []
        tasks[name] = Task(name, f"pdm run {name}", lines, Source(rel, f"[tool.pdm.scripts] {name}"), deps=deps,
                           hidden=name.startswith(("_", "pre_", "post_")))
    Graph("pdm", tasks).add_to(out)


def pre_commit(view: RepoView, scope: str, out: Findings) -> None:
    rel = view.first(scope, ".pre-commit-config.yaml")
    if rel and isinstance(view.yaml(rel), dict):
        out.commands.append(Command("lint", "pre-commit run --all-files", Source(rel, "repos"), INFERRED))


def detect(view: RepoView, scope: str) -> Findings:
    out = Findings()
    tox(view, scope, out)
    nox(view, scope, out)
    hatch(view, scope, out)
    pdm(view, scope, out)
    pre_commit(view, scope, out)
    return out
