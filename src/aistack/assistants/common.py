"""Entry builders shared by adapters: borrowed by calling, not by inheritance."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from aistack.assistants.base import Context, Plan
from aistack.engine.document import Path
from aistack.paths import Env
from aistack.profile import McpServer, Profile

# Batch shims that Windows clients cannot start without a shell (clients.md §5.6).
WINDOWS_SHIMS = {"npx", "pnpx", "yarn", "bunx", "pnpm", "npm", "uvx"}


def stdio_command(server: McpServer, ctx: Context, gui: bool = False) -> tuple[str, list[str]]:
    """The command and args for a stdio server: absolute for GUI apps, Windows batch shims wrapped as `cmd /c`,
    and run through `aistack run --` when the server needs a fresh token."""
    command, args = server.command, list(server.args)
    assert command is not None  # the profile gives every stdio server a command
    if gui:
        command = gui_command(command, ctx)
    if ctx.env.windows and command_stem(command) in WINDOWS_SHIMS:
        command, args = "cmd", ["/c", command, *args]
    if server.auth == "token":
        command, args = ctx.aistack, ["run", "--", command, *args]
    return command, args


def command_stem(command: str) -> str:
    """`C:\\Tools\\npx.cmd` -> `npx`: the name a command is known by, without its directory or extension."""
    name = command.replace("\\", "/").rsplit("/", 1)[-1].lower()
    for ext in (".cmd", ".bat", ".exe"):
        name = name.removesuffix(ext)
    return name


RELAY_KEY_NOTE = " (the aistack relay, which adds your fresh token) and any text as the key"


def relay_or_gateway(profile: Profile, ctx: Context, provider: str) -> str | None:
    """For a base URL set by hand: the relay's, which keeps working across token lifetimes, else the gateway's."""
    return ctx.relay_gateway(provider) if ctx.relay else gateway_base(profile, provider)


def gateway_base(profile: Profile, provider: str) -> str | None:
    gw = profile.gateway
    if gw is None:
        return None
    return gw.providers.get(provider) or gw.url


def on_path(env: Env, *names: str) -> bool:
    return any(env.which(n) for n in names)


def gui_command(command: str, ctx: Context) -> str:
    """GUI apps do not inherit the shell's PATH (clients.md §5.7): use the absolute path when it is known here."""
    if PurePosixPath(command).is_absolute() or PureWindowsPath(command).is_absolute():
        return command
    return ctx.env.which(command) or command


def helper_command(ctx: Context, *args: str) -> str:
    """The command line an assistant runs to get the token from aistack (Claude Code's `apiKeyHelper` and
    `headersHelper`, Codex's `http_headers_helper`), quoted for the shell that runs it: each hands the whole
    string to `sh -c` on POSIX and to `cmd.exe /c` on Windows (tests/e2e/test_helper_paths.py runs both CLIs
    with aistack installed under a directory with a space)."""
    return " ".join(shell_word(word, ctx.env.windows) for word in (ctx.aistack, *args))


# cmd.exe: inside double quotes only `"` and `%` stay special; Windows paths cannot contain `"`.
_CMD_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:\\/")


def shell_word(word: str, windows: bool) -> str:
    """One word for `sh -c` (POSIX quoting) or `cmd.exe /c` (double quotes); unchanged when nothing needs it."""
    if not windows:
        return shlex.quote(word)
    return word if word and set(word) <= _CMD_PLAIN else f'"{word}"'


def bridge_command(server: McpServer, ctx: Context) -> tuple[str, list[str]]:
    """A stdio entry that forwards to the remote server with a fresh token on every connection."""
    return ctx.aistack, ["mcp-bridge", server.name]


def through_relay(server: McpServer, ctx: Context) -> bool:
    """A token-protected streamable-HTTP server, where the user's relay can stand for it (not in a shared file)."""
    return ctx.relay is not None and server.kind == "http" and server.auth == "token"


def mcp_entry(server: McpServer, profile: Profile, ctx: Context, *, relay: bool = False, url_key: str = "url",
              types: dict[str, str] | None = None, stdio_type: str | None = None, gui: bool = False,
              header_key: tuple[str, ...] = ("headers",), remote: bool = True) -> dict[str, Any] | None:
    """The common entry shape: stdio `command`/`args`/`env`, remote `url`(`url_key`) + `headers`.

    relay: the assistant takes a plain URL for a token-protected server: a streamable-HTTP one gets the relay's URL
    (the relay adds a fresh token and the server's headers); one the relay cannot stand for (SSE, or a shared
    project file) goes through `aistack mcp-bridge`, as every token-protected remote server does without `relay`.
    types: the `type` value per transport ("http"/"sse"), or None for assistants without a `type` field; a
    transport missing from it is not supported (returns None). gui: resolve stdio commands to absolute paths.
    remote=False: the assistant takes stdio servers only, so every remote server goes through the bridge (except
    OAuth ones, which the bridge cannot sign in to).
    """
    if server.kind != "stdio" and not remote and server.auth == "oauth":
        return None
    relayed = relay and remote and through_relay(server, ctx)
    needs_bridge = server.kind != "stdio" and (server.auth == "token" and not relayed or not remote)
    if server.kind == "stdio" or needs_bridge:
        if needs_bridge:
            command, args = bridge_command(server, ctx)
        else:
            command, args = stdio_command(server, ctx, gui)
        entry: dict[str, Any] = {"type": stdio_type} if stdio_type else {}
        entry.update({"command": command, "args": args})
        if server.env and not needs_bridge:
            entry["env"] = dict(server.env)
        return entry
    if types is not None and server.kind not in types:
        return None
    entry = {"type": types[server.kind]} if types else {}
    entry[url_key] = ctx.relay_mcp(server.name) if relayed else server.url
    headers = {} if relayed else dict(server.headers)
    if headers:
        target = entry
        for key in header_key[:-1]:
            target = target.setdefault(key, {})
        target[header_key[-1]] = headers
    return entry


def add_servers(plan: Plan, profile: Profile, ctx: Context, file: str, servers_path: Path,
                build: Callable[[McpServer], dict[str, Any] | None]) -> None:
    """Add every org server through `build(server)`; a server it cannot express (None) is reported."""
    for server in profile.mcp_servers:
        entry = build(server)
        if entry is None and server.kind != "stdio" and server.auth == "oauth":
            plan.skipped.append(f"MCP server `{server.name}` signs in with OAuth, which this assistant's file cannot "
                                f"express: add {server.url} in the app itself.")
            continue
        if entry is None:
            plan.skipped.append(f"MCP server `{server.name}`: its {server.kind} transport is not supported here.")
            continue
        plan.add(file, (*servers_path, server.name), entry)


def no_managed_verdict(docs: dict[str, Any], name: str, entry: Any) -> str | None:
    """For an assistant without an admin-owned layer: nothing on the machine can block its servers."""
    return None


def no_run_env(profile: Profile, ctx: Context) -> dict[str, str]:
    """For assistants whose gateway route is in their files (or not possible): `aistack run` adds nothing."""
    return {}


def header_lines(headers: dict[str, str], sep: str) -> str:
    return sep.join(f"{k}: {v}" for k, v in headers.items())


def run_hint(command: str) -> str:
    return (f"Start it as `aistack run {command}` to route its models through the gateway: that sets the route "
            "(through the relay, or a helper command) for the whole session, with no token in any file.")


def no_managed(profile: Profile) -> dict[str, Any]:
    """For assistants without an admin-owned file layer (MANAGED = ()): nothing to render."""
    return {}


def no_admin_steps(profile: Profile) -> list[str]:
    """For an assistant whose MCP allowlist, if any, is not set in an admin dashboard."""
    return []


# A machine-wide file is shared by every user of the machine: no user's relay, aistack found on PATH.
SHARED = Context(env=Env(home=PurePosixPath("/")), aistack="aistack")


def org_servers(profile: Profile) -> list[McpServer]:
    """The org's servers its own [policy] does not deny (the profile's validation refuses those already)."""
    policy = profile.policy
    return [s for s in profile.mcp_servers if policy is None or not policy.denies(s.name, s.url, s.command)]


TELEMETRY = "telemetry"  # soft edits: left out together when the user made their own telemetry choice
# Gemini CLI's otlpProtocol: "http" is OpenTelemetry JS's OTLP/JSON exporter (exporter-*-otlp-http; qwen 0.24.4 sends
# application/json, seen in tests/e2e/test_telemetry.py), "grpc" gRPC; neither sends protobuf over HTTP.
GEMINI_PROTOCOLS = {"http/json": "http", "grpc": "grpc"}


def gemini_telemetry(plan: Plan, profile: Profile, ctx: Context, file: str, title: str) -> None:
    """Gemini CLI's `telemetry` block, which Qwen Code kept (verified in gemini 0.61.0's and qwen 0.24.4's bundles:
    target `local` or `gcp`, otlpProtocol `grpc` or `http`). Neither sends headers from its settings, so a
    collector that wants the user's token or static headers gets the relay, which adds them (OTLP/JSON over HTTP
    only); where there is no relay (a shared project file) it is skipped rather than given a secret at rest."""
    t = profile.telemetry
    if t is None:
        return
    if t.protocol not in GEMINI_PROTOCOLS:
        plan.skipped.append(f"telemetry: {title} exports OTLP as JSON over HTTP (`http/json`) or gRPC only, not "
                            f"`{t.protocol}`; nothing written.")
        return
    endpoint, protocol = t.endpoint, GEMINI_PROTOCOLS[t.protocol]
    if t.auth == "token" or t.headers:
        wants = "the user's token" if t.auth == "token" else "static headers"
        if ctx.relay is None or protocol != "http":
            plan.skipped.append(f"telemetry: {title} takes no OpenTelemetry headers from its settings, and the "
                                f"collector wants {wants}"
                                + ("; the relay forwards OTLP over HTTP, not gRPC" if ctx.relay else "")
                                + "; nothing written.")
            return
        endpoint = ctx.relay_telemetry()  # the relay adds them
    block = {"enabled": True, "target": "local", "otlpEndpoint": endpoint, "otlpProtocol": protocol,
             "logPrompts": t.log_prompts}
    for key, value in block.items():
        plan.add(file, ("telemetry", key), value, soft=TELEMETRY)
