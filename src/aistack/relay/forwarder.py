"""`aistack relay serve`: one loopback HTTP forwarder per user that attaches a fresh token to every request.

For assistants that can neither run a helper command per request nor speak stdio to the bridge (Gemini CLI,
Qwen Code, the MCP servers of OpenCode, Copilot CLI and the GUI editors): their files name the relay's URL, the
relay names the gateway or the MCP server. Per request: the guard (loopback Host, no web origin, JSON bodies),
the caller's user (checked once per connection, relay.peer), the route (from the org profile only, relay.routes),
then the client's own credential headers are dropped and the token from the one accessor (auth.accessor) is
added; an upstream 401 fetches a fresh token once and sends the request again. Responses stream through as they
arrive (SSE, chunked, streamable HTTP). When the login is gone, each client gets an error it shows as it is:
"run `aistack login`". Logs name method, route and status, never a header, body or token.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from aistack import __version__
from aistack.auth.accessor import TokenCache
from aistack.errors import AistackError, LoginNeeded
from aistack.headers import build_headers
from aistack.paths import Env
from aistack.relay import guard, peer, replies
from aistack.relay.local import HEALTH_PATH, SERVICE
from aistack.relay.routes import NoRoute, ProfileWatch, Upstream

MAX_BODY = 64 * 1024 * 1024  # a request with images is a few MB; anything past this is refused
CONNECT_TIMEOUT = 30.0
MODEL_READ_TIMEOUT = 600.0  # a model may think for minutes before its first byte
# Never forwarded: hop-by-hop headers, and every credential the client sent (the relay adds the real one).
DROP_REQUEST = {"host", "content-length", "connection", "keep-alive", "proxy-connection", "te", "trailer",
                "transfer-encoding", "upgrade", "expect", "proxy-authorization", "authorization", "x-api-key",
                "x-goog-api-key", "api-key", "cookie"}
DROP_RESPONSE = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
                 "set-cookie"}


def say(line: str) -> None:
    sys.stderr.write(f"aistack relay: {line}\n")
    sys.stderr.flush()


class Relay:
    """The ASGI application. `verdicts` holds, per open connection (client address), whether its peer is us."""

    def __init__(self, env: Env, port: int, tokens: TokenCache | None = None, log: Callable[[str], None] = say):
        import httpx

        from aistack.auth.http import ssl_context

        self.env, self.port, self.log = env, port, log
        self.tokens = tokens or TokenCache()
        self.watch = ProfileWatch(env)
        self.verdicts: dict[tuple[str, int], asyncio.Future] = {}
        self.active, self.last_request = 0, time.monotonic()  # for an idle exit under a service manager
        self.client = httpx.AsyncClient(verify=ssl_context(), follow_redirects=False, trust_env=True,
                                        timeout=httpx.Timeout(CONNECT_TIMEOUT, read=MODEL_READ_TIMEOUT))

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await self.client.aclose()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        started = time.monotonic()
        method, path = scope["method"], scope["path"]
        self.active += 1
        try:
            status = await self.handle(scope, receive, send)
        finally:
            self.active -= 1
            self.last_request = time.monotonic()
        self.log(f"{method} {path} -> {status} ({(time.monotonic() - started) * 1000:.0f} ms)")

    async def _reply(self, send: Callable, reply: replies.Reply, head: bool = False) -> int:
        status, headers, body = reply
        raw = [(k.encode(), v.encode()) for k, v in headers.items()]
        raw.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": b"" if head else body})
        return status

    async def handle(self, scope: dict, receive: Callable, send: Callable) -> int:
        method = scope["method"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refused = guard.problem(method, headers, self.port)
        if refused is not None:
            return await self._reply(send, replies.refused(*refused))
        client, server = tuple(scope.get("client") or ()), tuple(scope.get("server") or ())
        verdict = self.verdicts.get(client)  # type: ignore[arg-type]
        if verdict is None or not await verdict:
            who = peer.describe_owner(client, server) if client and server else "an unknown peer"  # type: ignore
            return await self._reply(send, replies.refused(403, f"this relay serves only its own user; the "
                                                           f"connection comes from {who}"))
        if scope["path"] == HEALTH_PATH and method in ("GET", "HEAD"):
            return await self._reply(send, self._health(), head=method == "HEAD")
        try:
            upstream = self.watch.current().resolve(scope["path"])
        except NoRoute as e:
            return await self._reply(send, replies.refused(404, str(e)))
        body = await self._body(receive)
        if body is None:
            return await self._reply(send, replies.refused(413, f"the request body is over {MAX_BODY} bytes"))
        return await self._forward(scope, headers, body, upstream, send, receive)

    def _health(self) -> replies.Reply:
        routes = self.watch.current()
        profile = routes.profile
        info = {"service": SERVICE, "version": __version__, "pid": os.getpid(), "port": self.port,
                "user": user_name(), "org": profile.org_name if profile else None, "routes": routes.describe(),
                "profile_error": self.watch.error, "token_fetches": self.tokens.fetches}
        import json

        return 200, {"content-type": "application/json"}, json.dumps(info).encode()

    async def _body(self, receive: Callable) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"".join(chunks)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                return None
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    async def _token(self) -> str:
        return await asyncio.to_thread(self.tokens.get)

    def _failure(self, upstream: Upstream, method: str, body: bytes, status: int, message: str) -> replies.Reply:
        if upstream.kind == "model":
            return replies.model_error(upstream.name, status, message)
        if upstream.kind == "telemetry":
            return replies.otlp_error(status, message)
        return replies.mcp_error(method, body, message)

    async def _forward(self, scope: dict, headers: dict[str, str], body: bytes, upstream: Upstream,
                       send: Callable, receive: Callable) -> int:
        import httpx

        method = scope["method"]
        token = None
        if upstream.token_header:
            try:
                token = await self._token()
            except LoginNeeded:
                return await self._reply(send, self._failure(upstream, method, body, 401, replies.LOGIN_GONE))
            except AistackError as e:
                return await self._reply(send, self._failure(upstream, method, body, 502,
                                                             f"aistack relay: no token: {e.message}"))
        query = _query(scope.get("query_string", b""), drop_key=upstream.name == "google")
        url = upstream.url + (f"?{query}" if query else "")
        timeout = None if upstream.kind == "mcp" and method == "GET" else MODEL_READ_TIMEOUT

        def build(value: str | None) -> httpx.Request:
            out = [(k, v) for k, v in headers.items() if k not in DROP_REQUEST and not k.startswith("sec-fetch-")]
            added = build_headers(upstream.token_header or "", value, upstream.headers)
            names = {k.lower() for k in added}
            out = [(k, v) for k, v in out if k not in names] + list(added.items())
            return self.client.build_request(method, url, headers=out, content=body or None,
                                             timeout=httpx.Timeout(CONNECT_TIMEOUT, read=timeout))

        try:
            response = await self.client.send(build(token), stream=True)
            if response.status_code == 401 and token is not None:
                self.tokens.rejected(token)
                try:
                    fresh = await self._token()
                except LoginNeeded:
                    await response.aclose()
                    return await self._reply(send, self._failure(upstream, method, body, 401, replies.LOGIN_GONE))
                if fresh != token:
                    await response.aclose()
                    response = await self.client.send(build(fresh), stream=True)
        except httpx.TimeoutException:
            return await self._reply(send, self._failure(upstream, method, body, 504,
                                                         f"aistack relay: {_origin(url)} did not answer in time"))
        except httpx.HTTPError as e:
            return await self._reply(send, self._failure(
                upstream, method, body, 502, f"aistack relay: cannot reach {_origin(url)}: {e.__class__.__name__}"))
        if upstream.kind == "mcp" and response.status_code == 401:
            await response.aclose()
            return await self._reply(send, replies.mcp_error(method, body, (
                f"aistack relay: the MCP server {upstream.name!r} refused your aistack token (HTTP 401): run "
                "`aistack login` in a terminal, then try again.")))
        return await self._stream(response, upstream, send, receive, head=method == "HEAD")

    async def _stream(self, response: Any, upstream: Upstream, send: Callable, receive: Callable, head: bool) -> int:
        """Pass the upstream's answer on as it arrives; stop reading it when the client goes away."""
        out = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers.multi_items()
               if k.lower() not in DROP_RESPONSE and not k.lower().startswith("access-control-")
               and not (upstream.kind == "mcp" and k.lower() == "www-authenticate")]
        try:
            await send({"type": "http.response.start", "status": response.status_code, "headers": out})

            async def pump() -> None:
                if not head:
                    async for chunk in response.aiter_raw():
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
                await send({"type": "http.response.body", "body": b""})

            async def gone() -> None:
                while (await receive())["type"] != "http.disconnect":
                    pass

            tasks = [asyncio.ensure_future(pump()), asyncio.ensure_future(gone())]
            done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
            for task in done:
                if task is tasks[0] and task.exception() is not None:
                    self.log(f"{upstream.kind} {upstream.name}: the upstream's answer broke off "
                             f"({task.exception().__class__.__name__})")
        finally:
            await response.aclose()
        return int(response.status_code)


def _query(raw: bytes, drop_key: bool) -> str:
    text = raw.decode("latin-1")
    if not drop_key or not text:
        return text
    return "&".join(p for p in text.split("&") if p.split("=", 1)[0] != "key")  # Gemini's key as a parameter


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def user_name() -> str:
    try:
        import getpass

        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return str(os.getuid()) if hasattr(os, "getuid") else "?"
