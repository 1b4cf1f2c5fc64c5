"""What `aistack relay` costs the traffic it carries, measured in one run against a loopback upstream (uvicorn).

- latency: keep-alive POSTs of a small JSON body, direct and through the relay: median and p99, and what the
  relay adds. Goals: at most 5 ms added at the median, 20 ms at p99 (a model answer takes seconds).
- first byte of a stream whose upstream pauses after its first event, through the relay: within 5 ms of direct
  (nothing is buffered).
- throughput of a long streamed response (64 MiB in 16 KiB chunks): through the relay at least 0.3x direct (one
  more copy in Python; a model streams kilobytes per second).
- memory: the relay's resident set after start and after the load (what stays running). Goal: under 90 MB.
The relay gets its token from AISTACK_TOKEN here, so the figures are the forwarding alone (a token fetch happens
once per token lifetime; bench_token.py measures `aistack token`).
Run: .venv/bin/python bench/bench_relay.py [--requests N] [--mib N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
TOKEN = "bench-token"
CHUNK = b"data: " + b"x" * (16 * 1024 - 8) + b"\n\n"


async def upstream_app(scope, receive, send):
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    path = scope["path"]
    if path.endswith("/stream"):
        total = int(dict(p.split("=") for p in scope["query_string"].decode().split("&") if p).get("bytes", 0))
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/event-stream")]})
        if "pause=1" in scope["query_string"].decode():
            await send({"type": "http.response.body", "body": CHUNK[:64], "more_body": True})
            await asyncio.sleep(0.2)
        sent = 0
        while sent < total:
            await send({"type": "http.response.body", "body": CHUNK, "more_body": True})
            sent += len(CHUNK)
        await send({"type": "http.response.body", "body": b""})
        return
    body = b'{"id":"x","choices":[{"message":{"content":"ok"}}]}'
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_upstream(port: int):
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(upstream_app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return server


def start_relay(tmp: Path, upstream: str, port: int) -> subprocess.Popen:
    profile = tmp / "org.toml"
    profile.write_text(f'schema = 1\n[org]\nname = "Bench Org"\n[gateway]\nurl = "{upstream}"\n')
    env = dict(os.environ, HOME=str(tmp), AISTACK_CONFIG_DIR=str(tmp / "config"), AISTACK_DATA_DIR=str(tmp / "data"),
               AISTACK_CACHE_DIR=str(tmp / "cache"), PYTHONPATH=str(REPO / "src"), AISTACK_TOKEN=TOKEN)
    env.pop("AISTACK_TOKEN_FROM_RUN", None)
    subprocess.run([sys.executable, "-c", f"from aistack.paths import Env; from aistack.profile import resolve; "
                    f"resolve({str(profile)!r}, Env.current())"], env=env, check=True)  # remembered, as setup does
    proc = subprocess.Popen([sys.executable, "-m", "aistack", "relay", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/aistack/relay", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the relay did not start")


def latencies(url: str, n: int) -> list[float]:
    times = []
    payload = {"model": "m", "messages": [{"role": "user", "content": "hello " * 50}]}
    with httpx.Client(timeout=30) as client:
        for _ in range(20):
            client.post(url, json=payload)
        for _ in range(n):
            start = time.perf_counter()
            client.post(url, json=payload).raise_for_status()
            times.append((time.perf_counter() - start) * 1000)
    return times


def p99(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.99) - 1)]


def first_bytes(url: str, n: int = 5) -> float:
    """Median time to the first event of a stream whose upstream then pauses (a buffering relay would wait)."""
    times = []
    with httpx.Client(timeout=30) as client:
        client.get(url.replace("pause=1", "pause=0"))  # the connection, opened
        for _ in range(n):
            start = time.perf_counter()
            with client.stream("GET", url) as response:
                chunks = response.iter_raw()
                next(chunks)
                times.append((time.perf_counter() - start) * 1000)
                for _ in chunks:
                    pass
    return statistics.median(times)


def throughput(url: str) -> float:
    start = time.perf_counter()
    total = 0
    with httpx.stream("GET", url, timeout=120) as response:
        for chunk in response.iter_raw():
            total += len(chunk)
    return total / (1024 * 1024) / (time.perf_counter() - start)


def rss_mb(pid: int) -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--mib", type=int, default=64)
    args = parser.parse_args()
    up_port, relay_port = free_port(), free_port()
    start_upstream(up_port)
    direct_base, relay_base = f"http://127.0.0.1:{up_port}", f"http://127.0.0.1:{relay_port}/gw/openai"
    with tempfile.TemporaryDirectory() as tmp:
        relay = start_relay(Path(tmp), direct_base, relay_port)
        try:
            idle, _ = rss_mb(relay.pid)
            direct = latencies(f"{direct_base}/v1/chat/completions", args.requests)
            relayed = latencies(f"{relay_base}/v1/chat/completions", args.requests)
            ttfb_direct, ttfb_relay = (first_bytes(f"{base}/v1/stream?bytes=0&pause=1")
                                       for base in (direct_base, relay_base))
            streamed = f"/v1/stream?bytes={args.mib * 1024 * 1024}"
            mbps_direct, mbps_relay = throughput(direct_base + streamed), throughput(relay_base + streamed)
            after, peak = rss_mb(relay.pid)
        finally:
            relay.terminate()
            relay.wait(10)
    med_d, med_r, p99_d, p99_r = (statistics.median(direct), statistics.median(relayed), p99(direct), p99(relayed))
    rows = [
        ("latency, median (ms)", med_d, med_r, med_r - med_d, "<= 5 ms added", med_r - med_d <= 5),
        ("latency, p99 (ms)", p99_d, p99_r, p99_r - p99_d, "<= 20 ms added", p99_r - p99_d <= 20),
        ("first byte of a paused stream (ms)", ttfb_direct, ttfb_relay, ttfb_relay - ttfb_direct, "<= 5 ms added",
         ttfb_relay - ttfb_direct <= 5),
        (f"throughput, {args.mib} MiB stream (MiB/s)", mbps_direct, mbps_relay, mbps_relay / mbps_direct,
         ">= 0.3x direct", mbps_relay / mbps_direct >= 0.3),
        ("relay memory: idle / after / peak (MB)", idle, after, peak, "< 90 MB", peak < 90),
    ]
    print(f"{'':38} {'direct':>10} {'relay':>10} {'diff':>9}  goal")
    for label, a, b, d, goal, ok in rows:
        print(f"{label:38} {a:10.2f} {b:10.2f} {d:9.2f}  {goal} {'ok' if ok else 'MISSED'}")
    print(json.dumps({"requests": args.requests, "median_added_ms": round(med_r - med_d, 2),
                      "p99_added_ms": round(p99_r - p99_d, 2), "throughput_ratio": round(mbps_relay / mbps_direct, 2),
                      "rss_peak_mb": round(peak, 1)}))
    return 0 if all(r[-1] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
