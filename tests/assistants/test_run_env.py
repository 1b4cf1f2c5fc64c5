"""What `aistack run` adds for the assistants that take their gateway route from the environment: routes through
the relay or a helper command, never a token (AISTACK_TOKEN is `run`'s own, with its fingerprint)."""

from dataclasses import replace

from aistack.assistants.base import Context
from aistack.assistants.registry import run_env
from aistack.paths import Env
from aistack.profile import load
from support import EXAMPLE_ORG

ORG = load(str(EXAMPLE_ORG))
RELAY = "http://127.0.0.1:24123"
CTX = Context(env=Env(home="/home/u", environ={}, platform="linux"), aistack="/opt/ai stack/aistack", relay=RELAY)


def test_assistants_routed_by_their_files_get_nothing():
    assert run_env(ORG, CTX, "/usr/bin/codex") == {}
    assert run_env(None, CTX, "gemini") == {}


def test_gemini_goes_through_the_relay_with_a_placeholder_key():
    assert run_env(ORG, CTX, "gemini") == {"GOOGLE_GEMINI_BASE_URL": f"{RELAY}/gw/google",
                                            "GEMINI_API_KEY": "aistack-adds-the-real-token"}


def test_copilot_runs_aistack_for_every_request():
    env = run_env(ORG, CTX, "C:\\Tools\\copilot.cmd")
    assert env["COPILOT_PROVIDER_BASE_URL"] == "https://ai.example.com/openai/v1"
    assert env["COPILOT_PROVIDER_TYPE"] == "openai"
    assert env["COPILOT_PROVIDER_API_KEY_COMMAND"] == "'/opt/ai stack/aistack' token"  # for sh -c
    assert env["COPILOT_PROVIDER_HEADERS"] == "cf-aig-collect-log-payload: false"
    assert not any(k.endswith(("BEARER_TOKEN", "_API_KEY")) for k in env)


def test_a_custom_token_header_goes_through_the_relay():
    org = replace(ORG, gateway=replace(ORG.gateway, token_header="cf-access-token"))
    env = run_env(org, CTX, "copilot")
    assert env["COPILOT_PROVIDER_BASE_URL"] == f"{RELAY}/gw/openai"
    assert "COPILOT_PROVIDER_API_KEY_COMMAND" not in env and "COPILOT_PROVIDER_HEADERS" not in env
    assert run_env(org, CTX, "gemini")["GOOGLE_GEMINI_BASE_URL"] == f"{RELAY}/gw/google"


def test_zed_gets_placeholder_keys():
    env = run_env(ORG, CTX, "zed")
    assert env["ANTHROPIC_API_KEY"] == env["OPENAI_API_KEY"] == "aistack-adds-the-real-token"
