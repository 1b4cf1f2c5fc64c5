"""The corpus of real public repositories (tests/repo/corpus, sources in corpus/SOURCES): loaders, and checks of
a generated AGENTS.md written apart from init-repo's own judge, so the two cannot share a blind spot."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
SOURCES = {line.split("\t")[0]: line.split("\t")[1:] for line in (CORPUS / "SOURCES").read_text().splitlines()
           if line.strip() and not line.startswith("#")}
NAMES = sorted(SOURCES)


def tracked(name: str) -> list[str]:
    return (CORPUS / name / "TRACKED").read_text().splitlines()


def view(name: str):
    """The repository as detection sees it: the stored files, and every path its index tracked."""
    from aistack.repo.index import RepoView

    return RepoView(CORPUS / name, tracked(name))


def materialize(name: str, dest: Path) -> Path:
    """A real git repository with the corpus files (every other tracked path as an empty file), committed."""
    src = CORPUS / name
    dest.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=dest, check=True)
    for rel in tracked(name):
        target = dest / rel
        stored = src / ("dot-gitignore".join(rel.rsplit(".gitignore", 1)) if rel.endswith(".gitignore") else rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        if stored.is_symlink():
            target.symlink_to(stored.readlink())
        elif stored.is_file():
            shutil.copyfile(stored, target)
        else:
            target.touch()
    subprocess.run(["git", "add", "-A", "-f"], cwd=dest, check=True)
    subprocess.run(["git", "commit", "-q", "-m", f"{name} as tracked"], cwd=dest, check=True)
    return dest


def render(name: str, *, nested: bool = False):
    """The plan for the corpus repository, as `aistack init-repo` would make it (nothing is written)."""
    from aistack.repo.plan import plan_repo
    from aistack.repo.render import Renderer

    return plan_repo(view(name), Renderer(), nested=nested, bridges=())


def generated(name: str) -> tuple[str, str]:
    """(the AGENTS.md init-repo leaves, the text it generated): a team's own file gets the compact block."""
    from aistack.repo.plan import plan_repo
    from aistack.repo.render import Renderer

    plan = plan_repo(view(name), Renderer(), adopt=True, bridges=())
    change = plan.changes[0]
    text = change.new if change.new is not None else change.old
    return text, text[len(change.old):] if change.old and change.new else ("" if change.old else text)


# --- checks of a generated AGENTS.md, independent of aistack.repo.judge ---------------------------------------

NEVER_RUN = re.compile(r"^Never run these release tasks")
DESTRUCTIVE = [re.compile(p) for p in (
    r"\bpublish", r"\bupload\b", r"\bgit\s+push\b", r"\bgit\s+tag\b", r"\bgh\s+(?:release|pr|issue)\b",
    r"\bgit\s+reset\s+--hard\b", r"\bgit\s+checkout\s+(?:--\s+)?\.", r"\bgit\s+clean\s+-", r"\bgit\s+rebase\b",
    r"--force\b.*\bpush\b|\bpush\b.*--force\b", r"\bdeploy\b", r"\b(?:docker|choco|helm|gem|cargo)\s+push\b",
    r"\btwine\s+upload\b", r"\bmvnw?\s+.*\bdeploy\b", r"\bgradlew?\s+.*\bpublish", r"\bsudo\b", r"\brm\s+-rf\s+/",
    r"\bnpm\s+version\b", r"\bgoreleaser\b", r"\bsemantic-release\b", r"\bgit\s+commit\b",
)]
FRAGMENT = [re.compile(p) for p in (
    r"^(?:fi|else|elif|done|then|do|esac|end|endif)\b", r"^[{}()@]", r"^@\{", r"\\$", r"(?:\||&&|\|\|)$",
    r"\$\{\{", r"\$GITHUB_|\$RUNNER_|\$env:", r"^(?:if|for|while|until|case|function)\s", r"^\w+\(\)",
    r"^(?:cd|export|source|set)\s", r"<<\s*['\"]?\w+",
)]


def sections(text: str) -> dict[str, list[str]]:
    """## heading -> its lines."""
    out: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
        out.setdefault(current, []).append(line)
    return out


def offered(text: str) -> list[str]:
    """Every command AGENTS.md offers to run: code spans in the list items of Commands and What CI runs."""
    found = []
    parts = sections(text)
    for heading in ("Commands", "What CI runs"):
        for line in parts.get(heading, []):
            if line.startswith("- ") and not NEVER_RUN.match(line):
                found += re.findall(r"`([^`]+)`", line.split(" (", 1)[0] if "(" in line else line)
    return found


def listed_pairs(text: str) -> list[tuple[str, str]]:
    """(label, command) of each Commands entry, e.g. ("test", "make test")."""
    out = []
    for line in sections(text).get("Commands", []):
        m = re.match(r"- ([\w ]+): `([^`]+)`", line)
        if m:
            out.append((m.group(1), m.group(2)))
    return out


def never_run(text: str) -> list[str]:
    for line in sections(text).get("Commands", []):
        if NEVER_RUN.match(line):
            return re.findall(r"`([^`]+)`", line)
    return []


def destructive(command: str) -> str | None:
    return next((p.pattern for p in DESTRUCTIVE if p.search(command)), None)


def fragment(command: str) -> str | None:
    if command.count("'") % 2 or command.count('"') % 2 or command.count("`") % 2:
        return "unbalanced quotes"
    if command.count("(") != command.count(")"):
        return "unbalanced parentheses"
    return next((p.pattern for p in FRAGMENT if p.search(command.strip())), None)
