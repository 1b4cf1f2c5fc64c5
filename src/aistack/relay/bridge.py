"""The stdio side: an MCP server whose every request is answered by the remote server.

Two sessions meet here: the assistant's (stdio, served by the SDK's low-level `Server`) and the
remote's (a `ClientSession` over streamable HTTP or SSE). Requests are re-sent as typed requests
with the same params (cursors included); results and MCP errors come back unchanged; the remote's
change notifications and log messages are passed on to the assistant.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import anyio
import mcp_types as types
from mcp.client.session import ClientSession
from mcp.server.lowlevel.server import Server
from mcp.server.session import ServerSession
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import MCPError
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from aistack.errors import AistackError, render
from aistack.relay.remote import TokenAuth, connect, explain, say
from aistack.relay.target import Target

FAILED_EXIT_GRACE = 1.0  # seconds to let the assistant read the failed initialize before we exit
UNANSWERED_WAIT = 30.0  # after a failure, how long to wait for an initialize we can fail
CLOSE_TIMEOUT = 5.0  # for ending the remote session politely when the assistant leaves

# method -> (params model, request model, result model): what the bridge forwards.
FORWARDED: dict[str, tuple[type, type, type]] = {
    "tools/list": (types.PaginatedRequestParams, types.ListToolsRequest, types.ListToolsResult),
    "tools/call": (types.CallToolRequestParams, types.CallToolRequest, types.CallToolResult),
    "resources/list": (types.PaginatedRequestParams, types.ListResourcesRequest, types.ListResourcesResult),
    "resources/templates/list": (types.PaginatedRequestParams, types.ListResourceTemplatesRequest,
                                 types.ListResourceTemplatesResult),
    "resources/read": (types.ReadResourceRequestParams, types.ReadResourceRequest, types.ReadResourceResult),
    "resources/subscribe": (types.SubscribeRequestParams, types.SubscribeRequest, types.EmptyResult),
    "resources/unsubscribe": (types.UnsubscribeRequestParams, types.UnsubscribeRequest, types.EmptyResult),
    "prompts/list": (types.PaginatedRequestParams, types.ListPromptsRequest, types.ListPromptsResult),
    "prompts/get": (types.GetPromptRequestParams, types.GetPromptRequest, types.GetPromptResult),
    "completion/complete": (types.CompleteRequestParams, types.CompleteRequest, types.CompleteResult),
    "logging/setLevel": (types.SetLevelRequestParams, types.SetLevelRequest, types.EmptyResult),
}

# Notifications from the remote that mean the same thing to the assistant.
PASSED_ON = (types.ToolListChangedNotification, types.ResourceListChangedNotification,
             types.PromptListChangedNotification, types.ResourceUpdatedNotification,
             types.LoggingMessageNotification)

# `_meta` keys that belong to one hop only: the 2026 per-request envelope is the assistant's
# session, not ours; a progress token is re-minted by our client session for the remote.
HOP_META_PREFIX = "io.modelcontextprotocol/"


def advertised(caps: types.ServerCapabilities) -> types.ServerCapabilities:
    """The remote's capabilities, limited to what the bridge forwards (no experimental methods, tasks)."""
    return types.ServerCapabilities(tools=caps.tools, resources=caps.resources, prompts=caps.prompts,
                                    completions=caps.completions, logging=caps.logging).model_copy(deep=True)


def _for_remote(params: Any) -> dict[str, Any] | None:
    if params is None:
        return None
    data = params.model_dump(by_alias=True, mode="json", exclude_none=True)
    meta = data.get("_meta")
    if isinstance(meta, dict):
        meta = {k: v for k, v in meta.items() if k != "progressToken" and not k.startswith(HOP_META_PREFIX)}
        if meta:
            data["_meta"] = meta
        else:
            del data["_meta"]
    return data


class Bridge:
    """Both sides of the bridge and the state of the remote connection.

    One task (`own_remote`) opens and closes remote connections, because anyio requires a context to
    be left by the task that entered it. Requests ask for the connection with `session()`; when it has
    broken (the remote restarted, the network dropped), the next request asks the owner for a new
    one, with a fresh token.
    """

    def __init__(self, target: Target, get_token: Callable[[], str]):
        self.target = target
        self.get_token = get_token
        self.remote: ClientSession | None = None
        self.auth: TokenAuth | None = None  # the current connection's, with what it saw
        self.remote_init: types.InitializeResult | None = None
        self.failure: AistackError | None = None
        self.ready = anyio.Event()  # the current connection attempt has settled (connected or failed)
        self.first_ready = self.ready
        self.want = anyio.Event()  # set: the owner should open a new connection once this one ends
        self.hangup = anyio.Event()  # set: leave the current connection
        self.stop = anyio.Event()
        self.closed = anyio.Event()
        self.answered = anyio.Event()  # the assistant has had its initialize answered
        self.downstream: ServerSession | None = None
        self.remote_scope = anyio.CancelScope()

    # -- the remote connection, owned by one task for the bridge's whole life
    async def own_remote(self) -> None:
        try:
            with self.remote_scope:
                while not self.stop.is_set():
                    self.want, self.hangup = anyio.Event(), anyio.Event()
                    await self._connect_once(self.ready)
                    if self.stop.is_set() or self.remote_init is None:
                        return  # the first connection failed: that is the assistant's answer
                    await self.want.wait()
                    if not self.stop.is_set():
                        say(f"reconnecting to {self.target.name!r} at {self.target.url}.")
        finally:
            self.closed.set()

    async def _connect_once(self, ready: anyio.Event) -> None:
        auth = TokenAuth(self.target, self.get_token, None)
        try:
            if self.target.token_header:
                auth.token = await anyio.to_thread.run_sync(self.get_token)  # fresh for every connection
            async with connect(self.target, auth, self._from_remote) as (session, result):
                self.remote, self.auth, self.remote_init, self.failure = session, auth, result, None
                info = result.server_info
                say(f"connected to {self.target.name!r} at {self.target.url} ({info.name} {info.version}).")
                ready.set()
                await self.hangup.wait()
        except Exception as exc:  # every failure becomes one message; the assistant sees it
            self.failure = explain(exc, self.target, auth)
            for line in render(self.failure).splitlines():
                say(line)
        finally:
            self.remote = None
            ready.set()

    async def session(self) -> ClientSession:
        await self.ready.wait()
        if self.remote is None and self.remote_init is not None and not self.want.is_set() and not self.stop.is_set():
            self.ready = anyio.Event()
            self.want.set()
            await self.ready.wait()
        if self.remote is None:
            raise self.mcp_failure()
        return self.remote

    def hang_up(self, broken: ClientSession) -> None:
        """Leave a connection the remote no longer knows; the next `session()` opens a new one."""
        if self.remote is broken:
            self.remote = None
            self.hangup.set()

    def shut_down(self) -> None:
        self.stop.set()
        self.want.set()
        self.hangup.set()
        if not self.first_ready.is_set():
            self.remote_scope.cancel()

    def mcp_failure(self, failure: AistackError | None = None) -> MCPError:
        failure = failure or self.failure or AistackError(f"the connection to {self.target.url} is closed.")
        text = failure.message + (f" {failure.hint}" if failure.hint else "")
        return MCPError(code=types.INTERNAL_ERROR, message=f"aistack mcp-bridge: {text}")

    async def _from_remote(self, message: Any) -> None:
        if isinstance(message, PASSED_ON) and self.downstream is not None:
            await self.downstream.send_notification(message)
        elif isinstance(message, Exception):
            say(f"remote transport: {message.__class__.__name__}: {message}")

    # -- the assistant's side
    async def middleware(self, ctx, call_next):
        if ctx.method != "initialize":
            return await call_next(ctx)
        try:
            await self.session()
        finally:
            self.answered.set()
        result = await call_next(ctx)
        self.downstream = ctx.session
        assert self.remote_init is not None
        result["serverInfo"] = self.remote_init.server_info.model_dump(by_alias=True, mode="json", exclude_none=True)
        result["capabilities"] = advertised(self.remote_init.capabilities).model_dump(
            by_alias=True, mode="json", exclude_none=True)
        if self.remote_init.instructions:
            result["instructions"] = self.remote_init.instructions
        else:
            result.pop("instructions", None)
        return result

    def forwarder(self, method: str):
        params_type, request_type, result_type = FORWARDED[method]

        async def forward(ctx, params):
            remote = await self.session()
            auth = self.auth
            wire_meta = (ctx.params or {}).get("_meta")
            wants_progress = isinstance(wire_meta, dict) and wire_meta.get("progressToken") is not None
            # Our client session mints its own token for the remote; its progress goes out under the assistant's.
            progress = ctx.session.report_progress if wants_progress else None
            data = _for_remote(params)
            request = request_type(params=None if data is None else params_type.model_validate(data, by_name=False))
            try:
                try:
                    return await remote.send_request(request, result_type, progress_callback=progress)
                except MCPError as e:
                    if auth is not None and auth.rejected and e.error.code == types.INTERNAL_ERROR:
                        # The transport says only "error response"; say that the token was refused, and why.
                        raise self.mcp_failure(explain(e, self.target, auth)) from None
                    if auth is None or not auth.session_gone:
                        raise
                # The remote forgot our session (it restarted) and did not run the request: resend it once.
                self.hang_up(remote)
                remote = await self.session()
                return await remote.send_request(request, result_type, progress_callback=progress)
            except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                raise self.mcp_failure() from None

        return forward

    async def discover(self, ctx, params) -> types.DiscoverResult:
        """2026-era assistants ask `server/discover` instead of initializing: answer with the remote's."""
        await self.session()
        assert self.remote_init is not None
        caps = advertised(self.remote_init.capabilities)
        # Change notifications need `subscriptions/listen` on that protocol, which the bridge does not serve.
        for cap in (caps.tools, caps.prompts):
            if cap is not None:
                cap.list_changed = None
        if caps.resources is not None:
            caps.resources.list_changed = caps.resources.subscribe = None
        return types.DiscoverResult(supported_versions=list(MODERN_PROTOCOL_VERSIONS), capabilities=caps,
                                    instructions=self.remote_init.instructions)


def build_server(bridge: Bridge) -> Server:
    server = Server(f"aistack-mcp-bridge-{bridge.target.name}")
    for method, (params_type, _, _) in FORWARDED.items():
        server.add_request_handler(method, params_type, bridge.forwarder(method))
    server.add_request_handler("server/discover", types.RequestParams, bridge.discover)
    server.middleware.append(bridge.middleware)  # innermost: it rewrites the wire-shaped initialize result
    return server


async def serve(target: Target, get_token: Callable[[], str]) -> int:
    """Serve the assistant on stdin/stdout until it closes stdin; the exit code says how it went."""
    bridge = Bridge(target, get_token)
    server = build_server(bridge)
    async with anyio.create_task_group() as tg:
        tg.start_soon(bridge.own_remote)
        tg.start_soon(_exit_after_failure, bridge)
        try:
            async with stdio_server() as (read, write):
                await server.run(read, write, server.create_initialization_options())
        finally:
            bridge.shut_down()
            with anyio.move_on_after(CLOSE_TIMEOUT):  # let the remote session end politely
                await bridge.closed.wait()
            tg.cancel_scope.cancel()
    return bridge.failure.exit_code if bridge.failure else 0


async def _exit_after_failure(bridge: Bridge) -> None:
    """When the remote cannot be reached, fail the assistant's initialize, then leave.

    The SDK reads stdin in a worker thread that cannot be cancelled, so waiting for a clean unwind
    would keep a dead bridge alive until the assistant closes the pipe; nothing is open by then.
    """
    await bridge.first_ready.wait()
    if bridge.failure is None:
        return
    with anyio.move_on_after(UNANSWERED_WAIT):
        await bridge.answered.wait()
    await anyio.sleep(FAILED_EXIT_GRACE)
    os._exit(bridge.failure.exit_code)
