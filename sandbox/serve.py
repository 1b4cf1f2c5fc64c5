"""Serve an ASGI app on 127.0.0.1 on a port the OS picks, and say which on stdout (one JSON line)."""

from __future__ import annotations

import json
import signal
import socket
import sys


def serve(app_for_port, port: int = 0) -> None:
    """`app_for_port(port)` builds the app once the port is known (an MCP server names its own URL)."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    port = sock.getsockname()[1]
    app = app_for_port(port)
    sys.stdout.write(json.dumps({"port": port}) + "\n")
    sys.stdout.flush()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=3))
    # uvicorn handles SIGINT/SIGTERM itself; a SIGHUP (the terminal going away) should stop it the same way.
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, lambda *_: setattr(server, "should_exit", True))
    server.run(sockets=[sock])
