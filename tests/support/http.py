"""The test suite's one loopback HTTP server: 127.0.0.1 on a port the OS picks, a thread per connection.

`app(seen) -> Reply` decides every answer; every request is recorded in `seen` first (method, path, query,
headers, body), whatever its method. A reply's body is JSON (a dict or list) or raw (str or bytes); it may come
after a delay, or a byte at a time. By default the server wants `Authorization: Bearer test-token` (or the bare
token in another `header`) and answers 401 without it, as the gateways and APIs aistack talks to do; `token=None`
opens it. The `serve` fixture (a plugin of tests/conftest.py) starts servers and closes them after the test.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

TOKEN = "test-token"


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict/list -> JSON; str/bytes -> raw
    headers: dict[str, str] = field(default_factory=dict)  # a Content-Type here replaces application/json
    delay: float = 0.0
    trickle: float = 0.0  # > 0: send the whole answer one byte at a time, this many seconds apart
    trickle_from: int = 0  # bytes sent at once before the trickle starts (0: the status line trickles too)
    # A streamed answer: each item is sent as one HTTP chunk as soon as the iterator yields it (server-sent
    # events); `on_broken` is called when the client goes away mid-stream.
    chunks: Iterable[bytes] | None = None
    on_broken: Callable[[], None] | None = None

    def encoded(self) -> bytes:
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body).encode()
        if isinstance(self.body, str):
            return self.body.encode()
        return self.body or b""


@dataclass
class Seen:
    method: str
    path: str  # without the query
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    at: float
    body: bytes = b""
    target: str = ""  # the path as sent, query and all

    def one(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    def form(self) -> dict[str, str]:
        """An application/x-www-form-urlencoded body, one value per name."""
        return {k: v[0] for k, v in parse_qs(self.text, keep_blank_values=True).items()}


class Routes(dict):
    """An app that answers from a table the test may change: `{path: Reply, or a body served with 200}`."""

    def __init__(self, table: dict | None = None, missing: Reply | None = None):
        super().__init__(table or {})
        self.missing = missing or Reply(404, {"error": "not found"})

    def __call__(self, seen: Seen) -> Reply:
        found = self.get(seen.path)
        if found is None:
            return self.missing
        return found if isinstance(found, Reply) else Reply(200, found)


class Loopback:
    """A threaded server on 127.0.0.1:random; `app(seen) -> Reply`. `faults` replies first, per (path, page).

    `tls`: an ssl.SSLContext to serve https with. `clock_offset`: seconds its Date header is ahead (negative: behind).
    """

    def __init__(self, app: Callable[[Seen], Reply], token: str | None = TOKEN, header: str = "Authorization", *,
                 tls=None, clock_offset: float = 0.0):
        self.app = app
        self.token = token
        self.header = header
        self.clock_offset = clock_offset
        self.seen: list[Seen] = []
        self.faults: dict[tuple[str, str | None], list[Reply]] = {}
        self.lock = threading.Lock()
        self.connections: set[socket.socket] = set()  # open keep-alive connections, cut by close()
        self._closed = False
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes; no 40 ms delayed-ACK stalls

            def log_message(self, *args):  # keep test output clean
                pass

            def setup(self):
                super().setup()
                with outer.lock:
                    outer.connections.add(self.connection)

            def finish(self):
                with outer.lock:
                    outer.connections.discard(self.connection)
                super().finish()

            def date_time_string(self, timestamp=None):
                return formatdate((timestamp or time.time()) + outer.clock_offset, usegmt=True)

            def handle_one(self):
                parts = urlsplit(self.path)
                seen = Seen(self.command, parts.path, parse_qs(parts.query, keep_blank_values=True),
                            {k.lower(): v for k, v in self.headers.items()}, time.monotonic(), self.read_body(),
                            self.path)
                with outer.lock:
                    outer.seen.append(seen)
                    queue = outer.faults.get((parts.path, seen.one("page"))) or outer.faults.get((parts.path, None))
                    reply = queue.pop(0) if queue else None
                if reply is None:
                    reply = outer.authorise(seen) or outer.answer(seen)
                if reply.delay:
                    time.sleep(reply.delay)
                raw = reply.encoded()
                try:
                    if reply.chunks is not None:
                        self.stream(reply)
                        return
                    if reply.trickle:
                        self.trickle(reply, raw)
                        return
                    self.send_response(reply.status)
                    if not any(k.lower() == "content-type" for k in reply.headers):
                        self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_one

            def read_body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):  # trailers
                        pass
                    return b"".join(chunks)
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def stream(self, reply: Reply) -> None:
                self.send_response(reply.status)
                for k, v in {"Content-Type": "text/event-stream", **reply.headers}.items():
                    self.send_header(k, v)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    for chunk in reply.chunks or ():
                        self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                        self.wfile.flush()
                    self.wfile.write(b"0\r\n\r\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    if reply.on_broken is not None:
                        reply.on_broken()

            def trickle(self, reply: Reply, raw: bytes) -> None:
                """A server that answers, but a byte at a time: every single read succeeds quickly."""
                head = f"HTTP/1.1 {reply.status} OK\r\nContent-Type: application/json\r\n"
                head += "".join(f"{k}: {v}\r\n" for k, v in reply.headers.items())
                data = (head + f"Content-Length: {len(raw)}\r\n\r\n").encode() + raw
                self.close_connection = True
                self.wfile.write(data[:reply.trickle_from])
                self.wfile.flush()
                for i in range(reply.trickle_from, len(data)):
                    time.sleep(reply.trickle)
                    self.wfile.write(data[i:i + 1])
                    self.wfile.flush()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.url = f"{'https' if tls is not None else 'http'}://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    def answer(self, seen: Seen) -> Reply:
        try:
            return self.app(seen)
        except Exception:  # a broken app shows in the test's failure, not as a dropped connection
            return Reply(500, {"error": "the test server's app failed", "traceback": traceback.format_exc()})

    def authorise(self, seen: Seen) -> Reply | None:
        if self.token is None:
            return None
        expected = f"Bearer {self.token}" if self.header.lower() == "authorization" else self.token
        if seen.headers.get(self.header.lower()) != expected:
            return Reply(401, {"error": {"message": "Authentication Error, invalid token"}})
        return None

    def fail(self, path: str, *replies: Reply, page: int | None = None) -> None:
        self.faults.setdefault((path, None if page is None else str(page)), []).extend(replies)

    def hits(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.server.shutdown()
            self.server.server_close()
            with self.lock:
                connections = list(self.connections)
            for connection in connections:  # a server that is gone answers nothing, not even on a kept connection
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def __enter__(self) -> Loopback:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@pytest.fixture
def serve():
    """`serve(app, token=TOKEN, header="Authorization", tls=None, clock_offset=0.0) -> Loopback`, closed after the
    test."""
    servers: list[Loopback] = []

    def start(app: Callable[[Seen], Reply], token: str | None = TOKEN, header: str = "Authorization",
              **options) -> Loopback:
        srv = Loopback(app, token=token, header=header, **options)
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.close()
