"""The sandbox's LLM gateway: the LiteLLM proxy (config from the launcher) plus the `aistack` usage API.

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

    import gateway_hooks
    from serve import serve
    from usage_api import router

    # Ahead of LiteLLM's own routes, so that none of its catch-alls shadows ours.
    app.router.routes[0:0] = router(gateway_hooks.verifier, gateway_hooks.store).routes + [
        APIRoute("/.well-known/aistack", org_profile, methods=["GET"])]
    serve(lambda port: app)


if __name__ == "__main__":
    main()
