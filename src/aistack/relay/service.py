"""The relay's background service: installed by `aistack setup` when an assistant needs it, removed by
`aistack setup --remove` when none does any more, checked by `aistack doctor`; and the sockets a service manager
hands the relay when it starts it on demand.

The files are rendered by relay.units and written here; then the platform's manager is told (systemctl --user,
launchctl, schtasks). Where the manager cannot be reached (a container, no user session), the files stay and the
result says how the relay gets started instead: `aistack run` starts it when an assistant needs it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aistack.paths import Env
from aistack.relay import units
from aistack.relay.local import SERVICE, load_state, save_state, serve_command

Runner = Callable[[list[str]], subprocess.CompletedProcess]


def run_quietly(argv: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as e:
        return subprocess.CompletedProcess(argv, 127, "", str(e))


@dataclass
class Outcome:
    files: list[tuple[str, str]] = field(default_factory=list)  # (path, created|changed|unchanged|removed)
    notes: list[str] = field(default_factory=list)  # what the manager said, or what to do by hand
    error: str | None = None

    def to_json(self) -> dict:
        return {"files": [{"path": p, "status": s} for p, s in self.files], "notes": self.notes, "error": self.error}


def _user(env: Env) -> str:
    domain, name = env.var("USERDOMAIN"), env.var("USERNAME") or ""
    return f"{domain}\\{name}" if domain else name


def rendered(env: Env, port: int, python: str | None = None) -> list[units.Unit]:
    return units.render(env, port, serve_command(port, python), _user(env))


def _manager_steps(env: Env, files: list[units.Unit], install: bool) -> list[list[str]]:
    if env.windows:
        task = str(files[0].path)
        if install:
            return [["schtasks", "/Create", "/TN", SERVICE, "/XML", task, "/F"], ["schtasks", "/Run", "/TN", SERVICE]]
        return [["schtasks", "/End", "/TN", SERVICE], ["schtasks", "/Delete", "/TN", SERVICE, "/F"]]
    if env.platform == "darwin":
        domain = f"gui/{os.getuid()}" if hasattr(os, "getuid") else "gui"
        steps = [["launchctl", "bootout", f"{domain}/{units.LAUNCHD_LABEL}"]]
        return steps + [["launchctl", "bootstrap", domain, str(files[0].path)]] if install else steps
    if install:
        return [["systemctl", "--user", "daemon-reload"],
                ["systemctl", "--user", "enable", f"{SERVICE}.socket"],
                ["systemctl", "--user", "restart", f"{SERVICE}.socket"]]
    return [["systemctl", "--user", "disable", "--now", f"{SERVICE}.socket", f"{SERVICE}.service"],
            ["systemctl", "--user", "daemon-reload"]]


def _tell_manager(steps: list[list[str]], run: Runner, outcome: Outcome, ignore_first: bool) -> bool:
    for i, argv in enumerate(steps):
        done = run(argv)
        if done.returncode != 0 and not (ignore_first and i == 0):
            why = (done.stderr or done.stdout or "").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
            outcome.notes.append(f"`{' '.join(argv)}` failed: {why[0]}")
            return False
    return True


def install(env: Env, port: int, *, dry_run: bool = False, run: Runner | None = None,
            python: str | None = None) -> Outcome:
    """Write the service files for a relay on `port` and have the manager listen (or start it)."""
    from aistack.engine.files import atomic_write

    outcome = Outcome()
    files = rendered(env, port, python)
    changed = False
    for unit in files:
        path = Path(unit.path)
        try:
            before = path.read_bytes() if path.exists() else None
        except OSError:
            before = None
        status = "unchanged" if before == unit.data() else ("changed" if before is not None else "created")
        outcome.files.append((str(path), status))
        if status != "unchanged" and not dry_run:
            atomic_write(path, unit.data(), mode=0o644)
            changed = True
    if dry_run:
        return outcome
    state = load_state(env)
    if state.get("port") != port:
        save_state(env, {**state, "port": port})
    if changed or not state.get("service_active"):
        active = _tell_manager(_manager_steps(env, files, True), run or run_quietly, outcome,
                               ignore_first=env.platform == "darwin")
        save_state(env, {**load_state(env), "service_active": active})
        if active:
            when = "at each logon (started now too)" if env.windows else "on the first connection"
            outcome.notes.append(f"the relay answers on 127.0.0.1:{port}; it starts {when}")
        else:
            outcome.notes.append("the service manager could not be told, so nothing listens until the relay is "
                                 "started: `aistack run` starts it for an assistant that needs it, or run "
                                 "`aistack relay start` (after each login, for apps started from the desktop).")
    return outcome


def remove(env: Env, *, dry_run: bool = False, run: Runner | None = None) -> Outcome:
    """Stop the service and delete its files (and only its files)."""
    outcome = Outcome()
    files = rendered(env, 1)  # the paths do not depend on the port
    present = [u for u in files if Path(u.path).exists()]
    if not present:
        return outcome
    if not dry_run:
        _tell_manager(_manager_steps(env, files, False), run or run_quietly, outcome, ignore_first=True)
    for unit in present:
        outcome.files.append((str(unit.path), "removed"))
        if not dry_run:
            Path(unit.path).unlink(missing_ok=True)
    if not dry_run:
        state = load_state(env)
        state.pop("service_active", None)
        save_state(env, state)
    return outcome


def installed(env: Env, port: int, python: str | None = None) -> tuple[list[str], list[str]]:
    """(missing or different files, files present as `setup` would write them) for doctor."""
    bad: list[str] = []
    good: list[str] = []
    for unit in rendered(env, port, python):
        path = Path(unit.path)
        try:
            same = path.read_bytes() == unit.data()
        except OSError:
            same = False
        (good if same else bad).append(str(path))
    return bad, good


def activated_sockets(platform: str = sys.platform) -> list[socket.socket]:
    """The listening sockets the service manager passed at start (systemd LISTEN_FDS, launchd's `Sockets`)."""
    if platform == "darwin":  # pragma: no cover - macOS only
        import ctypes

        libc = ctypes.CDLL(None)
        fds, found_count = ctypes.POINTER(ctypes.c_int)(), ctypes.c_size_t(0)
        if libc.launch_activate_socket(units.SOCKET_NAME.encode(), ctypes.byref(fds), ctypes.byref(found_count)) != 0:
            return []
        found = [socket.socket(fileno=fds[i]) for i in range(found_count.value)]
        libc.free(fds)
        return found
    if os.environ.get("LISTEN_PID") != str(os.getpid()):
        return []
    count = int(os.environ.get("LISTEN_FDS", "0") or 0)
    for var in ("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"):
        os.environ.pop(var, None)  # not for the children (`aistack token`)
    return [socket.socket(fileno=3 + i) for i in range(count)]
