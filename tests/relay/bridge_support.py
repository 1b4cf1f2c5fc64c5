"""Shared by the bridge tests: an org profile for the test server, and two ways to drive the bridge."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import anyio
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from support import REPO, subprocess_env

TOKEN = "at-" + "7" * 40  # what the IdP would hand out; must never appear on the bridge's stdout/stderr
TIMEOUT = 30


def write_profile(path: Path, servers: str) -> Path:
    path.write_text(f'schema = 1\n[org]\nname = "Test Org"\n{servers}', encoding="utf-8")
    return path


def remote_entry(name: str, url: str, transport: str = "http", auth: str = "token") -> str:
    return (f'[[mcp_servers]]\nname = "{name}"\nurl = "{url}"\ntransport = "{transport}"\nauth = "{auth}"\n'
            f'headers = {{ x-team = "platform" }}\n')


def bridge_params(profile: Path, name: str, **env: str) -> StdioServerParameters:
    full = subprocess_env(**env)
    return StdioServerParameters(command=sys.executable, args=["-m", "aistack", "mcp-bridge", name,
                                                               "--org", str(profile)], env=full, cwd=str(REPO))


INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                         "clientInfo": {"name": "raw-test", "version": "1"}}}


def run_raw(profile: Path, name: str, *, send_initialize: bool = True, **env: str) -> tuple[int, list[dict], str]:
    """Start the bridge like an assistant does, send initialize, keep stdin open and wait for it to exit.

    Returns (exit code, the JSON-RPC messages on stdout, stderr). A bridge that does not exit by
    itself fails the test by timeout.
    """
    cmd = [sys.executable, "-m", "aistack", "mcp-bridge", name, "--org", str(profile)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=subprocess_env(**env), cwd=str(REPO))
    try:
        if send_initialize:
            proc.stdin.write(json.dumps(INITIALIZE) + "\n")
            proc.stdin.flush()
        code = proc.wait(timeout=TIMEOUT)
        out, err = proc.stdout.read(), proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            try:
                stream.close()
            except BrokenPipeError:
                pass
    messages = [json.loads(line) for line in out.splitlines() if line.strip()]  # nothing but JSON on stdout
    return code, messages, err


async def call_whoami(params: StdioServerParameters):
    async with stdio_client(params, errlog=sys.stderr) as (read, write):
        async with ClientSession(read, write) as session:
            with anyio.fail_after(TIMEOUT):
                await session.initialize()
                return await session.call_tool("whoami", {"text": "x"})
