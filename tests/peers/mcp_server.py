"""The org's MCP server (sandbox/mcp_server.py, the one the sandbox runs) for the tests, in a thread.

`start(verify)` serves it by uvicorn on 127.0.0.1 with a port the OS picks, in a background thread of the test
process, so a test can hand it a token check as a plain callable (or `tokens`, a set it may change) and read
back the requests it saw: streamable HTTP at `/mcp`, the legacy SSE transport at `/sse` (+ `/messages/`).
`stdio_command()` runs the same server over stdio, which is what the assistants' configs use as their stdio
server. The server's tools, resources and prompts are the sandbox module's (`server.TOOLS`, `server.HOOKS`).
"""

from __future__ import annotations

import importlib.util
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from support import REPO

SCRIPT = REPO / "sandbox" / "mcp_server.py"


def _load():
    """sandbox/mcp_server.py as a module (a script of the sandbox, not a package: loaded by its path)."""
    if "sandbox_mcp_server" not in sys.modules:
        spec = importlib.util.spec_from_file_location("sandbox_mcp_server", SCRIPT)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return sys.modules["sandbox_mcp_server"]


server = _load()
TOOLS = [t.name for t in server.TOOLS]  # what every server started here offers (without `hooks`)


@dataclass
class SeenRequest:
    method: str
    path: str
    headers: dict[str, str]
    status: int | None = None


@dataclass
class RunningServer:
    """What a test needs from a started server."""

    port: int
    seen: list[SeenRequest] = field(default_factory=list)
    state: Any = None  # the server's State: the resources a client subscribed to
    tokens: set[str] | None = None  # with start(tokens=...): the tokens it accepts now
    _uvicorn: object | None = None
    _thread: threading.Thread | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def http_url(self) -> str:
        return f"{self.base}/mcp"

    @property
    def sse_url(self) -> str:
        return f"{self.base}/sse"

    def url(self, transport: str = "http") -> str:
        return self.sse_url if transport == "sse" else self.http_url

    def authorizations(self) -> list[str]:
        """Every Authorization header value the server received, in order."""
        return [r.headers["authorization"] for r in self.seen if "authorization" in r.headers]

    def header_values(self, name: str) -> list[str]:
        name = name.lower()
        return [r.headers[name] for r in self.seen if name in r.headers]

    def statuses(self) -> list[int | None]:
        return [r.status for r in self.seen]

    def stop(self, timeout: float = 5.0) -> None:
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():  # a client holding an SSE stream open
                self._uvicorn.force_exit = True
                self._thread.join(timeout)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class _Recorder:
    """ASGI middleware: records every request and the status it was answered with."""

    def __init__(self, app, seen: list[SeenRequest]):
        self.app, self.seen = app, seen

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        record = SeenRequest(scope["method"], scope["path"], headers)
        self.seen.append(record)

        async def recording_send(message):
            if message["type"] == "http.response.start":
                record.status = message["status"]
            await send(message)

        return await self.app(scope, receive, recording_send)


def start(verify: Callable[[str], Any] | None = None, *, tokens: set[str] | None = None, hooks: bool = False,
          port: int = 0, timeout: float = 10.0) -> RunningServer:
    """Start the server in a daemon thread; returns once it accepts connections.

    `verify(token) -> bool` (or an async function) decides which bearer tokens it accepts; `tokens` instead:
    exactly those (`running.tokens`, which the test may change). Neither: an open server. `hooks`: the bridge
    tests' extra tools. `port`: a fixed one (a restart on the port of a server stopped before)."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    running = RunningServer(port=sock.getsockname()[1], state=server.State(), tokens=tokens)
    if tokens is not None:
        verify = lambda presented: presented in running.tokens  # noqa: E731
    asgi = _Recorder(server.app(verify, hooks=hooks, state=running.state), running.seen)
    config = uvicorn.Config(asgi, log_level="warning", lifespan="on", timeout_graceful_shutdown=1)
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True, name=f"mcp-{running.port}")
    running._uvicorn, running._thread = uv, thread
    thread.start()
    deadline = time.monotonic() + timeout
    while not uv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            running.stop()
            raise RuntimeError(f"test MCP server on port {running.port} did not start within {timeout}s")
        time.sleep(0.02)
    return running


def stdio_command() -> list[str]:
    """argv that runs the server over stdio."""
    return [sys.executable, str(SCRIPT), "--stdio"]
