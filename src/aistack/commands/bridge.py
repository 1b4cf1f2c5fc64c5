"""`aistack mcp-bridge NAME`: serve one of the org's remote MCP servers on stdio, with a fresh token."""

from __future__ import annotations

from typing import Optional

import typer

from aistack.commands.options import ORG


def register(app: typer.Typer) -> None:
    @app.command("mcp-bridge")
    def mcp_bridge(
        name: str = typer.Argument(..., help="The MCP server's name in the org profile."),
        org: Optional[str] = ORG,
    ) -> None:
        """Run as a stdio MCP server that forwards to the org's remote MCP server NAME.

        For assistants that cannot send your token themselves (Claude Desktop, Zed, ...): configure
        `aistack mcp-bridge NAME` as a stdio server. Only JSON-RPC goes to stdout; messages go to stderr.
        """
        import sys

        import anyio

        from aistack.paths import Env
        from aistack.profile import resolve
        from aistack.relay.bridge import serve
        from aistack.relay.target import get_token, target_for

        target = target_for(resolve(org, Env.current()), name)
        if sys.stdin.isatty():
            sys.stderr.write("aistack mcp-bridge: waiting for an MCP client on stdin; assistants start this command "
                             "themselves (Ctrl-C to stop).\n")
        code = anyio.run(serve, target, get_token)
        if code:
            raise typer.Exit(code)
