"""How the engineer's token travels in an HTTP header: written once for every caller.

The org profile names the header (`gateway.token_header`, default Authorization). Authorization carries
`Bearer <token>`; any other header carries the bare token. Imports nothing, so the `aistack token` fast path
can use it.
"""

from __future__ import annotations

DEFAULT_TOKEN_HEADER = "Authorization"


def is_bearer(token_header: str) -> bool:
    return token_header.lower() == "authorization"


def token_value(token_header: str, token: str) -> str:
    """The header value that carries `token` (or a reference to it, such as `${AISTACK_TOKEN}`)."""
    return f"Bearer {token}" if is_bearer(token_header) else token


def build_headers(token_header: str, token: str | None, static: dict[str, str]) -> dict[str, str]:
    """The auth header first, then the static headers; a static header never overrides the auth one."""
    out: dict[str, str] = {}
    if token is not None:
        out[token_header] = token_value(token_header, token)
    for name, value in static.items():
        if name.lower() != token_header.lower() or token is None:
            out[name] = value
    return out
