"""`aistack policy install`: this machine's managed files, written (or, with `remove`, taken out) through the
engine: a backup of an admin's file before the first change, atomic writes, an ownership record per file so
removal takes out exactly what aistack wrote and nothing of the admin's own, and never a rewrite of a file that
does not parse. Root only: the files are the machine's, above every user."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from aistack.engine.apply import FileOutcome, apply_file
from aistack.engine.editor import Change
from aistack.errors import AistackError, ExitCode
from aistack.paths import Env, below_root
from aistack.policy.documents import changes, collect
from aistack.profile import Profile


@dataclass
class Installed:
    assistant: str
    key: str
    outcome: FileOutcome


def target(path: str, root: Path | None, platform: str) -> Path:
    """The managed file's path on this machine, or under `root` (a test's or an image build's file system)."""
    return Path(path) if root is None else root.joinpath(*below_root(path, platform == "win32"))


def install(profile: Profile, env: Env, *, remove: bool = False, dry_run: bool = False, root: Path | None = None,
            platform: str | None = None) -> list[Installed]:
    platform = platform or env.platform
    if root is None and not dry_run and _not_admin():
        raise AistackError("`aistack policy install` writes the machine's managed files, which only root may "
                           "change; nothing was written.",
                           hint="Run it as root (`sudo aistack policy install`), or see the files first with "
                                "`--dry-run` or `aistack policy render`.", exit_code=ExitCode.PROBLEM)
    done = []
    for item in collect(profile):
        path = item.file.paths.get(platform)
        if path is None:
            continue
        edits = [Change(p, v) for p, v in changes(item.doc)]
        outcome = apply_file(env, target(path, root, platform), item.file.fmt, edits, owner(item.adapter.NAME, profile),
                             remove=remove, dry_run=dry_run, private=False)
        done.append(Installed(item.adapter.NAME, item.file.key, outcome))
    return done


def owner(name: str, profile: Profile) -> str:
    return f"policy:{name}@{profile.org_name}"


def _not_admin() -> bool:
    geteuid = getattr(os, "geteuid", None)
    if geteuid is not None:
        return geteuid() != 0
    import ctypes  # Windows: an elevated process

    return not ctypes.windll.shell32.IsUserAnAdmin()  # type: ignore[attr-defined]
