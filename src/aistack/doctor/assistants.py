"""Each assistant detected or set up here: does it still hold what aistack wrote (drift), do the commands aistack
wrote for it still exist, and which version is installed. Nothing here uses the network."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

from aistack.doctor.model import FAIL, OK, SKIP, Result, State, one_line
from aistack.errors import AistackError

VERSION_TIMEOUT = 10.0  # seconds at most; Node CLIs take a second or two to start
_PROBES = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))  # version probes running at once
_VERSION = re.compile(r"\d+\.\d+(?:\.\d+)?(?:[-+.][0-9A-Za-z.]+)?")


def detected(state: State) -> list[str]:
    """The assistants to check: found here (the assistant itself, not what aistack made for it), or set up."""
    from aistack.assistants import registry
    from aistack.configure import detection_env

    seen = detection_env(state.env)
    return [n for n in registry.names() if registry.get(n).detect(seen) or _managed_files(n, state)]


def _managed_files(name: str, state: State) -> list[str]:
    """The files where aistack recorded entries for this assistant and this org."""
    from aistack.assistants import registry
    from aistack.configure import owner_of
    from aistack.engine import ownership

    owner = owner_of(name, state.org_profile)
    found = []
    for cfg in registry.get(name).files(state.env).values():
        try:
            record = ownership.load(state.env, Path(cfg.path))
        except AistackError:  # a symlink loop: nothing of aistack's can be there
            continue
        if any(o.owns(owner) for o in record.entries.values()):
            found.append(str(cfg.path))
    return found


def version(name: str, env_path: str | None, timeout: float = VERSION_TIMEOUT) -> str | None:
    from aistack.assistants import registry

    command = registry.get(name).VERSION_COMMAND
    exe = shutil.which(command, path=env_path) if command else None
    if exe is None:
        return None
    try:
        with _PROBES:  # a dozen Node CLIs starting at once on two cores would each outlive the timeout
            done = subprocess.run([exe, "--version"], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                                  timeout=min(timeout, VERSION_TIMEOUT), env=_quiet_env())
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _VERSION.search(done.stdout or "") or _VERSION.search(done.stderr or "")
    return match.group(0) if match and done.returncode == 0 else None


def _quiet_env() -> dict[str, str]:
    return dict(os.environ, NO_COLOR="1", CI="1", DISABLE_AUTOUPDATER="1")


def _written(name: str, state: State):
    """(file, edit, the value there now) for every entry setup would write, in files that parse."""
    from aistack.assistants import registry
    from aistack.engine.document import read
    from aistack.relay import local

    adapter = registry.get(name)
    plan = adapter.plan(state.org_profile, local.context(state.env))
    for key, cfg in adapter.files(state.env).items():
        try:
            doc = read(Path(cfg.path), cfg.fmt)[1]
        except Exception:
            continue
        for edit in (e for e in plan.edits if e.file == key):
            yield cfg, edit, doc.get(edit.path)


def _drifted(name: str, state: State) -> dict[str, list[str]]:
    """Per file, the aistack entries whose value is not what setup would write: `key` (changed) or missing."""
    from aistack.engine.document import MISSING, show_path

    found: dict[str, list[str]] = {}
    for cfg, edit, current in _written(name, state):
        if current is MISSING:
            found.setdefault(str(cfg.path), []).append(f"`{show_path(edit.path)}` missing")
        elif current != edit.value:
            found.setdefault(str(cfg.path), []).append(f"`{show_path(edit.path)}` differs")
    return found


def _commands(value) -> list[str]:
    """The executables an entry would start: `command` (a string, or OpenCode's list) or Goose's `cmd`."""
    found: list[str] = []
    if isinstance(value, dict):
        for key in ("command", "cmd"):
            command = value.get(key)
            if isinstance(command, list) and command and isinstance(command[0], str):
                found.append(command[0])
            elif isinstance(command, str):
                found.append(command)
        for item in value.values():
            if isinstance(item, (dict, list)):
                found += _commands(item)
    elif isinstance(value, list):
        for item in value:
            found += _commands(item)
    return found


def _missing_commands(name: str, state: State) -> list[str]:
    """Absolute commands in aistack's entries (its own path, GUI apps' resolved paths) that are gone, e.g. after
    aistack was reinstalled elsewhere. Bare names are the MCP server checks' business."""
    commands = (c for _, _, current in _written(name, state) for c in _commands(current))
    return [c for c in dict.fromkeys(commands) if Path(c).is_absolute() and not Path(c).exists()]


def check_assistant(name: str, state: State) -> Result:
    """Drift: a dry run of `aistack setup NAME` must change nothing and meet no conflict."""
    from aistack import configure
    from aistack.assistants import registry

    title = registry.get(name).TITLE
    rid = f"assistant:{name}"
    ver = version(name, state.env.environ.get("PATH"), state.timeout)
    label = f"{title} {ver}" if ver else title
    managed = _managed_files(name, state)
    if not managed:
        return Result(rid, title, SKIP, f"{label}: detected, not set up by aistack for {state.org_profile.org_name}",
                      f"Run `aistack setup {name}` to wire it to the org.")
    [outcome] = configure.run([name], state.org_profile, state.env, dry_run=True)
    problems = []
    drifted = _drifted(name, state) if any(f.status != "unchanged" for f in outcome.files) else {}
    for f in outcome.files:
        if f.error:
            problems.append(f"{f.path}: {f.error}")
        for conflict in f.conflicts:
            problems.append(f"{f.path}: {conflict.split(';')[0]}")
        if f.status != "unchanged" and not f.error and not f.conflicts:
            what = ", ".join(drifted.get(f.path, [])) or "differs from what aistack would write"
            problems.append(f"{f.path}: {what}")
    missing = _missing_commands(name, state)
    if missing:
        problems.append("cannot start " + ", ".join(f"`{c}`" for c in missing) + " (not found)")
    if problems:
        edited = any("changed since aistack wrote it" in p for p in problems)
        fix = (f"Run `aistack setup {name} --force` to put aistack's entries back (your edit is replaced), or "
               f"`aistack setup {name} --remove`." if edited else f"Run `aistack setup {name}`.")
        return Result(rid, title, FAIL, one_line(f"{label}: " + "; ".join(problems)), fix)
    return Result(rid, title, OK, f"{label}: aistack's entries intact in {', '.join(managed)}")
