"""Run the real `aistack` CLI in processes that stop at their Nth change to the file system, for a test to kill -9.

usage: python killpoint.py   (then one JSON request a line on stdin: {"n": N, "go": false, "args": [...]})

Every change aistack makes goes through an audited call (Python's audit hooks: an open for writing, a rename,
a remove, a mkdir, a chmod...). For each request this server forks a fresh process (aistack already imported,
so a trial costs no interpreter start) that runs `aistack ARGS` with a hook on those calls:
- n = 0: it runs to the end, reporting each change as "change EVENT PATH" (or "noop EVENT PATH" for one that
  changes nothing: a mkdir of a directory that exists, a remove of a missing file);
- otherwise, just before its nth change it reports "stop EVENT PATH" and waits; with "go" it reports
  "go EVENT PATH" and carries on (so that the kill strikes at some instant after it: a write under way).
A process that reaches its end reports "end". For n > 0 the server then waits for a line "kill" on stdin and
kills the process -9 (the server is its parent and has not reaped it: the pid is still that process's).
When the process is gone the server reports "exit STATUS".
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time

CHANGES = {"os.rename", "os.remove", "os.mkdir", "os.rmdir", "os.chmod", "os.link", "os.truncate", "os.symlink"}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _change(event: str, args: tuple) -> str | None:
    if event in CHANGES:
        return str(args[0])
    if event == "open":
        path, mode, flags = args
        writing = any(c in mode for c in "wax+") if isinstance(mode, str) else bool(flags & WRITE_FLAGS)
        if writing and isinstance(path, (str, bytes, os.PathLike)):
            return os.fsdecode(path)
    return None


def _child(n: int, go: bool, args: list[str], report) -> int:
    seen = [0]

    def hook(event: str, hook_args: tuple) -> None:
        path = _change(event, hook_args)
        if path is None or path == "/dev/null":
            return
        seen[0] += 1
        if n == 0:
            noop = event == "os.mkdir" and os.path.isdir(path) or event == "os.remove" and not os.path.lexists(path)
            report.write(f"{'noop' if noop else 'change'} {event} {path}\n")
        elif seen[0] == n:
            report.write(f"{'go' if go else 'stop'} {event} {path}\n")
            while not go:
                time.sleep(60)

    sys.addaudithook(hook)
    from aistack.__main__ import main as aistack

    return aistack(args)


def main() -> int:
    # What every run needs, loaded once: each forked process starts with it, as after an interpreter start.
    import aistack.cli
    import aistack.configure
    import aistack.engine.apply
    import aistack.engine.jsoncdoc  # noqa: F401

    out = sys.stdout
    for line in sys.stdin:
        request = json.loads(line)
        out.flush()
        pid = os.fork()
        if pid == 0:
            devnull = os.open(os.devnull, os.O_WRONLY)
            report = os.fdopen(os.dup(out.fileno()), "w", buffering=1)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            code = 1
            try:
                code = _child(request["n"], request.get("go", False), request["args"], report)
            finally:
                report.write("end\n")
                os._exit(code)
        if request["n"]:
            assert sys.stdin.readline().strip() == "kill"
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        out.write(f"exit {status}\n")
        out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
