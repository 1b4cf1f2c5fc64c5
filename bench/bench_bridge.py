"""What `aistack mcp-bridge` costs an assistant, as ratios measured in one run against a local SDK server.

- per-call: `tools/call` through the bridge (stdio -> bridge -> streamable HTTP) over the same call made
  directly on streamable HTTP. Goal <= 3x: the bridge adds one local hop and one re-validation.
- start-up: spawn to answered `initialize` through the bridge (profile, token, remote handshake), over
  the same for a bare SDK stdio server. Goal <= 1.5x: importing the SDK dominates both, and a GUI
  assistant pays it once per session.
Run: .venv/bin/python bench/bench_bridge.py [--calls N] [--starts N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import anyio
import httpx2
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from peers import mcp_server as org_mcp  # noqa: E402  (the org's MCP server, as the tests run it)

TOKEN = "bench-token"
BARE_SERVER = """
import anyio
from mcp.server.lowlevel.server import Server
from mcp.server.stdio import stdio_server

async def main():
    server = Server("bare")
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())

anyio.run(main)
"""


async def timed_calls(session: ClientSession, calls: int) -> float:
    await session.call_tool("whoami", {"text": "warm-up"})
    times = []
    for i in range(calls):
        start = time.perf_counter()
        await session.call_tool("whoami", {"text": str(i)})
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def direct(url: str, calls: int) -> float:
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        async with streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return await timed_calls(session, calls)


async def bridged(params: StdioServerParameters, calls: int) -> tuple[float, float]:
    start = time.perf_counter()
    async with stdio_client(params, errlog=open(os.devnull, "w")) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            startup = time.perf_counter() - start
            return startup, await timed_calls(session, calls) if calls else 0.0


async def started(params: StdioServerParameters) -> float:
    start = time.perf_counter()
    async with stdio_client(params, errlog=open(os.devnull, "w")) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--starts", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, org_mcp.start(tokens={TOKEN}) as remote:
        profile = Path(tmp) / "org.toml"
        profile.write_text(f'schema = 1\n[org]\nname = "Bench"\n[[mcp_servers]]\nname = "docs"\n'
                           f'url = "{remote.http_url}"\nauth = "token"\n', encoding="utf-8")
        env = dict(os.environ, HOME=tmp, AISTACK_CONFIG_DIR=f"{tmp}/cfg", AISTACK_DATA_DIR=f"{tmp}/data",
                   AISTACK_CACHE_DIR=f"{tmp}/cache", PYTHONPATH=str(REPO / "src"), AISTACK_TOKEN=TOKEN)
        params = StdioServerParameters(command=sys.executable, args=["-m", "aistack", "mcp-bridge", "docs",
                                                                     "--org", str(profile)], env=env)
        bare_params = StdioServerParameters(command=sys.executable, args=["-c", BARE_SERVER], env=env)
        direct_call = anyio.run(direct, remote.http_url, args.calls)
        _, bridged_call = anyio.run(bridged, params, args.calls)
        # start-ups alternate so that a busy machine slows both alike; the faster half of each counts
        starts = {"bare": [], "bridge": []}
        for _ in range(args.starts):
            starts["bare"].append(anyio.run(started, bare_params))
            starts["bridge"].append(anyio.run(started, params))
        bare, startup = (statistics.median(sorted(v)[: max(1, len(v) // 2)]) for v in starts.values())
    call_ratio, start_ratio = bridged_call / direct_call, startup / bare
    print(f"tools/call direct {direct_call * 1000:.2f} ms, bridged {bridged_call * 1000:.2f} ms: "
          f"{call_ratio:.2f}x (goal <= 3x) {'ok' if call_ratio <= 3 else 'OVER GOAL'}")
    print(f"start-up to initialize: bridge {startup * 1000:.0f} ms, bare SDK stdio server {bare * 1000:.0f} ms: "
          f"{start_ratio:.2f}x (goal <= 1.5x) {'ok' if start_ratio <= 1.5 else 'OVER GOAL'}")
    return 0 if call_ratio <= 3 and start_ratio <= 1.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
