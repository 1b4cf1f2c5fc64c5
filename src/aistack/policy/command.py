"""What `aistack policy` does once its options are parsed: resolve the profile, render or install, report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from aistack.errors import ExitCode, UsageError
from aistack.policy.documents import PLATFORMS


def run_render(*, org: str | None, out: Path, platform: str, stdout: TextIO | None = None) -> int:
    from aistack import profile as profiles
    from aistack.paths import Env
    from aistack.policy.render import render, write

    stdout = stdout or sys.stdout
    if platform != "all" and platform not in PLATFORMS:
        raise UsageError(f"--platform {platform!r} is not one of: linux, darwin, win32, all.")
    prof = profiles.resolve(org, Env.current())
    rendered = render(prof, PLATFORMS if platform == "all" else (platform,))
    for path in write(rendered, out):
        stdout.write(f"wrote {path}\n")
    for note in rendered.notes:
        stdout.write(note + "\n")
    steps = rendered.files.get("DASHBOARDS.md")
    if steps:
        stdout.write("\n" + steps.decode())
    return ExitCode.OK


def run_install(*, org: str | None, remove: bool, dry_run: bool, root: Path | None,
                stdout: TextIO | None = None) -> int:
    from aistack import profile as profiles
    from aistack.paths import Env
    from aistack.policy.install import install

    stdout = stdout or sys.stdout
    env = Env.current()
    prof = profiles.resolve(org, env)
    failed = False
    for done in install(prof, env, remove=remove, dry_run=dry_run, root=root):
        o = done.outcome
        stdout.write(f"{done.assistant} {done.key}: {o.path}: {o.status}\n")
        if o.diff:
            stdout.write(o.diff)
        for c in o.conflicts:
            stdout.write(f"  conflict: {c}\n")
        if o.backup:
            stdout.write(f"  backup: {o.backup}\n")
        if o.error:
            stdout.write(f"  error: {o.error}\n")
        failed = failed or not o.ok
    return ExitCode.PROBLEM if failed else ExitCode.OK
