"""The sandbox org's costs, measured in one run: time for `up` to be ready, memory of each component,
time of one gateway request (non-streamed /v1/messages), and of `down`.

Goals: ready in <= 60 s on 2 busy cores; one gateway request <= 0.25 s (median); LiteLLM <= 600 MB RSS.
Run: .venv/bin/python bench/bench_sandbox.py [--requests N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
ORG = REPO / "sandbox" / "org.py"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def token(issuer: str) -> str:
    meta = httpx.get(f"{issuer}/.well-known/openid-configuration").json()
    code = httpx.post(meta["device_authorization_endpoint"], data={"client_id": "aistack-cli", "scope": "openid"})
    return httpx.post(meta["token_endpoint"], data={
        "client_id": "aistack-cli", "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "device_code": code.json()["device_code"]}).json()["access_token"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        up = subprocess.run([sys.executable, str(ORG), "up", "--dir", tmp, "--json"], capture_output=True, text=True)
        ready = time.perf_counter() - start
        if up.returncode:
            print(up.stderr, file=sys.stderr)
            return 1
        state = json.loads(up.stdout)
        try:
            gateway, bearer = state["components"]["gateway"]["url"], token(state["issuer"])
            body = {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}
            times = []
            with httpx.Client(headers={"x-api-key": bearer}, timeout=60) as client:
                for _ in range(args.requests + 1):
                    t = time.perf_counter()
                    client.post(f"{gateway}/v1/messages", json=body).raise_for_status()
                    times.append(time.perf_counter() - t)
            print(f"up ready:           {ready:6.1f} s")
            for name, comp in state["components"].items():
                print(f"rss {name:<15} {rss_mb(comp['pid']):6.0f} MB")
            print(f"first request:      {times[0] * 1000:6.0f} ms")
            print(f"request (median):   {statistics.median(times[1:]) * 1000:6.0f} ms over {args.requests}")
        finally:
            t = time.perf_counter()
            subprocess.run([sys.executable, str(ORG), "down", "--dir", tmp], capture_output=True)
            print(f"down:               {time.perf_counter() - t:6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
