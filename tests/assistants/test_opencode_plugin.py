"""The plugin aistack writes for OpenCode and Kilo Code, run by Node as OpenCode loads it: its `chat.headers` hook
puts the headers `aistack token --headers-json` prints on a request to the gateway, and nothing on a request to a
provider the user routes elsewhere. A stand-in `aistack` prints the headers (or fails as with a gone login)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from aistack.assistants.base import Context
from aistack.assistants.opencode import plugin_source
from aistack.paths import Env

GATEWAY = {"anthropic": "https://ai.example.com/anthropic/v1", "openai": "https://ai.example.com/openai/v1"}
HOOK = """
const { AistackToken } = await import(process.argv[1])
const hooks = await AistackToken()
const output = { headers: { "x-api-key": "placeholder" } }
try {
  await hooks["chat.headers"](JSON.parse(process.argv[2]), output)
  console.log(JSON.stringify(output.headers))
} catch (e) {
  console.log(JSON.stringify({ error: e.message }))
}
"""


@pytest.fixture
def run_hook(tmp_path):
    if not shutil.which("node"):
        pytest.skip("node is not on PATH")

    def run(provider: str, base: str, fails: bool = False) -> dict:
        fake = tmp_path / "aistack"
        body = ('echo "aistack: login expired: run \\`aistack login\\`" >&2; exit 4' if fails else
                'echo \'{"Authorization": "Bearer tok-1", "cf-aig-collect-log-payload": "false"}\'')
        fake.write_text(f"#!/bin/sh\n[ \"$1 $2\" = \"token --headers-json\" ] || exit 9\n{body}\n")
        fake.chmod(0o755)
        plugin = tmp_path / "aistack.mjs"
        plugin.write_text(plugin_source(Context(env=Env(home=tmp_path), aistack=str(fake)), GATEWAY))
        request = {"provider": {"id": provider, "options": {"baseURL": base}}, "model": {"providerID": provider}}
        done = subprocess.run(["node", "--input-type=module", "-e", HOOK, str(plugin), json.dumps(request)],
                              capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run


def test_a_request_to_the_gateway_gets_fresh_headers(run_hook):
    assert run_hook("openai", "https://ai.example.com/openai/v1/") == {
        "x-api-key": "placeholder", "authorization": "Bearer tok-1", "cf-aig-collect-log-payload": "false"}
    # Anthropic's SDK sends its key as x-api-key: that one is the fresh token too.
    assert run_hook("anthropic", "https://ai.example.com/anthropic/v1")["x-api-key"] == "tok-1"


def test_a_provider_routed_elsewhere_gets_nothing(run_hook):
    assert run_hook("anthropic", "https://api.anthropic.com/v1") == {"x-api-key": "placeholder"}
    assert run_hook("mistral", "https://ai.example.com/openai/v1") == {"x-api-key": "placeholder"}


def test_a_gone_login_fails_the_request_with_aistacks_message(run_hook):
    assert "run `aistack login`" in run_hook("openai", "https://ai.example.com/openai/v1", fails=True)["error"]
