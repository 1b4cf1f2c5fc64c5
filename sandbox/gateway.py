"""The sandbox's LLM gateway: the LiteLLM proxy (config from the launcher), the `aistack` usage API, and Gemini's
own API for the mock model (gateway_api_gemini.py).

Environment: SANDBOX_CONFIG (LiteLLM YAML), SANDBOX_ISSUER, SANDBOX_AUDIENCE, SANDBOX_USAGE_DB,
SANDBOX_PROFILE_JSON (the org profile to publish at /.well-known/aistack).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def org_profile():
    """The org profile, published where `aistack setup --org http://127.0.0.1:PORT` looks (written once all is up)."""
    from fastapi.responses import JSONResponse

    try:
        return JSONResponse(json.loads(Path(os.environ["SANDBOX_PROFILE_JSON"]).read_text(encoding="utf-8")))
    except (KeyError, FileNotFoundError):
        return JSONResponse({"error": {"message": "the sandbox org is still starting"}}, status_code=503)


def main() -> None:
    sys.path.insert(0, str(HERE))
    os.environ["CONFIG_FILE_PATH"] = os.environ["SANDBOX_CONFIG"]
    # Offline: LiteLLM's bundled price list, no fetch of the remote one (three slow retries without a network).
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("LITELLM_DONT_SHOW_FEEDBACK_BOX", "True")
    os.environ.setdefault("LITELLM_TELEMETRY", "False")

    from fastapi.routing import APIRoute
    from litellm.proxy.proxy_server import app

    import gateway_api_gemini
    import gateway_hooks
    from serve import serve
    from usage_api import router

    # Ahead of LiteLLM's own routes, so that none of its catch-alls shadows ours.
    app.router.routes[0:0] = router(gateway_hooks.verifier, gateway_hooks.store).routes + [
        APIRoute("/.well-known/aistack", org_profile, methods=["GET"])] + gateway_api_gemini.router(
        gateway_hooks.verifier, gateway_hooks.store).routes
    warm_up_after_start(app, gateway_hooks)
    serve(lambda port: app)


def warm_up_after_start(app, gateway_hooks) -> None:
    """One mock completion through LiteLLM's Anthropic adapter before the gateway reports ready: its first
    request otherwise pays seconds of lazy imports. It carries no user, so nothing is recorded."""
    from contextlib import asynccontextmanager

    start = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app_):
        async with start(app_) as state:
            import litellm

            try:
                await litellm.anthropic.messages.acreate(
                    model="sandbox/warm-up", max_tokens=1, messages=[{"role": "user", "content": "warm up"}])
                # The route itself, up to the auth hook (refused: no token), and the IdP's keys.
                import httpx

                async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app_), base_url="http://gw") as client:
                    await client.post("/v1/messages", json={"model": "warm-up", "max_tokens": 1, "messages": []})
                gateway_hooks.verifier.keys()
            except Exception as e:  # a slower first request is no reason not to start
                print(f"sandbox gateway: warm-up failed: {e}", file=sys.stderr)
            yield state

    app.router.lifespan_context = lifespan


if __name__ == "__main__":
    main()
