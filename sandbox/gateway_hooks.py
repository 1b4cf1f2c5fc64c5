"""LiteLLM hooks for the sandbox gateway: who is calling (the IdP's JWT), and what they were served (sqlite).

Named in the generated LiteLLM config as `gateway_hooks.user_api_key_auth` (general_settings.custom_auth)
and `gateway_hooks.usage_recorder` (litellm_settings.callbacks); this directory is on PYTHONPATH.
"""

from __future__ import annotations

import logging
import os

from fastapi import Request
from litellm.integrations.custom_logger import CustomLogger
from litellm.proxy._types import ProxyErrorTypes, ProxyException, UserAPIKeyAuth

from tokens import InvalidToken, Verifier
from usage_store import Store

log = logging.getLogger("sandbox.gateway")
verifier = Verifier(os.environ["SANDBOX_ISSUER"], os.environ["SANDBOX_AUDIENCE"])
store = Store(os.environ["SANDBOX_USAGE_DB"])


def _token(request: Request, api_key: str) -> str:
    # LiteLLM hands over the key it found (Authorization: Bearer, x-api-key, ...); read both headers
    # ourselves too, so that a request carrying only one of them is judged on it.
    return (api_key or request.headers.get("x-api-key") or request.headers.get("authorization") or "").strip()


async def user_api_key_auth(request: Request, api_key: str) -> UserAPIKeyAuth:
    try:
        claims = verifier.verify(_token(request, api_key))
    except InvalidToken as e:
        log.warning("refused a request to %s: %s", request.url.path, e)
        raise ProxyException(message=f"Authentication Error: invalid token ({e}); run `aistack login`.",
                             type=ProxyErrorTypes.auth_error, param="Authorization", code=401) from None
    # Never keep the token itself: the key LiteLLM logs is a label naming the user.
    return UserAPIKeyAuth(api_key=f"sandbox-{claims['sub']}", user_id=claims["sub"], user_email=claims.get("email"))


class UsageRecorder(CustomLogger):
    async def async_log_success_event(self, kwargs, response_obj, start_time, end_time):
        payload = kwargs.get("standard_logging_object") or {}
        meta = payload.get("metadata") or {}
        user = meta.get("user_api_key_user_id")
        if not user:
            return
        usage = meta.get("usage_object") or {}
        details = usage.get("prompt_tokens_details") or {}
        cache_read = usage.get("cache_read_input_tokens") or details.get("cached_tokens") or 0
        cache_write = usage.get("cache_creation_input_tokens") or 0
        prompt = payload.get("prompt_tokens") or 0
        cost = payload.get("response_cost")
        store.record(
            ts=end_time.timestamp() if end_time else None,
            user=user,
            email=meta.get("user_api_key_user_email"),
            model=payload.get("model_group") or payload.get("model") or "unknown",
            input_tokens=max(0, prompt - cache_read - cache_write),
            output_tokens=payload.get("completion_tokens") or 0,
            cache_read_tokens=cache_read,
            cache_write_tokens=cache_write,
            cost_usd=cost if isinstance(cost, (int, float)) else None,
        )


usage_recorder = UsageRecorder()
