"""What `aistack relay serve|start|stop|status` do, behind their typer signatures."""

from __future__ import annotations

import json
import os
import signal
import sys
import time

from aistack.errors import AistackError, UsageError
from aistack.paths import Env
from aistack.relay import local

ACTIVATED_IDLE_EXIT = 900.0  # seconds: a socket-activated relay leaves nothing running while nobody uses it


def serve(port: int | None, socket_activated: bool, idle_exit: float | None) -> int:
    from aistack.relay import server, service

    env = Env.current()
    sockets = None
    if socket_activated:
        sockets = service.activated_sockets()
        if not sockets:
            raise UsageError("--socket-activated, but no listening socket was passed (LISTEN_FDS / launchd).",
                             hint="Run `aistack relay serve` without it, or start the installed service.")
        port = port or sockets[0].getsockname()[1]
        idle_exit = idle_exit or ACTIVATED_IDLE_EXIT
    return server.serve(env, port or local.port(env), sockets, idle_exit)


def start(port: int | None) -> str:
    env = Env.current()
    found = local.start(env, port or local.port(env))
    return f"{local.base_url(found['port'])} (pid {found['pid']}, serving {found['user']})"


def _ours(pid: int) -> bool:
    """Whether `pid` is a relay process of this user (Linux: its command line; elsewhere: the health answer)."""
    try:
        cmdline = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
    except OSError:
        return not sys.platform.startswith("linux")
    return b"relay" in cmdline and b"serve" in cmdline and os.stat(f"/proc/{pid}").st_uid == os.getuid()


def stop(port: int | None) -> None:
    env = Env.current()
    port = port or local.port(env)
    found = local.ping(port)
    if found is None:
        sys.stderr.write(f"No relay answers on {local.base_url(port)}.\n")
        return
    pid = int(found.get("pid") or 0)
    if not pid or not _ours(pid):
        raise AistackError(f"the relay on {local.base_url(port)} (pid {pid}) is not one this user started.")
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and local.ping(port, timeout=0.5) is not None:
        time.sleep(0.1)
    sys.stderr.write(f"Stopped the relay on {local.base_url(port)} (pid {pid}).\n")


def status(port: int | None, as_json: bool) -> tuple[str, bool]:
    env = Env.current()
    port = port or local.port(env)
    found = local.ping(port)
    if as_json:
        return json.dumps({"url": local.base_url(port), "running": found is not None, "relay": found}, indent=2), \
            found is not None
    if found is None:
        return (f"No relay answers on {local.base_url(port)}; it starts on demand when installed by "
                "`aistack setup`, or with `aistack relay start`."), False
    routes = found.get("routes") or {}
    lines = [f"{local.base_url(port)}: aistack relay {found.get('version')} (pid {found.get('pid')}) serving "
             f"{found.get('user')} for {found.get('org') or 'no org profile yet'}"]
    for provider in routes.get("gateway", []):
        lines.append(f"  /gw/{provider}/...  -> the gateway")
    for name in routes.get("mcp", []):
        lines.append(f"  /mcp/{name}  -> MCP server {name}")
    if found.get("profile_error"):
        lines.append(f"  the org profile could not be read: {found['profile_error']}")
    return "\n".join(lines), True
