"""`aistack mcp-bridge NAME`: a stdio MCP server that forwards to one of the org's remote MCP servers.

GUI assistants started from a desktop do not see the shell's environment and some have no way to run a
helper for headers, so they cannot send the engineer's short-lived token themselves. They run this bridge
as a plain stdio server instead; it fetches a fresh token for every connection it opens to the remote.
"""

from aistack.bridge.target import Target, get_token, target_for

__all__ = ["Target", "get_token", "target_for"]
