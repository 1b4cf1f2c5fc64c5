"""A real remote MCP server for the bridge tests, built with the SDK and served by uvicorn on 127.0.0.1.

It refuses every request that does not carry `Authorization: Bearer <one of the accepted tokens>`
with a 401, like a token-protected company server. It has tools, paginated resources, a resource
template and a prompt, and it records the headers it was sent.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field

import mcp_types as types
import uvicorn
from mcp.server.lowlevel.server import Server
from mcp.server.sse import SseServerTransport
from mcp.shared.exceptions import MCPError
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Mount, Route

INSTRUCTIONS = "Search the company's engineering docs before answering."
RESOURCES = [("docs://handbook", "Handbook", "Ship small changes."), ("docs://oncall", "On-call", "Page twice.")]


def fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:16]


@dataclass
class RemoteState:
    accepted: set[str] | None  # None: an open server that takes no token
    seen_headers: list[dict[str, str]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    subscribed: list[str] = field(default_factory=list)


def build_server(state: RemoteState) -> Server:
    async def list_tools(ctx, params):
        return types.ListToolsResult(tools=[
            types.Tool(name="whoami", description="Who called, as the server saw it.",
                       input_schema={"type": "object", "properties": {"text": {"type": "string"}}}),
            types.Tool(name="fail", description="Always a protocol error.", input_schema={"type": "object"}),
            types.Tool(name="changed", description="Announces a changed tool list.", input_schema={"type": "object"}),
            types.Tool(name="progress", description="Reports progress, then ends.", input_schema={"type": "object"}),
        ])

    async def call_tool(ctx, params: types.CallToolRequestParams):
        if params.name == "whoami":
            headers = state.seen_headers[-1]
            bearer = headers.get("authorization", "").removeprefix("Bearer ")
            body = {"echo": (params.arguments or {}).get("text"), "bearer_sha": fingerprint(bearer),
                    "x_team": headers.get("x-team")}
            return types.CallToolResult(content=[types.TextContent(type="text", text=json.dumps(body))])
        if params.name == "fail":
            raise MCPError(code=-32042, message="the docs index is rebuilding")
        if params.name == "changed":
            await ctx.session.send_log_message("info", "tool list changed", logger="docs")
            await ctx.session.send_tool_list_changed()
            return types.CallToolResult(content=[types.TextContent(type="text", text="announced")])
        if params.name == "progress":
            await ctx.session.report_progress(1, 2, "halfway")
            return types.CallToolResult(content=[types.TextContent(type="text", text="done")])
        raise MCPError(code=types.INVALID_PARAMS, message=f"no tool {params.name}")

    async def list_resources(ctx, params):
        index = int(params.cursor) if params and params.cursor else 0
        uri, name, _ = RESOURCES[index]
        more = str(index + 1) if index + 1 < len(RESOURCES) else None
        return types.ListResourcesResult(resources=[types.Resource(uri=uri, name=name, mime_type="text/plain")],
                                         next_cursor=more)

    async def list_templates(ctx, params):
        return types.ListResourceTemplatesResult(resource_templates=[
            types.ResourceTemplate(uri_template="docs://page/{slug}", name="page")])

    async def read_resource(ctx, params: types.ReadResourceRequestParams):
        for uri, _, text in RESOURCES:
            if str(params.uri) == uri:
                return types.ReadResourceResult(contents=[types.TextResourceContents(uri=uri, text=text,
                                                                                     mime_type="text/plain")])
        raise MCPError(code=-32002, message=f"resource not found: {params.uri}")

    async def list_prompts(ctx, params):
        return types.ListPromptsResult(prompts=[types.Prompt(
            name="review", description="Review a change.",
            arguments=[types.PromptArgument(name="change", required=True)])])

    async def get_prompt(ctx, params: types.GetPromptRequestParams):
        change = (params.arguments or {}).get("change", "")
        return types.GetPromptResult(description="Review", messages=[types.PromptMessage(
            role="user", content=types.TextContent(type="text", text=f"Review {change} against the handbook."))])

    async def complete(ctx, params: types.CompleteRequestParams):
        prefix = params.argument.value
        return types.CompleteResult(completion=types.Completion(
            values=[c for c in ("PR 12", "PR 13", "hotfix") if c.startswith(prefix)]))

    async def subscribe(ctx, params: types.SubscribeRequestParams):
        state.subscribed.append(str(params.uri))
        await ctx.session.send_resource_updated(params.uri)
        return types.EmptyResult()

    server = Server("docs-remote", version="7.1.0", instructions=INSTRUCTIONS,
                  on_list_tools=list_tools, on_call_tool=call_tool, on_list_resources=list_resources,
                  on_list_resource_templates=list_templates, on_read_resource=read_resource,
                  on_list_prompts=list_prompts, on_get_prompt=get_prompt, on_completion=complete,
                  on_subscribe_resource=subscribe)
    server.add_request_handler("logging/setLevel", types.SetLevelRequestParams, lambda ctx, p: _empty())
    return server


async def _empty() -> types.EmptyResult:
    return types.EmptyResult()


def require_token(app, state: RemoteState):
    """ASGI wrapper: 401 unless the bearer token is accepted; records what each request carried."""

    async def guarded(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        state.seen_headers.append(headers)
        auth = headers.get("authorization", "")
        if state.accepted is not None and not (auth.startswith("Bearer ")
                                               and auth.removeprefix("Bearer ") in state.accepted):
            state.statuses.append(401)
            response = Response('{"error": "invalid_token"}', status_code=401, media_type="application/json",
                                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
            return await response(scope, receive, send)
        state.statuses.append(200)
        return await app(scope, receive, send)

    return guarded


def sse_app(server: Server) -> Starlette:
    transport = SseServerTransport("/messages/")

    async def handle_sse(request):
        async with transport.connect_sse(request.scope, request.receive, request._send) as (read, write):
            await server.run(read, write, server.create_initialization_options())
        return Response()

    return Starlette(routes=[Route("/sse", endpoint=handle_sse, methods=["GET"]),
                             Mount("/messages/", app=transport.handle_post_message)])


class RemoteServer:
    """Runs the server in a thread; `url` is its endpoint (…/mcp for streamable HTTP, …/sse for SSE)."""

    def __init__(self, token: str | None, transport: str = "http", port: int = 0):
        self.state = RemoteState(accepted=None if token is None else {token})
        server = build_server(self.state)
        app = sse_app(server) if transport == "sse" else server.streamable_http_app()
        self.path = "/sse" if transport == "sse" else "/mcp"
        config = uvicorn.Config(require_token(app, self.state), host="127.0.0.1", port=port, log_level="warning",
                                lifespan="on" if transport == "http" else "off", timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "RemoteServer":
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test MCP server did not start")
            time.sleep(0.02)
        self.port = port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}{self.path}"
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
