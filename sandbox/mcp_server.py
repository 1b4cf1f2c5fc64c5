"""The sandbox org's MCP server (the `mcp` SDK, streamable HTTP at /mcp): one tool, for holders of an IdP token only.

A request without a valid token gets 401 with the RFC 9728 pointer to the IdP, as a real company's
server would. Environment: SANDBOX_ISSUER, SANDBOX_AUDIENCE.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mcp.server.auth.middleware.auth_context import get_access_token  # noqa: E402
from mcp.server.auth.provider import AccessToken  # noqa: E402
from mcp.server.auth.settings import AuthSettings  # noqa: E402
from mcp.server.mcpserver import MCPServer  # noqa: E402

from serve import serve  # noqa: E402
from tokens import InvalidToken, Verifier  # noqa: E402

HANDBOOK = {
    "onboarding": "Run `aistack login`, then `aistack setup`; your assistants reach the gateway and this server.",
    "gateway": "Every model call goes through the company gateway, which records tokens and cost per person.",
    "support": "Run `aistack doctor` first; it names what is wrong and how to fix it.",
}


class JwtVerifier:
    """The SDK's TokenVerifier protocol over the sandbox's offline JWT check."""

    def __init__(self, verifier: Verifier):
        self.verifier = verifier

    async def verify_token(self, token: str) -> AccessToken | None:
        try:
            claims = self.verifier.verify(token)
        except InvalidToken:
            return None
        return AccessToken(token=token, client_id=str(claims.get("client_id", "")),
                           scopes=str(claims.get("scope", "")).split(), expires_at=int(claims["exp"]),
                           resource=self.verifier.audience, subject=str(claims["sub"]), claims=claims)


def build(port: int):
    verifier = Verifier(os.environ["SANDBOX_ISSUER"], os.environ["SANDBOX_AUDIENCE"])
    server = MCPServer(
        "sandbox-handbook",
        instructions="The sandbox org's handbook.",
        token_verifier=JwtVerifier(verifier),
        # The token's audience is checked by the verifier itself (one audience for gateway and MCP server).
        auth=AuthSettings(issuer_url=verifier.issuer, resource_server_url=f"http://127.0.0.1:{port}/mcp",
                          validate_token_resource=False),
    )

    @server.tool()
    def handbook(topic: str = "onboarding") -> str:
        """Look up a topic in the org handbook: onboarding, gateway or support."""
        token = get_access_token()
        who = (token.claims or {}).get("email") or token.subject if token else "unknown"
        text = HANDBOOK.get(topic.strip().lower())
        if text is None:
            return f"No handbook entry for {topic!r}; topics: {', '.join(HANDBOOK)}."
        return f"[for {who}] {text}"

    return server.streamable_http_app()


if __name__ == "__main__":
    serve(build)
