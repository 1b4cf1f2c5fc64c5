"""Contributor docs: the setup, test and check commands CONTRIBUTING (and the README's development section) tell
contributors to run. Each is kept only when the project can run it: the task it names exists, or its tool is
the project's own."""

from __future__ import annotations

import re
from typing import Iterator

from aistack.repo import judge, kinds
from aistack.repo.index import RepoView, join
from aistack.repo.model import READ, Command, Findings, Source

DOC_NAME = re.compile(r"(?:^|/)(?:contributing|development|developing|hacking|dev[-_]guide)"
                      r"\.(?:md|rst|markdown|txt)$", re.I)
DOC_DIR = re.compile(r"(?:^|/)(?:development|contributing|contributors?)/[^/]+\.(?:md|rst)$", re.I)
README = ("README.md", "README.rst", "README.markdown", "readme.md", "Readme.md")
README_HEADING = re.compile(r"develop|contribut|hacking|\bbuilding\b|from source|running (?:the )?tests|\btesting\b"
                            r"|local setup|local development", re.I)
SKIP_HEADING = re.compile(r"releas|publish|deploy|maintainer|triage|translat|security|conduct|licen|debug|"
                          r"profil|benchmark", re.I)
SHELL_LANGS = {"", "sh", "bash", "shell", "console", "zsh", "shell-session", "sh-session", "terminal", "shellsession"}
HEADING_KINDS = ((re.compile(r"\btest", re.I), "test"), (re.compile(r"\blint|static analysis", re.I), "lint"),
                 (re.compile(r"format|style", re.I), "format"), (re.compile(r"\btype", re.I), "typecheck"),
                 (re.compile(r"\bbuild", re.I), "build"),
                 (re.compile(r"install|set ?up|environment|getting started|prerequisite|bootstrap", re.I), "install"))
RST_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+.:_])\1{2,}\s*$")
MAX_FILES = 6
ALONE = {"make", "just", "tox", "nox", "yarn", "task"}  # runners that do something useful with no arguments
CUE = re.compile(r"(?:\brun|\brunning|\bexecute|\btype|\buse|\busing|\bwith|\binvoke|\bvia|:)\s*$", re.I)


def candidates(view: RepoView, scope: str) -> list[str]:
    if scope:
        return [f for f in view.by_dir.get(scope, []) if DOC_NAME.search(f)]
    near = view.by_dir.get("", []) + view.under(".github/") + view.under("docs/") + view.under("doc/")
    found = [f for f in near if f.count("/") <= 4 and (DOC_NAME.search(f) or DOC_DIR.search(f))
             and not re.search(r"(?:^|/)releas", f, re.I)]
    return sorted(found, key=lambda f: (not DOC_NAME.search(f), f.count("/"), f))[:MAX_FILES]


def _prompted(lines: list[str]) -> list[str]:
    prompted = [re.sub(r"^\s*[$%>]\s+", "", line) for line in lines if re.match(r"^\s*[$%>]\s+\S", line)]
    return prompted if prompted else [line.strip() for line in lines]


def spans(line: str, pattern: str) -> Iterator[str]:
    """Inline code that reads as a command: several words, or one word the sentence tells you to run."""
    for m in re.finditer(pattern, line):
        span = m.group(1).strip()
        if " " in span or span in ALONE and CUE.search(line[:m.start()]):
            yield span


def markdown(text: str) -> Iterator[tuple[list[str], str, str]]:
    """(heading path, command line) for shell code blocks and inline code spans. A code block's path ends
    with the sentence that introduces it ("Install the dependencies:")."""
    path: list[tuple[int, str]] = []
    fence = None
    block: list[str] = []
    previous = context = ""
    for line in text.split("\n"):
        if fence:
            if line.strip().startswith(fence[0]):
                if fence[1] in SHELL_LANGS:
                    for command in _prompted(block):
                        yield [t for _, t in path], context, command
                fence = None
            else:
                block.append(line)
            continue
        if (m := re.match(r"^\s*(```+|~~~+)\s*([\w+-]*)", line)):
            fence, block = (m.group(1), m.group(2).lower()), []
            continue
        level, title = 0, ""
        if (m := re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)):
            level, title = len(m.group(1)), m.group(2)
        elif previous.strip() and re.fullmatch(r"=+\s*|-+\s*", line) and not previous.lstrip().startswith(("-", "*")):
            level, title = (1 if line.startswith("=") else 2), previous.strip()
        if level:
            path = [(lv, t) for lv, t in path if lv < level] + [(level, title.strip("*_` "))]
            context = ""
        else:
            context = line.strip() if line.strip() else context
            for span in spans(line, r"(?<!`)`([^`\n]+)`(?!`)"):
                yield [t for _, t in path], line, span
        previous = line


def rst(text: str) -> Iterator[tuple[list[str], str, str]]:
    lines = text.split("\n")
    levels: list[str] = []
    path: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and not line.startswith(" ") and RST_UNDERLINE.match(nxt) and len(nxt.strip()) >= len(
                line.strip()) - 1:
            char = nxt.strip()[0]
            levels += [char] if char not in levels else []
            level = levels.index(char)
            path = [(lv, t) for lv, t in path if lv < level] + [(level, line.strip())]
            i += 2
            continue
        directive = re.match(r"^(\s*)\.\. (?:code-block|code|prompt|sourcecode)::\s*(\S*)", line)
        literal = line.rstrip().endswith("::") and not line.strip().startswith("..")
        if directive or literal:
            lang = directive.group(2).lower() if directive else ""
            indent = len(line) - len(line.lstrip())
            block, j = [], i + 1
            while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > indent):
                if lines[j].strip() and not lines[j].strip().startswith(":"):
                    block.append(lines[j])
                j += 1
            if lang in SHELL_LANGS:
                context = lines[i].strip() if literal else (lines[i - 1].strip() if i else "")
                for command in _prompted(block):
                    yield [t for _, t in path], context, command
            if directive:
                i = j
                continue
        for span in spans(line, r"``([^`\n]+)``"):
            yield [t for _, t in path], line, span
        i += 1


def _clean(command: str, view: RepoView) -> tuple[str, str] | None:
    """(directory, command) with a prompt, a trailing comment and a `cd <clone> &&` prefix removed."""
    command = re.sub(r"\s+#\s.*$", "", command.strip()).strip()
    cwd = ""
    m = re.match(r"cd\s+([\w./-]+)\s*&&\s*(.+)", command)
    if m:
        directory = m.group(1).strip("/").removeprefix("./")
        cwd = directory if view.is_dir(directory) else ""  # else: the clone itself, already the cwd
        command = m.group(2)
    return (cwd, command) if command else None


def _tool_available(parts: list[str], view: RepoView, scope: str, found: Findings) -> bool:
    tool = parts[0]
    eco = set(found.ecosystems)
    if tool in ("./gradlew", "./mvnw"):
        return view.has(join(scope, tool[2:]))
    if tool == "node":
        return "node" in eco and len(parts) > 1 and (parts[1] == "." or view.has(join(scope, parts[1].removeprefix(
            "./"))))
    facts = {f.value.split()[0] for f in found.facts if f.label in ("Python environment", "Package manager")}
    needs = {"cargo": "rust" in eco, "go": "go" in eco, "gradle": "jvm" in eco,
             "mvn": "jvm" in eco, "npm": "node" in eco, "pnpm": "pnpm" in facts, "yarn": "yarn" in facts,
             "bun": "bun" in facts, "corepack": "node" in eco, "npx": "node" in eco, "uv": "uv" in facts,
             "poetry": "poetry" in facts, "hatch": "hatch" in facts, "pdm": "pdm" in facts}
    if tool in needs:
        return needs[tool]
    python = re.fullmatch(r"python(?:\d(?:\.\d+)?)?", tool) is not None  # not `py`, the Windows launcher
    if tool in ("pip", "pip3", "pytest", "ruff", "mypy", "pyright", "tox", "nox", "pre-commit", "coverage") or python:
        return "python" in eco or tool == "pre-commit" and view.has(".pre-commit-config.yaml")
    return False


def _known(runner: str, name: str, found: Findings) -> bool:
    tasks = found.targets.get(runner.rstrip("*@"), {})
    if runner in ("npm*", "make@"):
        return True
    if runner == "nox":
        return name == "" or name in tasks or re.sub(r"-(?:\d[\d.]*t?|pypy\d*)$", "", name) in tasks
    if runner == "tox":
        return bool(tasks) and (name in tasks or name == "" or re.fullmatch(r"py\d*", name) is not None)
    if runner == "npm" and name in ("test", "start"):
        return name in tasks
    return name in tasks


def accept(raw: str, headings: list[str], context: str, rel: str, view: RepoView, scope: str,
           found: Findings) -> Command | None:
    cleaned = _clean(raw, view)
    if cleaned is None or any(SKIP_HEADING.search(h) for h in headings):
        return None
    cwd, command = cleaned
    if judge.fragment(command) or judge.danger(command) or any(judge.is_setup_noise(p) for p in judge.chain(command)):
        return None
    if judge.rewrites(command):
        return None  # regenerates snapshots or examples: not something to run while checking a change
    for part in judge.chain(command):
        parts = kinds.unwrap(judge.command_words(part))
        if not parts:
            return None
        # `pdm run X` and `hatch run X` name a script when one is called X, else they wrap a tool
        refs = [(r, n) for r, n in kinds.references(judge.command_words(part))
                if r not in ("pdm", "hatch") or n in found.targets.get(r, {})]
        if refs and not all(_known(r, n, found) for r, n in refs):
            return None
        if not refs and not _tool_available(judge.command_words(part), view, scope, found):
            return None
    kind = kinds.command_kind(command, found.lookup)
    heading = headings[-1] if headings else ""
    named = any(n for part in judge.chain(command) for _, n in kinds.references(judge.command_words(part)))
    if kind is None and not named:  # what the text around it says, for setup and build steps only
        kind = next((k for pattern, k in HEADING_KINDS if k in ("install", "build") and (
            pattern.search(heading) or pattern.search(context))), None)
    if kind in (None, "release", "other"):
        return None
    where = f'section "{heading}"' if heading else ""
    return Command(kind, command, Source(rel, where), READ, cwd=cwd, rank=0)


def detect(view: RepoView, scope: str, found: Findings) -> Findings:
    out = Findings()
    files = [(f, False) for f in candidates(view, scope)]
    readme = view.first(scope, *README)
    if readme:
        files.append((readme, True))
    for rel, is_readme in files:
        text = view.text(rel)
        if not text:
            continue
        parse = rst if rel.lower().endswith((".rst", ".txt")) else markdown
        for headings, context, raw in parse(text):
            if is_readme and not any(README_HEADING.search(h) for h in headings):
                continue
            command = accept(raw, headings, context, rel, view, scope, found)
            if command and all(c.run != command.run for c in out.commands):
                out.commands.append(command)
    return out
