"""Branch and commit with gitpython; never a push."""

from __future__ import annotations

import re
from pathlib import Path

from aistack.errors import AistackError

MESSAGE = "Add AGENTS.md from aistack init-repo\n\nGenerated blocks are marked; text outside them belongs to the team."


def _repo(root: Path):
    import git

    return git.Repo(root)


def dirty_paths(root: Path) -> list[str]:
    """Tracked files with staged or unstaged changes (untracked files do not count)."""
    repo = _repo(root)
    out = repo.git.status("--porcelain", "-z", "--untracked-files=no")
    paths, entries = [], out.split("\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        if len(entry) > 3:
            paths.append(entry[3:])
            if entry[0] in "RC":  # a rename or copy: the next entry is the old path
                i += 1
        i += 1
    return paths


def ensure_clean(root: Path, own: set[str] = frozenset()) -> None:
    """Refuse a tree with uncommitted changes, except in the files init-repo itself writes."""
    dirty = [p for p in dirty_paths(root) if p not in own and not p.endswith(".aistack.bak")]
    if dirty:
        shown = ", ".join(dirty[:3]) + (f" and {len(dirty) - 3} more" if len(dirty) > 3 else "")
        raise AistackError(f"{root} has uncommitted changes ({shown}); refusing to write into a dirty tree.",
                           hint="Commit or stash them, or pass --allow-dirty (init-repo writes only its own files, "
                                "and --commit commits only those).")


def _may_ignore(root: Path, paths: list[str]) -> bool:
    """Whether any ignore rule could apply, read from files: saves a git process per repository in --each."""
    dirs = {""} | {p.rpartition("/")[0] for p in paths}
    for d in list(dirs):
        while d:
            d = d.rpartition("/")[0]
            dirs.add(d)
    if any((root / d / ".gitignore").is_file() for d in dirs):
        return True
    exclude = root / ".git" / "info" / "exclude"
    try:
        if any(line.strip() and not line.startswith("#") for line in exclude.read_text().splitlines()):
            return True
    except OSError:
        pass
    import os

    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    if (xdg / "git" / "ignore").is_file():
        return True
    return _repo(root).config_reader().get_value("core", "excludesfile", "") != ""


def ignored(root: Path, paths: list[str]) -> dict[str, str]:
    """The paths .gitignore (or .git/info/exclude, core.excludesFile) hides: {path: "file:line `pattern`"}.
    Tracked files are never reported: git tracks them whatever the ignore rules say."""
    import git

    if not paths or not _may_ignore(root, paths):
        return {}
    repo = _repo(root)
    try:
        out = repo.git.check_ignore("-v", "--", *paths)
    except git.GitCommandError as e:
        if e.status == 1:  # none of them is ignored
            return {}
        raise AistackError(f"{root}: `git check-ignore` failed: {(e.stderr or str(e)).strip()}.") from None
    found = {}
    for line in out.splitlines():
        meta, _, path = line.partition("\t")
        m = re.match(r"(.*?):(\d+):(.*)\Z", meta)
        if path and m and not m.group(3).startswith("!"):
            found[path] = f"{m.group(1)}:{m.group(2)} `{m.group(3)}`"
    return found


def checkout_new_branch(root: Path, name: str) -> None:
    import git

    repo = _repo(root)
    try:
        current = repo.active_branch.name
    except TypeError:  # detached HEAD
        current = None
    if current == name:
        return
    if name in [h.name for h in repo.heads]:
        raise AistackError(f"{root}: branch {name!r} already exists.",
                           hint="Pick another --branch name, or delete the old branch first.")
    try:
        repo.git.check_ref_format("--branch", name)
        repo.git.checkout("-b", name)
    except git.GitCommandError as e:
        raise AistackError(f"{root}: cannot create branch {name!r}: {(e.stderr or str(e)).strip()}.") from None


def commit(root: Path, paths: list[str], message: str = MESSAGE) -> str:
    """Commit exactly these paths (other staged or modified files stay out of the commit); the new sha."""
    import git

    repo = _repo(root)
    try:
        repo.git.add("--", *paths)
        repo.git.commit("-m", message, "--only", "--", *paths)
    except git.GitCommandError as e:
        detail = (e.stderr or str(e)).strip()
        hint = ("Set `git config user.name` and `user.email`." if "identity" in detail or "user.email" in detail
                else "The files were written; commit them by hand.")
        raise AistackError(f"{root}: git commit failed: {detail}.", hint=hint) from None
    return repo.head.commit.hexsha


def is_restorable(root: Path, rel: str) -> bool:
    """True when git holds this exact file (tracked and unmodified), so no extra backup is needed."""
    repo = _repo(root)
    return not repo.git.status("--porcelain", "--", rel).strip()
