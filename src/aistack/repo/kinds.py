"""The kind of check a concrete command line runs (test, lint, format, ...), from the tools and task runners it
calls. Task references (`make lint`, `npm run test`, `nox -s docs`) are looked up in what detection found."""

from __future__ import annotations

import re
from typing import Callable

from aistack.repo import judge
from aistack.repo.model import classify

CHECKS = ("test", "lint", "format", "typecheck", "gate")
Lookup = Callable[[str, str], "str | None"]
LOOKED_UP = ("make", "just", "task", "npm", "nox", "tox", "hatch", "pdm")

TOOLS = {
    "test": {"pytest", "py.test", "jest", "vitest", "mocha", "tap", "ava", "jasmine", "karma", "cypress", "tstyche",
             "playwright", "unittest", "coverage", "ctest", "rspec", "phpunit", "bats", "nextest", "trial"},
    "lint": {"eslint", "flake8", "pylint", "golangci-lint", "shellcheck", "stylelint", "markdownlint", "yamllint",
             "actionlint", "codespell", "oxlint", "biome", "ktlint", "detekt", "hadolint", "zizmor", "rubocop",
             "pre-commit", "prek", "vale", "typos", "lychee", "cspell", "check-manifest", "check-sdist", "twine",
             "deptry", "licensee", "clippy-driver", "staticcheck", "revive", "buf"},
    "format": {"prettier", "black", "isort", "oxfmt", "dprint", "gofmt", "goimports", "gofumpt", "rustfmt",
               "clang-format", "autopep8", "yapf", "shfmt", "taplo"},
    "typecheck": {"mypy", "pyright", "basedpyright", "pyrefly", "tsc", "vue-tsc", "flow", "pytype", "ty"},
    "build": {"webpack", "rollup", "esbuild", "tsup", "vite", "parcel", "rolldown", "sphinx-build", "mkdocs",
              "maturin", "cmake", "ninja", "bazel", "setup.py"},
    "install": {"corepack"},
}
WRAPPERS = {("uv", "run"), ("poetry", "run"), ("pipx", "run"), ("pdm", "run"), ("pnpm", "exec"), ("pnpm", "dlx"),
            ("yarn", "dlx"), ("bundle", "exec"), ("npm", "exec"), ("rye", "run"), ("hatch", "shell")}
NPM_BUILTINS = {"install", "i", "ci", "add", "remove", "rm", "uninstall", "update", "up", "exec", "dlx", "link",
                "unlink", "outdated", "audit", "why", "ls", "list", "pack", "publish", "init", "create", "config",
                "workspaces", "workspace", "constraints", "dedupe", "set", "plugin", "patch", "rebuild", "store",
                "import", "licenses", "info", "cache", "version", "env", "prune", "setup"}
GRADLE = (("publish", "release"), ("deploy", "release"), ("spotlessapply", "format"), ("ktlintformat", "format"),
          ("spotlesscheck", "lint"), ("ktlintcheck", "lint"), ("detekt", "lint"), ("lint", "lint"),
          ("check", "gate"), ("test", "test"), ("build", "build"), ("assemble", "build"), ("jar", "build"))
MAVEN = (("deploy", "release"), ("release:", "release"), ("spotless:apply", "format"), ("spotless:check", "lint"),
         ("checkstyle", "lint"), ("verify", "gate"), ("test", "test"), ("package", "build"), ("install", "build"),
         ("compile", "build"))


def _strip_python(parts: list[str]) -> list[str]:
    if parts and re.fullmatch(r"python(?:\d(?:\.\d+)?)?|py|pypy3?", parts[0]) and parts[1:2] == ["-m"]:
        return parts[2:]
    return parts


def unwrap(parts: list[str]) -> list[str]:
    """`uv run pytest -q` -> `pytest -q`; `npx eslint .` -> `eslint .`; `python -m mypy` -> `mypy`."""
    changed = True
    while changed and parts:
        changed = False
        parts = _strip_python(parts)
        if len(parts) > 1 and (parts[0], parts[1]) in WRAPPERS:
            parts = [p for p in parts[2:]]
            while parts and parts[0].startswith("-"):  # `uv run --frozen pytest`
                parts = parts[2:] if parts[0] in ("--python", "-p", "--with", "--group", "--extra", "--package",
                                                   "--directory", "--project") else parts[1:]
            changed = True
        elif parts[0] in ("npx", "bunx", "pnpx"):
            parts = parts[1:]
            while parts and parts[0].startswith("-"):
                parts = parts[2:] if parts[0] in ("-p", "--package") else parts[1:]
            changed = True
    return parts


def _targets(parts: list[str], takes_value: tuple[str, ...]) -> list[str]:
    out, skip = [], False
    for p in parts:
        if skip:
            skip = False
        elif p in takes_value:
            skip = True
        elif p == "--":
            break
        elif not p.startswith("-") and "=" not in p:
            out.append(p)
    return out


def task_refs(parts: list[str]) -> list[tuple[str, str]]:
    """The (runner, task) pairs a command line invokes: `make a b`, `just x`, `npm run y`, `tox -e py,lint`."""
    if not parts:
        return []
    tool, rest = parts[0].rsplit("/", 1)[-1], parts[1:]
    if tool in ("make", "gmake"):
        if any(p.startswith(("-C", "--directory", "-f", "--file")) for p in rest):
            return [("make@", t) for t in _targets(rest, ("-C", "-f", "-j", "-l", "-o", "-W"))]
        return [("make", t) for t in _targets(rest, ("-j", "-l", "-o", "-W"))] or [("make", "")]
    if tool == "just":
        found = _targets(rest, ("-f", "--justfile", "-d", "--working-directory", "--set"))
        return [("just", found[0])] if found else [("just", "")]
    if tool in ("task", "go-task"):
        return [("task", t) for t in _targets(rest, ("-d", "-t", "--dir", "--taskfile"))]
    if tool in ("npm", "pnpm", "yarn", "bun") or (tool == "node" and rest[:1] == ["."]):
        rest = rest[1:] if tool == "node" else rest
        if rest and rest[0].startswith("-"):  # `pnpm -r --parallel run dev` runs every workspace's script
            return [("npm*", rest[rest.index("run") + 1])] if "run" in rest[:-1] else []
        if not rest:
            return [("npm", "install")] if tool == "yarn" else []
        sub = rest[0]
        if sub in ("run", "run-script", "rum", "urn") and len(rest) > 1:
            return [("npm", rest[1])]
        if sub in ("test", "t", "tst", "start", "stop", "restart"):
            return [("npm", "test" if sub in ("t", "tst") else sub)]
        if sub in ("workspace", "workspaces") and len(rest) > 2:
            return [("npm*", rest[-1])]
        if tool in ("pnpm", "yarn", "bun") and sub not in NPM_BUILTINS and not sub.startswith("-"):
            return [("npm", sub)]
        return []
    if tool == "nox":
        names = []
        for i, p in enumerate(rest):
            if p in ("-s", "--session", "--sessions", "-e"):
                names += [n for n in rest[i + 1:] if not n.startswith("-")][:1]
        return [("nox", n) for n in names] or [("nox", "")]
    if tool == "tox":
        for i, p in enumerate(rest):
            if p in ("-e", "--env") and i + 1 < len(rest):
                return [("tox", e) for e in rest[i + 1].split(",") if e]
            if p.startswith("-e") and len(p) > 2:
                return [("tox", e) for e in p[2:].split(",") if e]
        return [("tox", "")]
    if tool == "hatch" and len(rest) > 1 and rest[0] == "run":
        return [("hatch", rest[1])]
    if tool == "pdm" and len(rest) > 1 and rest[0] == "run":
        return [("pdm", rest[1])]
    return []


def references(parts: list[str]) -> list[tuple[str, str]]:
    """task_refs of the command as written (`pdm run lint` names a script), else of what it wraps."""
    return task_refs(parts) or task_refs(unwrap(parts))


def _jvm(parts: list[str], table) -> str | None:
    found = None
    for goal in (p.lower() for p in parts[1:] if not p.startswith("-")):
        goal = goal.rsplit(":", 1)[-1] if table is GRADLE else goal
        kind = next((k for word, k in table if goal == word or goal.startswith(word)), None)
        if kind is None and table is GRADLE and re.search(r"tests?$", goal):  # jvmTest, allTests
            kind = "test"
        if kind == "release":
            return kind
        found = found or kind
    return found


def tool_kind(parts: list[str]) -> str | None:
    """The kind of one tool invocation (no task runner involved)."""
    parts = unwrap(parts)
    if not parts:
        return None
    tool = parts[0].rsplit("/", 1)[-1]
    sub = parts[1] if len(parts) > 1 else ""
    if tool in ("cargo", "cross"):
        sub = sub.lstrip("+") if not sub.startswith("+") else (parts[2] if len(parts) > 2 else "")
        sub = sub.removeprefix("l") if sub in ("ltest", "lclippy", "lbuild", "lcheck", "lrun") else sub
        return {"test": "test", "nextest": "test", "clippy": "lint", "fmt": "format", "build": "build",
                "check": "build", "doc": None, "fetch": "install", "deny": "lint", "audit": "lint",
                "machete": "lint", "udeps": "lint", "watch": "dev", "run": "dev"}.get(sub)
    if tool == "go":
        return {"test": "test", "vet": "lint", "build": "build", "fmt": "format", "generate": "build",
                "mod": "install" if parts[2:3] in (["download"], ["tidy"]) else None}.get(sub)
    if tool in ("gradle", "gradlew", "gradlew.bat"):
        return _jvm(parts, GRADLE)
    if tool in ("mvn", "mvnw", "mvnw.cmd"):
        return _jvm(parts, MAVEN)
    if tool == "ruff":
        return "format" if sub == "format" and "--check" not in parts else "lint"
    if tool in ("black", "isort", "prettier", "oxfmt", "dprint", "biome") and any(
            p in ("--check", "--diff", "-c", "check", "ci") for p in parts[1:]):
        return "lint" if tool != "prettier" or "--check" in parts else "format"
    if tool in ("pip", "pip3", "uv", "poetry", "pdm", "pipenv", "bundle", "composer"):
        if sub in ("install", "sync") or (tool == "uv" and sub == "pip" and parts[2:3] == ["install"]):
            return "install"
        if sub == "check" and tool == "poetry":
            return "lint"
        return "build" if sub == "build" else None
    if tool in ("npm", "pnpm", "yarn", "bun"):
        if tool == "yarn" and (not sub or sub.startswith("-")):  # `yarn --immutable` installs
            return "install"
        return {"ci": "install", "install": "install", "i": "install", "test": "test"}.get(sub)
    if tool == "hatch":
        if sub == "fmt":
            return "lint" if "--check" in parts else "format"
        if sub == "check" and "--fix" in parts:
            return "format"
        return {"test": "test", "build": "build", "check": "gate"}.get(sub)
    if tool in ("tox", "nox") and len(parts) == 1:
        return "gate"
    if tool in ("build", "pyproject-build") or (tool == "python" and sub == "setup.py"):
        return "build"
    for kind, tools in TOOLS.items():
        if tool in tools:
            if tool == "pre-commit" and sub == "install":
                return "install"
            if tool == "playwright" and sub == "install":
                return "install"
            if tool == "coverage" and sub != "run":
                return None
            if tool == "tsc" and any(p in ("-b", "--build") for p in parts) and "--noEmit" not in parts:
                return "build" if not any("test" in p for p in parts) else "typecheck"
            if tool == "vite" and sub not in ("build", ""):
                return "dev"
            if tool == "twine" and sub != "check":
                return None
            return kind
    return None


def command_kind(line: str, lookup: Lookup) -> str | None:
    """The kind of a command line; task references go through lookup(runner, name). None when it says nothing."""
    kinds: list[str] = []
    for part in judge.chain(line):
        parts = judge.command_words(part)
        if not parts:
            continue
        refs = references(parts)
        if refs:
            for runner, name in refs:
                kind = lookup(runner, name) if runner in LOOKED_UP else None
                if kind is None and name:
                    kind = classify(name)
                if kind:
                    kinds.append(kind)
            continue
        kind = tool_kind(parts)
        if kind:
            kinds.append(kind)
    return combine(kinds)


def combine(kinds: list[str]) -> str | None:
    """One kind for a sequence: release wins, several distinct checks make a gate, a check beats setup."""
    if not kinds:
        return None
    if "release" in kinds:
        return "release"
    checks = list(dict.fromkeys(k for k in kinds if k in CHECKS))
    if "gate" in checks or len(set(checks) - {"format"}) >= 2 or len(checks) >= 3:
        return "gate"
    if checks:
        return checks[0]
    for kind in ("build", "dev", "install"):
        if kind in kinds:
            return kind
    return kinds[0]


def canonical(run: str) -> str:
    """One spelling per command, to list it once: `yarn run x` is `yarn x`, `npm run test` is `npm test`,
    `pnpm i` is `pnpm install`, `python3 -m pytest` is `python -m pytest`."""
    parts = run.split()
    if len(parts) > 2 and parts[0] in ("yarn", "pnpm", "bun") and parts[1] == "run" and parts[0] != "bun":
        parts = [parts[0], *parts[2:]]
    if len(parts) > 2 and parts[0] in ("npm", "pnpm", "yarn") and parts[1:3] in (["run", "test"], ["run", "start"]):
        parts = [parts[0], parts[2], *parts[3:]]
    if len(parts) > 1 and parts[0] in ("npm", "pnpm", "yarn", "bun") and parts[1] == "i":
        parts[1] = "install"
    if parts and re.fullmatch(r"python3(?:\.\d+)?", parts[0]):
        parts[0] = "python"
    return " ".join(parts)


def shape(run: str) -> str:
    """The command with its numbers blanked: `-Pjava=8` and `-Pjava=21` are one command for a reader."""
    return re.sub(r"\d+(?:\.\d+)*", "#", canonical(run))
