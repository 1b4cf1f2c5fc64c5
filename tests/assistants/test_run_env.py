from dataclasses import replace

from aistack.assistants.registry import run_env
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


def test_aistack_run_sets_the_gateway_route(tmp_path, monkeypatch):
    """A stand-in `gemini` on PATH prints what it was given: the real one would call the gateway."""
    import os
    import subprocess
    import sys

    from conftest import subprocess_env

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "gemini"
    fake.write_text("#!/bin/sh\necho \"$GOOGLE_GEMINI_BASE_URL|$GEMINI_API_KEY|$AISTACK_TOKEN\"\nexit 3\n")
    fake.chmod(0o755)
    env = subprocess_env(AISTACK_TOKEN="tok-123", PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    out = subprocess.run([sys.executable, "-m", "aistack", "run", "--org", str(EXAMPLE_ORG), "gemini", "-p", "hi"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 3, out.stderr
    assert out.stdout.strip() == "https://ai.example.com/google|tok-123|tok-123"
