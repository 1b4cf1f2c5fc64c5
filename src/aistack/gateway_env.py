"""The environment `aistack run CMD` adds so that assistants routed by environment variables only reach the
company gateway with a fresh token (GATEWAY = "run" in their adapters, and Zed's model keys)."""

from __future__ import annotations

import os

from aistack.profile import Profile


def _name(command: str) -> str:
    name = os.path.basename(command.replace("\\", "/")).lower()
    for ext in (".exe", ".cmd", ".bat"):
        name = name.removesuffix(ext)
    return name


def _header_lines(headers: dict[str, str], sep: str) -> str:
    return sep.join(f"{k}: {v}" for k, v in headers.items())


def run_env(profile: Profile | None, token: str, command: str) -> dict[str, str]:
    """Variables to add for `command`: always AISTACK_TOKEN; the gateway's route where the assistant needs it."""
    env = {"AISTACK_TOKEN": token}
    gw = profile.gateway if profile else None
    if gw is None:
        return env
    bearer = gw.token_header.lower() == "authorization"
    name = _name(command)
    if name == "gemini":
        env["GOOGLE_GEMINI_BASE_URL"] = gw.providers.get("google") or gw.url
        env["GEMINI_API_KEY"] = token
        headers = dict(gw.headers)
        if bearer:
            env["GEMINI_API_KEY_AUTH_MECHANISM"] = "bearer"
        else:
            headers[gw.token_header] = token
        if headers:
            env["GEMINI_CLI_CUSTOM_HEADERS"] = _header_lines(headers, ", ")
    elif name == "copilot":
        env["COPILOT_PROVIDER_BASE_URL"] = gw.providers.get("openai") or gw.url
        env["COPILOT_PROVIDER_TYPE"] = "openai"
        headers = dict(gw.headers)
        if bearer:
            env["COPILOT_PROVIDER_BEARER_TOKEN"] = token
        else:
            headers[gw.token_header] = token
        if headers:
            env["COPILOT_PROVIDER_HEADERS"] = _header_lines(headers, "\n")
    elif name in ("zed", "zeditor"):
        env["ANTHROPIC_API_KEY"] = token
        env["OPENAI_API_KEY"] = token
    return env
