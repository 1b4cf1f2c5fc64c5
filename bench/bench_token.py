"""`aistack token` with a cached valid token, as a ratio to the bare interpreter of the same venv.

Goal: <= 2.5x. Assistants call `aistack token` on every session and every MCP connection.
Runs both commands alternately in one process and compares medians. Usage: python bench/bench_token.py [N]
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from aistack.auth.fast import session_name

ISSUER, CLIENT = "https://login.example.com", "aistack-cli"


def prepare(root: Path) -> dict[str, str]:
    env = dict(os.environ, AISTACK_CONFIG_DIR=str(root / "config"), AISTACK_DATA_DIR=str(root / "data"),
               AISTACK_CACHE_DIR=str(root / "cache"), HOME=str(root))
    env.pop("AISTACK_TOKEN", None)
    profile = {"schema": 1, "org": {"name": "Bench"}, "auth": {"issuer": ISSUER, "client_id": CLIENT},
               "gateway": {"url": "https://ai.example.com", "headers": {"x-static": "1"}}}
    (root / "config").mkdir()
    (root / "config" / "org.json").write_text(json.dumps({"source": "https://example.com/.well-known/aistack",
                                                          "profile": profile}))
    session = {"version": 1, "issuer": ISSUER, "client_id": CLIENT, "storage": "keyring",
               "access_token": "eyJ" + "x" * 800, "expires_at": time.time() + 3600}
    (root / "data" / "auth").mkdir(parents=True)
    (root / "data" / "auth" / session_name(ISSUER, CLIENT)).write_text(json.dumps(session))
    return env


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()}")
    return elapsed


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    script = shutil.which("aistack", path=str(Path(sys.executable).parent))
    if script is None:
        raise SystemExit("no `aistack` script beside this interpreter: pip install -e . in this venv first")
    # An installed package has its bytecode compiled; a checkout under PYTHONDONTWRITEBYTECODE would not.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(__file__).resolve().parent.parent / "src")],
                   check=True)
    root = Path(tempfile.mkdtemp(prefix="aistack-bench-"))
    try:
        env = prepare(root)
        token_cmd, bare_cmd = [script, "token"], [sys.executable, "-c", "pass"]
        headers_cmd = [script, "token", "--headers-json"]
        for cmd in (token_cmd, bare_cmd, headers_cmd):
            timed(cmd, env)  # warm the page cache
        token, bare, headers = [], [], []
        for _ in range(runs):
            bare.append(timed(bare_cmd, env))
            token.append(timed(token_cmd, env))
            headers.append(timed(headers_cmd, env))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    b, t, h = (statistics.median(x) * 1000 for x in (bare, token, headers))
    print(f"bare interpreter:            {b:6.1f} ms (median of {runs})")
    print(f"aistack token (cached):      {t:6.1f} ms  ratio {t / b:.2f}x  (goal <= 2.5x)")
    print(f"aistack token --headers-json:{h:6.1f} ms  ratio {h / b:.2f}x")


if __name__ == "__main__":
    main()
