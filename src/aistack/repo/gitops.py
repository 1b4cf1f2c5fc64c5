"""Branch and commit with gitpython; never a push."""

from __future__ import annotations

from pathlib import Path

from aistack.errors import AistackError

MESSAGE = "Add AGENTS.md from aistack init-repo\n\nGenerated blocks are marked; text outside them belongs to the team."


def _repo(root: Path):
    import git

    return git.Repo(root)


def ensure_clean(root: Path) -> None:
    repo = _repo(root)
    if repo.is_dirty(index=True, working_tree=True, untracked_files=False):
        raise AistackError(f"{root} has uncommitted changes; refusing to branch and commit over them.",
                           hint="Commit or stash them, or pass --allow-dirty (only aistack's files are committed).")


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
