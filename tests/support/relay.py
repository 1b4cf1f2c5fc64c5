"""A real `aistack relay serve` for a test: on a free port, in the test's environment (its HOME, aistack dirs and
login), stopped at teardown. `AISTACK_RELAY_PORT` is set in the test process meanwhile, so `aistack setup` writes
the same port into the assistants' files."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from support import subprocess_env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_relay(log: Path, port: int | None = None, **env: str):
    """Yields the relay's base URL; its stderr (one line per request) goes to `log`."""
    from aistack.relay import local

    port = port or free_port()
    before = os.environ.get("AISTACK_RELAY_PORT")
    os.environ["AISTACK_RELAY_PORT"] = str(port)
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "aistack", "relay", "serve", "--port", str(port)],
                                env=subprocess_env(AISTACK_RELAY_PORT=str(port), **env), stdout=out, stderr=out,
                                stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while local.ping(port, timeout=1.0) is None:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the relay did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)
        yield local.base_url(port)
    finally:
        if before is None:
            os.environ.pop("AISTACK_RELAY_PORT", None)
        else:
            os.environ["AISTACK_RELAY_PORT"] = before
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
