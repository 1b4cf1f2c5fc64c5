"""`aistack run CMD`: the environment an assistant started that way gets. A stand-in `gemini` on PATH prints what it
was given (the real one would call the gateway); the relay it names is a real one."""

from __future__ import annotations

import os
import subprocess
import sys

from support import EXAMPLE_ORG, subprocess_env
from support.relay import running_relay


def fake(tmp_path, name: str) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / name
    script.write_text('#!/bin/sh\necho "$GOOGLE_GEMINI_BASE_URL|$GEMINI_API_KEY|$AISTACK_TOKEN|$AISTACK_TOKEN_FROM_RUN'
                      '|$COPILOT_PROVIDER_API_KEY_COMMAND"\nexit 3\n')
    script.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def run(*argv: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aistack", "run", "--org", str(EXAMPLE_ORG), *argv],
                          env=subprocess_env(**env), capture_output=True, text=True, timeout=60)


def test_gemini_is_started_with_the_relay_as_its_gateway(tmp_path):
    with running_relay(tmp_path / "relay.log") as relay:
        done = run("gemini", "-p", "hi", AISTACK_TOKEN="ci-token", **fake(tmp_path, "gemini"))
    assert done.returncode == 3, done.stderr
    base, key, token, mark, _ = done.stdout.strip().split("|")
    assert base == f"{relay}/gw/google" and key == "aistack-adds-the-real-token"
    assert (token, mark) == ("ci-token", "")  # CI's token: passed on as it is, not marked as a snapshot


def test_copilot_gets_a_key_command_and_no_key(tmp_path):
    with running_relay(tmp_path / "relay.log"):
        done = run("copilot", AISTACK_TOKEN="ci-token", **fake(tmp_path, "copilot"))
    assert done.stdout.strip().split("|")[-1].endswith(" token")
