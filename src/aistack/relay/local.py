"""Where this user's relay listens, whether it answers, and starting it when it does not.

One port per user, the same in every config aistack writes and in the installed service: AISTACK_RELAY_PORT, else
the port recorded when `aistack setup` first needed the relay, else one derived from the user id (so two users
of one machine do not collide). The relay binds 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from aistack.assistants.base import Context
from aistack.errors import AistackError
from aistack.paths import Env

PORT_VAR = "AISTACK_RELAY_PORT"
SERVICE_VAR = "AISTACK_RELAY_SERVICE"  # "off": `aistack setup` installs no background service
HOST = "127.0.0.1"
HEALTH_PATH = "/aistack/relay"  # answered by the relay itself, with who it serves
SERVICE = "aistack-relay"
STATE = "relay.json"
PORT_BASE, PORT_SPAN = 24000, 8000  # below every OS's ephemeral range (Linux 32768+, macOS/Windows 49152+)
START_WAIT = 15.0  # seconds for a started relay to answer


def aistack_command(env: Env) -> str:
    """How assistants should start aistack: the absolute path of this installation when it is on PATH."""
    found = env.which("aistack") if env.is_local else None
    return str(Path(found).absolute()) if found else "aistack"


def context(env: Env, project: Path | None = None) -> Context:
    """What adapters may know of this machine. A project's files are shared: the bare `aistack`, and no relay
    (its port is one user's), so token-protected servers go through the stdio bridge there."""
    if project is not None:
        return Context(env=env, aistack="aistack")
    return Context(env=env, aistack=aistack_command(env), relay=base_url(port(env)))


def default_port(env: Env) -> int:
    if env.windows or not hasattr(os, "getuid"):
        import zlib

        who = (env.var("USERDOMAIN") or "") + "\\" + (env.var("USERNAME") or str(env.home))
        return PORT_BASE + zlib.crc32(who.lower().encode()) % PORT_SPAN
    return PORT_BASE + os.getuid() % PORT_SPAN


def state_path(env: Env) -> Path:
    return Path(env.data_dir()) / STATE


def load_state(env: Env) -> dict:
    try:
        data = json.loads(state_path(env).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save_state(env: Env, data: dict) -> None:
    from aistack.engine.files import atomic_write

    atomic_write(state_path(env), json.dumps(data, indent=2, sort_keys=True) + "\n", mode=0o600)


def _valid(value: object) -> int | None:
    try:
        port = int(str(value))
    except (TypeError, ValueError):
        return None
    return port if 1024 <= port <= 65535 else None


def port(env: Env) -> int:
    raw = env.var(PORT_VAR)
    if raw is not None:
        chosen = _valid(raw)
        if chosen is None:
            raise AistackError(f"{PORT_VAR}={raw!r} is not a port number between 1024 and 65535.",
                               hint=f"Set {PORT_VAR} to a free port, or unset it.")
        return chosen
    return _valid(load_state(env).get("port")) or default_port(env)


def base_url(port_number: int) -> str:
    return f"http://{HOST}:{port_number}"


def ping(port_number: int, timeout: float = 2.0) -> dict | None:
    """What the relay on this port says about itself, or None when nothing answers there like a relay."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(base_url(port_number) + HEALTH_PATH, timeout=timeout) as response:
            data = json.loads(response.read())
    except (OSError, ValueError, urllib.error.URLError):
        return None
    return data if isinstance(data, dict) and data.get("service") == SERVICE else None


def log_path(env: Env) -> Path:
    return Path(env.cache_dir()) / "relay.log"


def serve_command(port_number: int, python: str | None = None) -> list[str]:
    """How the relay is started, by `start` and by the installed services."""
    return [python or sys.executable, "-m", "aistack", "relay", "serve", "--port", str(port_number)]


def child_environ(environ: dict[str, str]) -> dict[str, str]:
    """The relay's environment: never a token snapshot `aistack run` exported (it would go stale)."""
    from aistack.auth.fast import RUN_MARK, TOKEN_VAR, env_token

    child = dict(environ)
    if env_token(environ) is None:
        child.pop(TOKEN_VAR, None)
    child.pop(RUN_MARK, None)
    return child


def start(env: Env, port_number: int | None = None, wait: float = START_WAIT) -> dict:
    """The running relay's health answer; started in the background first when nothing answers (on demand)."""
    port_number = port_number or port(env)
    found = ping(port_number)
    if found is not None:
        return found
    log = log_path(env)
    log.parent.mkdir(parents=True, exist_ok=True)
    options: dict = {}
    if os.name == "nt":
        options["creationflags"] = 0x00000008 | 0x00000200 | 0x08000000  # detached, new group, no window
    else:
        options["start_new_session"] = True
    with open(log, "ab") as out:
        proc = subprocess.Popen(serve_command(port_number), stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                env=child_environ(dict(env.environ)), close_fds=True, **options)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        found = ping(port_number, timeout=1.0)
        if found is not None:
            return found
        if proc.poll() is not None and ping(port_number, timeout=1.0) is None:
            tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise AistackError(f"the aistack relay did not start on {base_url(port_number)}: {tail[0]}",
                               hint=f"See {log}; if another program uses port {port_number}, set {PORT_VAR} to "
                                    "a free port and run `aistack setup` again.")
        time.sleep(0.1)
    raise AistackError(f"the aistack relay did not answer on {base_url(port_number)} within {wait:g} s.",
                       hint=f"See {log}.")
