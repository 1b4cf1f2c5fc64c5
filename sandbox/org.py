"""A whole org on this machine, for a demo or a test: OpenID provider, LLM gateway, MCP server, org profile.

    python sandbox/org.py up   --dir DIR [--foreground] [--json] [--timeout S] [--token-ttl S]
    python sandbox/org.py down --dir DIR
    python sandbox/org.py status --dir DIR [--json]

`up` starts every component on 127.0.0.1 with a port the OS picks, each as a child process, waits until
each serves, and writes DIR/org.toml (the org profile: `aistack login --org DIR/org.toml`) and
DIR/state.json (pids, ports, URLs). Without --foreground it returns and the org keeps running until
`down`; with it, it runs until Ctrl-C and then stops everything. A failure half-way stops what started.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import procs  # noqa: E402
from profile_files import gateway_config, org_profile, write_private  # noqa: E402

AUDIENCE = "urn:aistack:sandbox"
STATE = "state.json"
ORDER = ("idp", "gateway", "mcp")  # started in this order, stopped in reverse
MARKERS = {"idp": "idp.mjs", "gateway": "gateway.py", "mcp": "mcp_server.py"}


class Stop(Exception):
    """SIGTERM or SIGHUP while the launcher is in charge: leave as after Ctrl-C."""


def _raise_stop(signum, frame):
    raise Stop(signal.Signals(signum).name)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def load_state(directory: Path) -> dict | None:
    try:
        return json.loads((directory / STATE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def save_state(directory: Path, state: dict) -> None:
    tmp = directory / (STATE + ".tmp")
    tmp.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, directory / STATE)


def running(state: dict | None) -> dict[str, int]:
    """The components of `state` whose process still runs what we started."""
    found = {}
    for name, comp in (state or {}).get("components", {}).items():
        pid = comp.get("pid")
        if pid and procs.alive(pid) and procs.ours(pid, MARKERS.get(name, "")):
            found[name] = pid
    return found


def node_modules() -> Path:
    return Path(os.environ.get("SANDBOX_NODE_MODULES", HERE.parent / "tests" / "node" / "node_modules"))


def preflight() -> str:
    node = shutil.which("node")
    if not node:
        raise procs.StartError("Node.js is not on PATH; the OpenID provider needs it (Node 20 or newer).")
    if not (node_modules() / "oidc-provider").is_dir():
        raise procs.StartError(f"oidc-provider is not installed in {node_modules()}: run `npm ci --prefix tests/node`.")
    import importlib.util

    for module in ("litellm", "uvicorn", "mcp", "joserfc"):
        if importlib.util.find_spec(module) is None:
            raise procs.StartError(f"the Python module {module!r} is missing from {sys.executable}: run "
                                   f"`{sys.executable} -m pip install -e . -r sandbox/requirements.txt`.")
    return node


def up(directory: Path, timeout: float, foreground: bool, as_json: bool, token_ttl: int) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    if live := running(load_state(directory)):
        say(f"sandbox: already running in {directory} ({', '.join(f'{n} pid {p}' for n, p in live.items())}).")
        say(f"Stop it first: python {sys.argv[0]} down --dir {directory}")
        return 1
    for stale in ("org.toml", "org.json"):  # the last run's ports: never publish them again
        (directory / stale).unlink(missing_ok=True)
    started = time.monotonic()
    deadline = started + timeout
    logs = directory / "logs"
    state: dict = {"schema": 1, "dir": str(directory.resolve()), "status": "starting", "started_at": time.time(),
                   "audience": AUDIENCE, "components": {}}
    children: dict[str, object] = {}
    old = {s: signal.signal(s, _raise_stop) for s in (signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM))}
    try:
        node = preflight()
        # SANDBOX_DIR marks every process of this sandbox (a test finds any left over by it).
        env = dict(os.environ, SANDBOX_NODE_MODULES=str(node_modules()), SANDBOX_DIR=str(directory.resolve()),
                   PYTHONUNBUFFERED="1")

        def start(name: str, argv: list[str], extra: dict[str, str]) -> None:
            proc = procs.spawn(name, argv, logs, dict(env, **extra))
            children[name] = proc
            state["components"][name] = {"pid": proc.pid, "log": str(logs / f"{name}.log")}
            save_state(directory, state)  # at once: `down` can clean up even if this launcher is killed

        start("idp", [node, str(HERE / "idp.mjs"), json.dumps({"resource": AUDIENCE, "accessTokenTTL": token_ttl})], {})
        idp_port = procs.announced_port("idp", children["idp"], logs, deadline)
        issuer = f"http://127.0.0.1:{idp_port}"
        state["components"]["idp"].update(port=idp_port, url=issuer)
        shared = {"SANDBOX_ISSUER": issuer, "SANDBOX_AUDIENCE": AUDIENCE}

        config = directory / "gateway.yaml"
        write_private(config, gateway_config(master_key="sk-sandbox-" + secrets.token_hex(24)))
        start("gateway", [procs.python(), str(HERE / "gateway.py")], dict(
            shared, SANDBOX_CONFIG=str(config), SANDBOX_USAGE_DB=str(directory / "usage.sqlite"),
            SANDBOX_PROFILE_JSON=str(directory / "org.json")))
        start("mcp", [procs.python(), str(HERE / "mcp_server.py")], shared)

        procs.wait_ready("idp", children["idp"], f"{issuer}/.well-known/openid-configuration", logs, deadline)
        mcp_port = procs.announced_port("mcp", children["mcp"], logs, deadline)
        mcp_url = f"http://127.0.0.1:{mcp_port}/mcp"
        state["components"]["mcp"].update(port=mcp_port, url=mcp_url)
        procs.wait_ready("mcp", children["mcp"], f"http://127.0.0.1:{mcp_port}/.well-known/oauth-protected-resource/mcp",
                         logs, deadline)
        gw_port = procs.announced_port("gateway", children["gateway"], logs, deadline)
        gateway = f"http://127.0.0.1:{gw_port}"
        state["components"]["gateway"].update(port=gw_port, url=gateway, usage_url=f"{gateway}/usage")
        save_state(directory, state)
        procs.wait_ready("gateway", children["gateway"], f"{gateway}/health/liveliness", logs, deadline)

        toml_text, as_dict = org_profile(issuer=issuer, gateway=gateway, mcp_url=mcp_url)
        (directory / "org.toml").write_text(toml_text, encoding="utf-8")
        (directory / "org.json").write_text(json.dumps(as_dict, indent=2) + "\n", encoding="utf-8")
        state.update(status="ready", ready_seconds=round(time.monotonic() - started, 2),
                     org_profile=str((directory / "org.toml").resolve()), org_url=gateway, issuer=issuer)
        save_state(directory, state)
    except (procs.StartError, KeyboardInterrupt, Stop) as e:
        stop_all(state, directory)
        if isinstance(e, procs.StartError):
            say(f"sandbox: {e}")
            say(f"Nothing is left running; the logs are in {logs}.")
            return 1
        say("sandbox: interrupted; nothing is left running.")
        return 130
    except BaseException:
        stop_all(state, directory)
        raise
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)

    report(state, as_json)
    if not foreground:
        say(f"Stop it with: python {sys.argv[0]} down --dir {directory}")
        return 0
    return watch(state, directory, children)


def watch(state: dict, directory: Path, children: dict) -> int:
    """--foreground: run until Ctrl-C (or SIGTERM/SIGHUP) or until a component dies, then stop everything."""
    say("Press Ctrl-C to stop.")
    for s in (signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM)):
        signal.signal(s, _raise_stop)
    code = 0
    try:
        while True:
            for name, proc in children.items():
                if proc.poll() is not None:  # type: ignore[attr-defined]
                    say(f"sandbox: {name} exited with code {proc.returncode}:\n"  # type: ignore[attr-defined]
                        f"{procs.tail(Path(state['components'][name]['log']))}")
                    code = 1
                    raise Stop(name)
            time.sleep(0.5)
    except (KeyboardInterrupt, Stop):
        pass
    stop_all(state, directory)
    say("sandbox: stopped.")
    return code


def stop_all(state: dict, directory: Path) -> list[str]:
    stopped = []
    components = state.get("components", {})
    for name in reversed(ORDER):
        pid = components.get(name, {}).get("pid")
        if pid and procs.alive(pid) and procs.ours(pid, MARKERS[name]):
            procs.stop(pid)
            stopped.append(name)
    try:
        (directory / STATE).unlink()
    except FileNotFoundError:
        pass
    return stopped


def down(directory: Path) -> int:
    state = load_state(directory)
    if state is None:
        say(f"sandbox: nothing running in {directory} (no {STATE}).")
        return 0
    stopped = stop_all(state, directory)
    left = [n for n, c in state.get("components", {}).items() if c.get("pid") and procs.alive(c["pid"])
            and procs.ours(c["pid"], MARKERS.get(n, ""))]
    if left:
        say(f"sandbox: could not stop {', '.join(left)}.")
        return 1
    say(f"sandbox: stopped {', '.join(stopped) or 'nothing (it had already stopped)'}.")
    return 0


def status(directory: Path, as_json: bool) -> int:
    state = load_state(directory)
    live = running(state)
    if as_json:
        print(json.dumps({"running": sorted(live), "state": state}, indent=2))
    elif state is None:
        say(f"sandbox: nothing running in {directory}.")
    else:
        report(state, False)
    return 0 if state and len(live) == len(ORDER) else 1


def report(state: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(state, indent=2))
        return
    c = state["components"]
    print(f"org profile   {state.get('org_profile', '(not written)')}")
    print(f"OpenID        {c['idp'].get('url')}   (demo@example.com; device codes approve themselves)")
    print(f"gateway       {c['gateway'].get('url')}   (usage: {c['gateway'].get('usage_url')})")
    print(f"MCP server    {c['mcp'].get('url')}   (handbook; needs the IdP token)")
    if "ready_seconds" in state:
        say(f"sandbox: ready in {state['ready_seconds']} s.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sandbox/org.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("up", "down", "status"):
        p = sub.add_parser(name)
        p.add_argument("--dir", required=True, type=Path, help="where org.toml, state.json, logs and usage live")
        if name != "down":
            p.add_argument("--json", action="store_true", help="print the state as JSON on stdout")
    sub.choices["up"].add_argument("--foreground", action="store_true", help="run until Ctrl-C, then stop everything")
    sub.choices["up"].add_argument("--timeout", type=float, default=240.0, help="seconds to wait for every component")
    sub.choices["up"].add_argument("--token-ttl", type=int, default=900, metavar="S",
                                   help="lifetime of access tokens in seconds (short ones exercise refresh)")
    args = parser.parse_args(argv)
    if args.command == "up":
        if args.token_ttl < 1:
            parser.error("--token-ttl must be at least 1 second")
        return up(args.dir, args.timeout, args.foreground, args.json, args.token_ttl)
    if args.command == "down":
        return down(args.dir)
    return status(args.dir, args.json)


if __name__ == "__main__":
    sys.exit(main())
