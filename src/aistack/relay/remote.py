"""One connection to the remote MCP server: transport, token on every request, errors a person can act on."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager

import anyio
import httpx2
import mcp_types as types
from mcp.client.session import ClientSession, MessageHandlerFnT
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from aistack import __version__, wire
from aistack.auth.accessor import token_from_env
from aistack.errors import AistackError, ExitCode
from aistack.relay.target import Target

CONNECT_TIMEOUT = 30.0  # seconds for the remote's initialize: a GUI assistant waits on us meanwhile
READ_TIMEOUT = 300.0  # an SSE stream may stay quiet for minutes


def say(text: str) -> None:
    """Diagnostics go to stderr: the assistant shows them in its MCP log. stdout carries only JSON-RPC."""
    sys.stderr.write(f"aistack mcp-bridge: {text}\n")
    sys.stderr.flush()


class TokenAuth(httpx2.Auth):
    """Puts the token on every request; on a 401 fetches a fresh one once and retries.

    The bridge may live for days inside a GUI assistant while access tokens last minutes, so the
    token is not fixed at start: a rejected request is retried with whatever `get_token` gives now.
    Also notes what the transport's generic errors hide: the last rejection (401/403), and a 404 for
    a session id, which means the server forgot the session (it restarted).
    """

    requires_request_body = True  # the retry resends the body

    def __init__(self, target: Target, get_token: Callable[[], str | None], token: str | None):
        self.target = target
        self.get_token = get_token
        self.token = token
        self.rejected: int | None = None  # 401 or 403 of the last request that failed for auth
        self.refresh_error: AistackError | None = None
        self.session_gone = False
        self._lock = anyio.Lock()

    def _stamp(self, request: httpx2.Request) -> None:
        if self.target.token_header and self.token:
            request.headers[self.target.token_header] = self.target.token_value(self.token)

    async def async_auth_flow(self, request: httpx2.Request):
        self._stamp(request)
        sent = self.token
        response = yield request
        if response.status_code == 401 and self.target.token_header:
            async with self._lock:
                if self.token == sent:
                    try:
                        self.token = await anyio.to_thread.run_sync(self.get_token)
                        self.refresh_error = None
                    except AistackError as e:
                        self.refresh_error = e
            if self.token != sent:
                self._stamp(request)
                response = yield request
        self.rejected = response.status_code if response.status_code in (401, 403) else None
        if response.status_code == 404 and "mcp-session-id" in request.headers:
            self.session_gone = True


def _leaf_errors(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for sub in exc.exceptions for leaf in _leaf_errors(sub)]
    return [exc]


def explain(exc: BaseException, target: Target, auth: TokenAuth) -> AistackError:
    """Turn whatever the transport raised into one message naming the server, its URL and what to do; the token
    is scrubbed from it, since part of it may be the server's own words."""
    error = _explain(exc, target, auth)
    error.message = wire.scrub(error.message, (auth.token,))
    error.args = (error.message,)
    return error


def _explain(exc: BaseException, target: Target, auth: TokenAuth) -> AistackError:
    where = f"MCP server {target.name!r} at {target.url}"
    leaves = _leaf_errors(exc)
    for leaf in leaves:
        if isinstance(leaf, AistackError):
            return leaf
    if auth.refresh_error is not None:
        return auth.refresh_error
    status = auth.rejected
    for leaf in leaves:
        if isinstance(leaf, httpx2.HTTPStatusError):
            status = status or leaf.response.status_code
            if leaf.response.status_code not in (401, 403):
                return AistackError(f"{where} answered HTTP {leaf.response.status_code}.",
                                    hint="Check its URL and transport (http or sse) in the org profile "
                                         "with your platform team.")
    if status == 401:
        if target.token_header is None:
            return AistackError(f"{where} asks for credentials (HTTP 401), but the org profile says auth = \"none\".",
                                hint="Ask your platform team to set auth = \"token\" for this server.")
        if token_from_env():
            return AistackError(f"{where} rejected the token from AISTACK_TOKEN (HTTP 401).",
                                hint="Unset AISTACK_TOKEN or set a current one (`aistack token`).",
                                exit_code=ExitCode.LOGIN_NEEDED)
        return AistackError(f"{where} rejected your aistack token (HTTP 401).",
                            hint="Run `aistack login` in a terminal, then restart the MCP server in the assistant.",
                            exit_code=ExitCode.LOGIN_NEEDED)
    if status == 403:
        return AistackError(f"{where} refused access (HTTP 403): your account may not use this server.",
                            hint="Ask your platform team for access.")
    for leaf in leaves:
        if isinstance(leaf, (httpx2.TimeoutException, TimeoutError)):
            return AistackError(f"{where} did not answer in time.", hint="Check your network, VPN or proxy.")
        if isinstance(leaf, httpx2.TransportError):
            return AistackError(f"cannot reach {where}: {leaf.__class__.__name__}: {leaf}.",
                                hint="Check your network, VPN or proxy, and the URL in the org profile.")
    for leaf in leaves:
        if isinstance(leaf, MCPError):
            return AistackError(f"{where} failed the MCP handshake: {leaf.error.message}.",
                                hint="Check the URL and transport (http or sse) in the org profile.")
    leaf = leaves[0]
    return AistackError(f"connecting to {where} failed: {leaf.__class__.__name__}: {leaf}.")


@asynccontextmanager
async def connect(target: Target, auth: TokenAuth, message_handler: MessageHandlerFnT | None
                  ) -> AsyncIterator[tuple[ClientSession, types.InitializeResult]]:
    """Open the transport and an initialized client session to the remote."""
    timeout = httpx2.Timeout(CONNECT_TIMEOUT, read=READ_TIMEOUT)
    client_info = types.Implementation(name="aistack-mcp-bridge", version=__version__)
    async with AsyncExitStack() as stack:
        if target.kind == "sse":
            streams = sse_client(target.url, headers=dict(target.headers), timeout=CONNECT_TIMEOUT,
                                 sse_read_timeout=READ_TIMEOUT, auth=auth)
        else:
            http = await stack.enter_async_context(
                httpx2.AsyncClient(headers=dict(target.headers), auth=auth, timeout=timeout))
            streams = streamable_http_client(target.url, http_client=http)
        read, write = await stack.enter_async_context(streams)
        session = await stack.enter_async_context(
            ClientSession(read, write, message_handler=message_handler, client_info=client_info))
        with anyio.fail_after(CONNECT_TIMEOUT):
            result = await session.initialize()
        yield session, result
