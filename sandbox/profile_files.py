"""The files `up` writes: the LiteLLM config of the gateway and the org profile that points at everything."""

from __future__ import annotations

import json
import os
from pathlib import Path

# Prices of the mock model, per token, in US dollars (Claude Sonnet's list prices): usage shows real-looking cost.
INPUT_COST = 0.000003
OUTPUT_COST = 0.000015
CACHE_READ_COST = 0.0000003
CACHE_WRITE_COST = 0.00000375
LISTED_MODELS = ("claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1", "gpt-5", "gpt-5-mini")


def gateway_config(master_key: str) -> str:
    """LiteLLM proxy config: every model name served by the sandbox's counting mock, callers checked by
    the IdP-token hook, every served request recorded. JSON is valid YAML, and needs no YAML writer."""
    prices = {"input_cost_per_token": INPUT_COST, "output_cost_per_token": OUTPUT_COST,
              "cache_read_input_token_cost": CACHE_READ_COST, "cache_creation_input_token_cost": CACHE_WRITE_COST}
    config = {
        # Any model name is served; these few are also listed by /v1/models for clients that pick from it.
        "model_list": [{"model_name": name, "litellm_params": {"model": f"sandbox/{name}", **prices},
                        "model_info": prices} for name in LISTED_MODELS] + [{
            "model_name": "*",
            "litellm_params": {"model": "sandbox/*", **prices},
            "model_info": prices,
        }],
        "litellm_settings": {
            "custom_provider_map": [{"provider": "sandbox", "custom_handler": "mock_llm.handler"}],
            "callbacks": ["gateway_hooks.usage_recorder"],
            "drop_params": True,
            "telemetry": False,
        },
        "general_settings": {
            # Required by the proxy's start-up checks; nobody uses it: every caller is judged by custom_auth.
            "master_key": master_key,
            "custom_auth": "gateway_hooks.user_api_key_auth",
        },
    }
    return json.dumps(config, indent=2) + "\n"


def org_profile(issuer: str, gateway: str, mcp_url: str) -> tuple[str, dict]:
    """The org profile (schema 1) as TOML for `--org DIR/org.toml`, and as the JSON the gateway serves at
    /.well-known/aistack for `--org http://127.0.0.1:PORT`."""
    profile = {
        "schema": 1,
        "org": {"name": "Sandbox Org"},
        "auth": {"issuer": issuer, "client_id": "aistack-cli",
                 "scopes": ["openid", "email", "profile", "offline_access"]},
        "gateway": {
            "url": gateway,
            "token_header": "Authorization",
            "usage": "aistack",
            "usage_url": f"{gateway}/usage",
            "providers": {"anthropic": gateway, "openai": f"{gateway}/v1"},
        },
        "mcp_servers": [{"name": "handbook", "url": mcp_url, "transport": "http", "auth": "token"}],
    }
    toml = f'''# The sandbox org: everything on 127.0.0.1, started by `python sandbox/org.py up`.
# Stop it with `python sandbox/org.py down --dir {{this directory}}`; the ports change on every start.
schema = 1

[org]
name = "Sandbox Org"

[auth]                     # demo@example.com; device codes are approved as soon as they are issued
issuer = "{issuer}"
client_id = "aistack-cli"
scopes = ["openid", "email", "profile", "offline_access"]

[gateway]                  # LiteLLM with a mock model; it checks the IdP's token and records usage
url = "{gateway}"
token_header = "Authorization"
usage = "aistack"
usage_url = "{gateway}/usage"

[gateway.providers]
anthropic = "{gateway}"
openai = "{gateway}/v1"

[[mcp_servers]]            # the mcp SDK; 401 without the IdP's token
name = "handbook"
url = "{mcp_url}"
transport = "http"
auth = "token"
'''
    return toml, profile


def write_private(path: Path, text: str) -> None:
    """Owner-only from the first byte: the gateway config holds its master key."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o600)
