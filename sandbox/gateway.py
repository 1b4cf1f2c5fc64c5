"""The sandbox's LLM gateway: the LiteLLM proxy (config from the launcher) plus the `aistack` usage API.

Environment: SANDBOX_CONFIG (LiteLLM YAML), SANDBOX_ISSUER, SANDBOX_AUDIENCE, SANDBOX_USAGE_DB.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    sys.path.insert(0, str(HERE))
    os.environ["CONFIG_FILE_PATH"] = os.environ["SANDBOX_CONFIG"]
    # Offline: LiteLLM's bundled price list, no fetch of the remote one (three slow retries without a network).
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("LITELLM_DONT_SHOW_FEEDBACK_BOX", "True")
    os.environ.setdefault("LITELLM_TELEMETRY", "False")

    from litellm.proxy.proxy_server import app

    import gateway_hooks
    from serve import serve
    from usage_api import router

    # Ahead of LiteLLM's own routes, so that none of its catch-alls shadows the usage API.
    app.router.routes[0:0] = router(gateway_hooks.verifier, gateway_hooks.store).routes
    serve(lambda port: app)


if __name__ == "__main__":
    main()
