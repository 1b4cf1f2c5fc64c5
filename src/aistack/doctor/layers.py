"""Each set-up assistant's effective configuration, by layer: where each MCP server and gateway setting comes from
(managed: the admin-owned files on this machine; project: the current directory's file; user: the user's file),
and what the managed layer blocks or a higher layer shadows. What blocks what is the adapter's `managed_verdict`;
reading the managed files is configure's `managed_layer`, the same reading setup does. Nothing here uses the
network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aistack.doctor.model import OK, WARN, Result, State, one_line

PRECEDENCE = ("managed", "project", "user")  # highest first: a same-name server in a higher layer wins


def _servers(value) -> dict:
    if isinstance(value, list):  # a list of named entries
        return {v["name"]: v for v in value if isinstance(v, dict) and isinstance(v.get("name"), str)}
    return value if isinstance(value, dict) else {}


def _read(path, fmt: str):
    from aistack.engine.document import ParseError, read

    try:
        return read(Path(path), fmt)[1], None
    except ParseError as e:
        return None, f"{path}:{e.line}:{e.column}: {e.message}"
    except Exception as e:
        return None, f"{path}: {getattr(e, 'message', None) or e}"


def _project_files(adapter, cwd: Path) -> dict[str, Path]:
    found = {}
    for key, rel in adapter.PROJECT.items():
        for candidate in (rel,) if isinstance(rel, str) else rel:
            if (cwd / candidate).is_file():
                found[key] = cwd / candidate
                break
    return found


def effective(name: str, env, profile, cwd: Path | None = None) -> dict:
    """The layers of one assistant: its managed files, every MCP server with its layer and state, and the gateway
    settings aistack writes with the layer each is taken from."""
    from aistack.assistants import registry
    from aistack.configure import managed_layer
    from aistack.relay import local

    adapter = registry.get(name)
    docs, paths, warnings = managed_layer(adapter, env)
    files = []
    for managed in adapter.MANAGED:
        where = env.managed(managed.paths, managed.override)
        state = "present" if managed.key in docs else "absent"
        error = next((w for w in warnings if where is not None and w.startswith(str(where))), None)
        status = ("ignored" if "skips this file" in error else "unreadable") if error else state
        files.append({"key": managed.key, "path": str(where) if where else None, "status": status,
                      **({"error": error} if error else {})})
    entries: list[dict] = []
    org_servers = {s.name for s in profile.mcp_servers} if profile else set()
    # The managed layer's own servers (Claude Code's managed-mcp.json, Gemini CLI's system settings).
    for key, doc in docs.items():
        for server in _servers(doc.get("mcpServers") if isinstance(doc, dict) else None):
            entries.append({"server": server, "layer": "managed", "file": paths[key], "state": "active"})
    user_files = adapter.files(env)
    layers = [("project", key, path) for key, path in _project_files(adapter, cwd or Path.cwd()).items()]
    layers += [("user", key, Path(cfg.path)) for key, cfg in user_files.items() if not cfg.former]
    problems = list(warnings)
    for layer, key, path in layers:
        if key not in adapter.SERVERS or not path.is_file():
            continue
        doc, error = _read(path, user_files[key].fmt)
        if error:
            problems.append(error)
            continue
        for server, entry in _servers(doc.get(adapter.SERVERS[key])).items():
            row = {"server": server, "layer": layer, "file": str(path), "state": "active",
                   "org": server in org_servers}
            higher = next((e for e in entries if e["server"] == server and e["state"] == "active"
                           and PRECEDENCE.index(e["layer"]) < PRECEDENCE.index(layer)), None)
            why = adapter.managed_verdict(docs, server, entry) if docs else None
            if why:
                row.update(state="blocked", why=why)
            elif higher:
                row.update(state="shadowed", why=f"the {higher['layer']} layer's `{server}` ({higher['file']}) wins")
            entries.append(row)
    gateway = []
    if profile is not None and profile.gateway is not None:
        plan = adapter.plan(profile, local.context(env))
        from aistack.engine.document import MISSING, show_path

        for edit in (e for e in plan.edits if e.soft):
            shadowed: list[str] = []
            setting: dict[str, Any] = {"setting": show_path(edit.path), "layer": None, "file": None,
                                       "shadowed": shadowed}
            for key, doc in docs.items():  # the managed layer's files share the user's keys where they override
                if isinstance(doc, dict) and _get(doc, edit.path) is not MISSING:
                    setting.update(layer="managed", file=paths[key])
                    break
            cfg = user_files.get(edit.file)
            if cfg is not None and Path(cfg.path).is_file():
                doc, _ = _read(cfg.path, cfg.fmt)
                if doc is not None and doc.get(edit.path) is not MISSING:
                    if setting["layer"]:
                        shadowed.append(str(cfg.path))
                    else:
                        setting.update(layer="user", file=str(cfg.path))
            gateway.append(setting)
    return {"managed_files": files, "servers": entries, "gateway": gateway, "problems": problems}


def _get(doc: dict, path):
    from aistack.engine.document import MISSING

    value = doc
    for part in path:
        if not isinstance(value, dict) or not isinstance(part, str) or part not in value:
            return MISSING
        value = value[part]
    return value


def check_layers(name: str, state: State) -> Result:
    """One assistant's layers: ok when the managed layer blocks and shadows nothing aistack or the user wrote."""
    from aistack.assistants import registry

    title = registry.get(name).TITLE
    data = effective(name, state.env, state.profile)
    present = [f["path"] for f in data["managed_files"] if f["status"] == "present"]
    dead = [s for s in data["servers"] if s["state"] != "active"]
    shadowed = [g for g in data["gateway"] if g["shadowed"]]
    parts = [f"managed layer: {', '.join(present) if present else 'none on this machine'}"]
    for s in dead:
        parts.append(f"`{s['server']}` ({s['layer']}) {s['state']}: {s['why']}")
    for g in shadowed:
        parts.append(f"{g['setting']}: the managed layer's ({g['file']}) shadows {', '.join(g['shadowed'])}")
    parts += data["problems"]
    result = Result(f"layers:{name}", f"{title} layers", WARN if dead or shadowed or data["problems"] else OK,
                    one_line("; ".join(parts)),
                    "Ask your platform team to allow the blocked servers (the org profile's [policy]), or remove "
                    "the ones you do not need." if dead or shadowed or data["problems"] else "")
    result.data = data
    return result
