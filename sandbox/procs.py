"""Child processes of the sandbox: started in their own process group, found again by pid, stopped for good."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

POSIX = os.name == "posix"


class StartError(Exception):
    """A component did not come up; the message names it and ends with the tail of its log."""


def spawn(name: str, argv: list[str], logs: Path, env: dict[str, str]) -> subprocess.Popen:
    """Start one component; its first stdout line (JSON with `port`) lands in logs/NAME.out, the rest in NAME.log.

    Its own session (process group), so that a Ctrl-C in the terminal reaches only the launcher, which
    then stops every component itself, and so that `down` can stop a component with all its children.
    """
    logs.mkdir(parents=True, exist_ok=True)
    out = open(logs / f"{name}.out", "wb")
    err = open(logs / f"{name}.log", "wb")
    kwargs: dict = {"start_new_session": True} if POSIX else {
        "creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}  # type: ignore[attr-defined]
    try:
        return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, **kwargs)
    finally:
        out.close()
        err.close()


def tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").rstrip()
    except FileNotFoundError:
        return "(no log)"
    return "\n".join("    " + line for line in text.splitlines()[-lines:]) or "    (empty log)"


def announced_port(name: str, proc: subprocess.Popen, logs: Path, deadline: float) -> int:
    """The port the component says it listens on (its first stdout line), waiting until `deadline`."""
    out = logs / f"{name}.out"
    while time.monotonic() < deadline:
        try:
            first = out.read_text(encoding="utf-8").split("\n", 1)
        except FileNotFoundError:
            first = [""]
        if len(first) == 2:  # a whole line
            try:
                return int(json.loads(first[0])["port"])
            except (ValueError, KeyError, TypeError):
                log = tail(logs / f"{name}.log")
                raise StartError(f"{name} announced no port: {first[0][:200]!r}\n{log}") from None
        if proc.poll() is not None:
            log = tail(logs / f"{name}.log")
            raise StartError(f"{name} exited with code {proc.returncode} before listening:\n{log}")
        time.sleep(0.05)
    raise StartError(f"{name} did not announce its port in time:\n{tail(logs / f'{name}.log')}")


def wait_ready(name: str, proc: subprocess.Popen, url: str, logs: Path, deadline: float) -> None:
    """Poll `url` until it answers 200 (the component is serving), the process dies, or the deadline passes."""
    import httpx

    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StartError(f"{name} exited with code {proc.returncode} while starting:\n{tail(logs / f'{name}.log')}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise StartError(f"{name} was not ready at {url} in time:\n{tail(logs / f'{name}.log')}")


def alive(pid: int) -> bool:
    if not POSIX:
        return _windows_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by its parent) runs nothing.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except (OSError, IndexError):
        return True


def ours(pid: int, marker: str) -> bool:
    """Whether `pid` still runs the component we started (a pid can be reused after a reboot or a crash)."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.exists():
        return alive(pid)  # no /proc (macOS): trust the pid
    try:
        return marker in cmdline.read_bytes().decode(errors="replace")
    except OSError:
        return False


def stop(pid: int, grace: float = 10.0) -> None:
    """SIGTERM to the component's whole process group, then SIGKILL after `grace` seconds."""
    if not POSIX:
        subprocess.run(["taskkill", "/T", "/F", "/PID", str(pid)], capture_output=True)
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        end = time.monotonic() + wait
        while time.monotonic() < end:
            _reap(pid)
            if not _group_alive(pid):
                return
            time.sleep(0.05)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    # Only zombies left (a child of ours not yet reaped) count as gone.
    return alive(pgid) or any(_in_group(p, pgid) for p in _pids())


def _pids() -> list[int]:
    try:
        return [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return []


def _in_group(pid: int, pgid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[2]) == pgid and fields[0] != "Z"
    except (OSError, IndexError, ValueError):
        return False


def _windows_alive(pid: int) -> bool:
    result = subprocess.run(["tasklist", "/FI", f"PID eq {pid}", "/NH"], capture_output=True, text=True)
    return str(pid) in result.stdout


def python() -> str:
    return sys.executable
