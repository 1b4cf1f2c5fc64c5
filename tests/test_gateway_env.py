from dataclasses import replace

from aistack.gateway_env import run_env
from aistack.profile import load
from conftest import EXAMPLE_ORG

ORG = load(str(EXAMPLE_ORG))


def test_every_command_gets_the_token():
    assert run_env(ORG, "tok", "/usr/bin/codex") == {"AISTACK_TOKEN": "tok"}
    assert run_env(None, "tok", "gemini") == {"AISTACK_TOKEN": "tok"}


def test_gemini_is_routed_with_bearer_and_headers():
    env = run_env(ORG, "tok", "gemini")
    assert env["GOOGLE_GEMINI_BASE_URL"] == "https://ai.example.com/google"
    assert env["GEMINI_API_KEY"] == "tok" and env["GEMINI_API_KEY_AUTH_MECHANISM"] == "bearer"
    assert env["GEMINI_CLI_CUSTOM_HEADERS"] == "cf-aig-collect-log-payload: false"


def test_copilot_byok_variables():
    env = run_env(ORG, "tok", "C:\\Tools\\copilot.cmd")
    assert env["COPILOT_PROVIDER_BASE_URL"] == "https://ai.example.com/openai/v1"
    assert env["COPILOT_PROVIDER_TYPE"] == "openai" and env["COPILOT_PROVIDER_BEARER_TOKEN"] == "tok"


def test_custom_token_header_travels_as_a_header():
    org = replace(ORG, gateway=replace(ORG.gateway, token_header="cf-access-token", headers={}))
    env = run_env(org, "tok", "gemini")
    assert "GEMINI_API_KEY_AUTH_MECHANISM" not in env
    assert env["GEMINI_CLI_CUSTOM_HEADERS"] == "cf-access-token: tok"
    env = run_env(org, "tok", "copilot")
    assert "COPILOT_PROVIDER_BEARER_TOKEN" not in env and env["COPILOT_PROVIDER_HEADERS"] == "cf-access-token: tok"


def test_zed_model_keys():
    env = run_env(ORG, "tok", "zed")
    assert env["ANTHROPIC_API_KEY"] == env["OPENAI_API_KEY"] == "tok"
