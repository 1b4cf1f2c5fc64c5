"""The usage backends by the name the org profile gives in `[gateway] usage`: one explicit dict."""

from __future__ import annotations

from aistack.usage import aistack_api, cloudflare, litellm, openrouter
from aistack.usage.backend import Backend

BACKENDS: dict[str, Backend] = {
    "litellm": litellm,
    "cloudflare": cloudflare,
    "openrouter": openrouter,
    "aistack": aistack_api,
}
