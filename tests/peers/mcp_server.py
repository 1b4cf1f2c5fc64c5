"""A real MCP server for the tests, built with the `mcp` SDK (2.x `MCPServer`).

One tool, `echo`. Served over streamable HTTP at `/mcp` and over the legacy SSE
transport at `/sse` (+ `/messages/`) by uvicorn on 127.0.0.1 with a port the OS
picks, in a background thread of the test process, so a test can hand it a
token check as a plain callable and read back the requests it saw.

Run as a script it speaks stdio (`python mcp_server.py`), which is what the
assistants' configs use as their stdio server.
"""

from __future__ import annotations

import inspect
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

TOOL_NAME = "echo"


def build_mcp(name: str = "aistack-test"):
    from mcp.server.mcpserver import MCPServer

    server = MCPServer(name, log_level="WARNING")

    @server.tool(name=TOOL_NAME, description="Return the text it is given.")
    def echo(text: str) -> str:
        return text

    return server


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

    def authorizations(self) -> list[str]:
        """Every Authorization header value the server received, in order."""
        return [r.headers["authorization"] for r in self.seen if "authorization" in r.headers]

    def header_values(self, name: str) -> list[str]:
        name = name.lower()
        return [r.headers[name] for r in self.seen if name in r.headers]

    def stop(self, timeout: float = 5.0) -> None:
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():  # a client holding an SSE stream open
                self._uvicorn.force_exit = True
                self._thread.join(timeout)


class _Gate:
    """ASGI middleware: records every request and, when `verify` is set, demands a valid bearer token.

    `verify(token) -> bool` (or an async function) decides; the fixture picks it (a fixed
    token now, an IdP introspection or userinfo call later).
    """

    def __init__(self, app, seen: list[SeenRequest], verify: Callable[[str], bool] | None):
        self.app, self.seen, self.verify = app, seen, verify

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        record = SeenRequest(scope["method"], scope["path"], headers)
        self.seen.append(record)
        if self.verify is not None:
            auth = headers.get("authorization", "")
            scheme, _, token = auth.partition(" ")
            ok = bool(token) and scheme.lower() == "bearer" and self.verify(token.strip())
            if inspect.isawaitable(ok):  # an async check, e.g. an IdP introspection call with httpx.AsyncClient
                ok = await ok
            if not ok:
                record.status = 401
                # No resource_metadata parameter: clients should report "needs auth", not start OAuth discovery.
                await send({"type": "http.response.start", "status": 401,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"www-authenticate", b'Bearer error="invalid_token"')]})
                await send({"type": "http.response.body", "body": b'{"error":"invalid_token"}'})
                return

        async def recording_send(message):
            if message["type"] == "http.response.start":
                record.status = message["status"]
            await send(message)

        return await self.app(scope, receive, recording_send)


def build_app(seen: list[SeenRequest], verify: Callable[[str], bool] | None = None):
    mcp = build_mcp()
    app = mcp.streamable_http_app()  # its lifespan runs the session manager
    sse = mcp.sse_app()
    app.router.routes.extend(sse.routes)  # one server, both transports
    return _Gate(app, seen, verify)


def start(verify: Callable[[str], bool] | None = None, timeout: float = 10.0) -> RunningServer:
    """Start the server in a daemon thread; returns once it accepts connections."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    running = RunningServer(port=port)
    config = uvicorn.Config(build_app(running.seen, verify), log_level="warning", lifespan="on",
                            timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name=f"mcp-{port}")
    running._uvicorn, running._thread = server, thread
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            running.stop()
            raise RuntimeError(f"test MCP server on port {port} did not start within {timeout}s")
        time.sleep(0.02)
    return running


def stdio_command() -> list[str]:
    """argv that runs this module as a stdio MCP server."""
    return [sys.executable, __file__]


if __name__ == "__main__":
    build_mcp().run("stdio")
