"""One repository end to end: detect, plan, then check, preview or write (optionally on a new branch and commit)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from aistack.repo.index import RepoView
from aistack.repo.plan import Change, Plan, plan_repo
from aistack.repo.render import Renderer


@dataclass(frozen=True)
class Options:
    org: str | None = None
    adopt: bool = False
    nested: bool = False
    check: bool = False
    dry_run: bool = False
    branch: str | None = None
    commit: bool = False
    allow_dirty: bool = False
    bridges: tuple[str, ...] = ("claude", "gemini")


@dataclass
class Result:
    path: str
    status: str            # written | unchanged | skipped | fresh | stale | failed
    reason: str = ""
    plan: Plan | None = None
    commit: str | None = None
    written: list[str] = field(default_factory=list)


def _write(root: Path, change: Change) -> None:
    from aistack.engine.files import atomic_write, backup_once, file_lock
    from aistack.repo.gitops import is_restorable

    path = root / change.path
    with file_lock(path):
        if change.replace_symlink:
            os.unlink(path)
        elif change.old is not None and not is_restorable(root, change.path):
            backup_once(path)  # git cannot give this version back; keep one copy
        atomic_write(path, change.new)


def _ignored_warnings(plan: Plan) -> dict[str, str]:
    """Warn (on --dry-run too) when the repository's ignore rules hide a file init-repo writes."""
    from aistack.repo.gitops import ignored

    paths = [c.path for c in plan.changes if c.writes or c.status == "unchanged"]
    found = ignored(plan.root, paths)
    for path, rule in found.items():
        plan.warnings.append(f"{path} is ignored by {rule}: git will not track it, so teammates and CI never see "
                             f"it (--commit leaves it out). Add `!{path}` to .gitignore if the team wants it.")
    return found


def run(path: Path, options: Options, renderer: Renderer) -> Result:
    view = RepoView.open(path)
    plan = plan_repo(view, renderer, org=options.org, adopt=options.adopt, nested=options.nested,
                     bridges=options.bridges)
    hidden = _ignored_warnings(plan)
    changing = [c for c in plan.changes if c.writes]
    if changing and not options.check and not options.dry_run and not options.allow_dirty:
        from aistack.repo.gitops import ensure_clean

        ensure_clean(view.root, {c.path for c in plan.changes})
    skipped = [c for c in plan.changes if c.status == "skip" and c.path.endswith("AGENTS.md")]
    where = str(view.root)
    if plan.changes[0].status == "skip" and not options.check:  # the root AGENTS.md: the repository is skipped
        return Result(where, "skipped", plan.changes[0].reason, plan)
    if options.check:
        # An unmanaged root AGENTS.md cannot be checked; a package's hand-written one is its team's business.
        stale = [c for c in plan.changes if c.writes or (c is plan.changes[0] and c.status == "skip")]
        if stale:
            reason = "; ".join(_stale_reason(c) for c in stale)
            return Result(where, "stale", reason, plan)
        return Result(where, "fresh", "", plan)
    if options.dry_run or not changing:
        status = "unchanged" if not changing else "would-write"
        return Result(where, status, ", ".join(c.path for c in changing), plan)
    if options.branch:
        from aistack.repo.gitops import checkout_new_branch

        checkout_new_branch(view.root, options.branch)
    for change in changing:
        _write(view.root, change)
    result = Result(where, "written", ", ".join(c.path for c in changing), plan, written=[c.path for c in changing])
    if options.commit:
        from aistack.repo.gitops import commit

        tracked = [p for p in result.written if p not in hidden]
        if tracked:
            result.commit = commit(view.root, tracked)
        else:
            plan.warnings.append("--commit: nothing was committed; every file written is ignored by git.")
    if skipped:  # packages with a hand-written AGENTS.md under --nested
        result.reason += "; skipped " + ", ".join(c.path for c in skipped)
    return result


def _stale_reason(change: Change) -> str:
    if change.status == "skip":
        return change.reason
    if change.old is None:
        return f"{change.path} is missing"
    names = ", ".join(b[0] for b in change.blocks) or "content"
    return f"{change.path}: {names} out of date"
