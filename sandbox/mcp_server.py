"""The org's MCP server, on the `mcp` SDK's low-level Server: the sandbox org's, and the one the tests run.

`python sandbox/mcp_server.py` is the sandbox's: streamable HTTP at /mcp (and SSE at /sse) on 127.0.0.1, for
holders of an IdP token only (validated offline, see tokens.py; environment: SANDBOX_ISSUER, SANDBOX_AUDIENCE).
A request without one gets 401 with the RFC 9728 pointer to the IdP, as a real company's server would.
`--stdio` serves it over stdio, open. The tests start `app(...)` in a thread (tests/peers/mcp_server.py) with a
token check of their own.

It serves the tools `handbook` (the org handbook), `echo` and `whoami` (what the server saw: the text, a
fingerprint of the bearer token, the x-team header); two resources (one per page), a resource template, a prompt
with completions, resource subscriptions and logging. `hooks=True` adds the tools the bridge tests drive its
edge cases with: `fail` (a protocol error), `changed` (a changed tool list and a log message), `progress`.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import mcp_types as types
from mcp.server.auth.middleware.auth_context import AuthContextMiddleware
from mcp.server.auth.middleware.bearer_auth import BearerAuthBackend, RequireAuthMiddleware
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.routes import build_resource_metadata_url
from mcp.server.auth.settings import AuthSettings
from mcp.server.lowlevel.server import Server
from mcp.server.sse import SseServerTransport
from mcp.shared.exceptions import MCPError
from starlette.applications import Starlette
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.routing import Mount, Route

NAME, VERSION = "org-docs", "7.1.0"
INSTRUCTIONS = "The org's handbook and engineering docs: search them before answering."
HANDBOOK = {
    "onboarding": "Run `aistack login`, then `aistack setup`; your assistants reach the gateway and this server.",
    "gateway": "Every model call goes through the company gateway, which records tokens and cost per person.",
    "support": "Run `aistack doctor` first; it names what is wrong and how to fix it.",
}
RESOURCES = [("docs://handbook", "Handbook", "Ship small changes."), ("docs://oncall", "On-call", "Page twice.")]
TOOLS = [
    types.Tool(name="handbook", description="Look up a topic in the org handbook: onboarding, gateway or support.",
               input_schema={"type": "object", "properties": {"topic": {"type": "string", "default": "onboarding"}}}),
    types.Tool(name="echo", description="Return the text it is given.",
               input_schema={"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}),
    types.Tool(name="whoami", description="Who called, as the server saw it.",
               input_schema={"type": "object", "properties": {"text": {"type": "string"}}}),
]
HOOKS = [
    types.Tool(name="fail", description="Always a protocol error.", input_schema={"type": "object"}),
    types.Tool(name="changed", description="Announces a changed tool list.", input_schema={"type": "object"}),
    types.Tool(name="progress", description="Reports progress, then ends.", input_schema={"type": "object"}),
]


def fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:16]


@dataclass
class State:
    subscribed: list[str] = field(default_factory=list)


def _text(text: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)])


def _caller(ctx) -> tuple[dict[str, str], dict[str, Any]]:
    """The headers of the HTTP request carrying this message (none over stdio) and the claims of its token."""
    request = ctx.request
    if request is None:
        return {}, {}
    user = request.scope.get("user")
    token = getattr(user, "access_token", None)
    return {k.lower(): v for k, v in request.headers.items()}, (token.claims or {}) if token else {}


def build(state: State | None = None, hooks: bool = False) -> Server:
    state = state if state is not None else State()
    tools = TOOLS + (HOOKS if hooks else [])

    async def list_tools(ctx, params):
        return types.ListToolsResult(tools=tools)

    async def call_tool(ctx, params: types.CallToolRequestParams):
        args = params.arguments or {}
        if params.name == "handbook":
            _, claims = _caller(ctx)
            topic = str(args.get("topic") or "onboarding")
            text = HANDBOOK.get(topic.strip().lower())
            if text is None:
                return _text(f"No handbook entry for {topic!r}; topics: {', '.join(HANDBOOK)}.")
            return _text(f"[for {claims.get('email') or claims.get('sub') or 'unknown'}] {text}")
        if params.name == "echo":
            return _text(str(args.get("text", "")))
        if params.name == "whoami":
            headers, _ = _caller(ctx)
            bearer = headers.get("authorization", "").removeprefix("Bearer ")
            return _text(json.dumps({"echo": args.get("text"), "bearer_sha": fingerprint(bearer),
                                     "x_team": headers.get("x-team")}))
        if hooks and params.name == "fail":
            raise MCPError(code=-32042, message="the docs index is rebuilding")
        if hooks and params.name == "changed":
            await ctx.session.send_log_message("info", "tool list changed", logger="docs")
            await ctx.session.send_tool_list_changed()
            return _text("announced")
        if hooks and params.name == "progress":
            await ctx.session.report_progress(1, 2, "halfway")
            return _text("done")
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

    async def set_level(ctx, params):
        return types.EmptyResult()

    server = Server(NAME, version=VERSION, instructions=INSTRUCTIONS,
                    on_list_tools=list_tools, on_call_tool=call_tool, on_list_resources=list_resources,
                    on_list_resource_templates=list_templates, on_read_resource=read_resource,
                    on_list_prompts=list_prompts, on_get_prompt=get_prompt, on_completion=complete,
                    on_subscribe_resource=subscribe)
    server.add_request_handler("logging/setLevel", types.SetLevelRequestParams, set_level)
    return server


class Check:
    """The SDK's TokenVerifier over `verify(token)`, which accepts a token by returning True or its claims (dict),
    and may be async (an IdP introspection call)."""

    def __init__(self, verify: Callable[[str], Any]):
        self.verify = verify

    async def verify_token(self, token: str) -> AccessToken | None:
        verdict = self.verify(token)
        if inspect.isawaitable(verdict):
            verdict = await verdict
        if not verdict:
            return None
        claims = verdict if isinstance(verdict, dict) else {}
        return AccessToken(token=token, client_id=str(claims.get("client_id", "")),
                           scopes=str(claims.get("scope", "")).split(),
                           expires_at=int(claims["exp"]) if "exp" in claims else None,
                           subject=str(claims["sub"]) if "sub" in claims else None, claims=claims or None)


class _SseSession:
    """GET /sse: one session of the server over the legacy SSE transport (its messages POSTed to /messages/)."""

    def __init__(self, server: Server, transport: SseServerTransport):
        self.server, self.transport = server, transport

    async def __call__(self, scope, receive, send):
        async with self.transport.connect_sse(scope, receive, send) as (read, write):
            await self.server.run(read, write, self.server.create_initialization_options())


def app(verify: Callable[[str], Any] | None = None, *, hooks: bool = False, state: State | None = None,
        issuer: str | None = None, url: str | None = None) -> Starlette:
    """Both transports in one ASGI app. With `verify`, every MCP request needs `Authorization: Bearer <token>`
    that `verify` accepts (the SDK's bearer middleware asks it), else 401; with `issuer` and the server's own
    `url` the 401 points at its RFC 9728 metadata naming the IdP, without them it names none (a client then
    reports that the server needs a token instead of starting an OAuth sign-in)."""
    server = build(state, hooks)
    check = Check(verify) if verify else None
    auth = AuthSettings(issuer_url=issuer, resource_server_url=url, validate_token_resource=False) if issuer else None
    asgi = server.streamable_http_app(token_verifier=check, auth=auth)  # its lifespan runs the session manager
    if check and auth is None:  # the SDK adds its bearer middleware only with AuthSettings, which want an issuer
        asgi.add_middleware(AuthContextMiddleware)
        asgi.add_middleware(AuthenticationMiddleware, backend=BearerAuthBackend(check))
    metadata = build_resource_metadata_url(auth.resource_server_url) if auth and auth.resource_server_url else None

    def guarded(endpoint):
        return RequireAuthMiddleware(endpoint, [], metadata) if check else endpoint

    transport = SseServerTransport("/messages/")
    asgi.router.routes.extend([Route("/sse", endpoint=guarded(_SseSession(server, transport)), methods=["GET"]),
                               Mount("/messages/", app=guarded(transport.handle_post_message))])
    return asgi


def sandbox(port: int) -> Starlette:
    from tokens import InvalidToken, Verifier

    verifier = Verifier(os.environ["SANDBOX_ISSUER"], os.environ["SANDBOX_AUDIENCE"])

    def verify(token: str) -> dict | None:
        try:
            return verifier.verify(token)
        except InvalidToken:
            return None

    # The token's audience is checked by the verifier itself (one audience for gateway and MCP server).
    return app(verify, issuer=verifier.issuer, url=f"http://127.0.0.1:{port}/mcp")


def stdio() -> None:
    import anyio
    from mcp.server.stdio import stdio_server

    async def main() -> None:
        server = build()
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())

    anyio.run(main)


if __name__ == "__main__":
    if sys.argv[1:] == ["--stdio"]:
        stdio()
    else:
        from serve import serve

        serve(sandbox)
