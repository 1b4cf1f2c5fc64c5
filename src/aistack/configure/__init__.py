"""`aistack setup`: from the org profile, through each assistant's adapter, to its files via the engine."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path as FsPath
from typing import Any

from aistack.assistants import registry
from aistack.assistants.base import Adapter, ConfigFile, Plan
from aistack.engine.apply import FileOutcome, apply_file
from aistack.engine.document import Item
from aistack.engine.editor import Change
from aistack.errors import AistackError, UsageError, debug_enabled
from aistack.paths import Env
from aistack.profile import Profile
from aistack.relay import local as relay_local


@dataclass
class AssistantResult:
    name: str
    title: str
    files: list[FileOutcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    manual: list[str] = field(default_factory=list)
    relay: bool = False  # what aistack wrote names the user's relay, so its service must run
    error: str | None = None  # the assistant could not be planned at all
    notes: list[str] = field(default_factory=list)  # what aistack did that the user should know (entries moved)
    # The admin-owned layer on this machine: servers it would block (not written), the user's own it blocks
    # (left alone), and managed files that could not be read.
    blocked: list[dict] = field(default_factory=list)
    policy: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and all(f.ok for f in self.files)

    @property
    def changed(self) -> bool:
        return any(f.status != "unchanged" for f in self.files)

    def to_json(self) -> dict:
        data = {"assistant": self.name, "ok": self.ok, "changed": self.changed,
                "files": [f.to_json() for f in self.files], "skipped": self.skipped, "manual": self.manual,
                "notes": self.notes}
        if self.blocked or self.policy:
            data["blocked"], data["policy_warnings"] = self.blocked, self.policy
        if self.error:
            data["error"] = self.error
        return data


def unexpected(e: Exception) -> str:
    """One line for an error aistack did not foresee; the traceback is for --debug."""
    detail = (str(e).strip().splitlines() or [""])[0][:200]
    return (f"unexpected error ({type(e).__name__}{': ' + detail if detail else ''}), a bug in aistack; the other "
            "assistants are not affected (`aistack --debug setup ...` shows the traceback)")


def select(names: list[str], all_: bool, env: Env, project: FsPath | None = None) -> list[str]:
    known = registry.names()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(f"unknown assistant {unknown[0]!r}.", hint="Supported: " + ", ".join(known) + ".")
    if project:
        without = [n for n in names if not registry.get(n).PROJECT]
        if without:
            raise UsageError(f"{without[0]} reads no project-level file.",
                             hint="Leave it out of --project, or set it up for your user without --project.")
    if names:
        return list(dict.fromkeys(names))
    if project:
        return [n for n in known if registry.get(n).PROJECT]
    if all_:
        return known
    seen = detection_env(env)
    return [n for n in known if registry.get(n).detect(seen)]


def detection_env(env: Env) -> Env:
    """The environment detection sees: what aistack itself made (and holds only what it wrote) is not there."""
    if not env.is_local:
        return env
    import dataclasses

    from aistack.engine import made

    return dataclasses.replace(env, hidden=made.hidden(env))


def owner_of(name: str, profile: Profile) -> str:
    return f"{name}@{profile.org_name}"


def _targets(adapter: Adapter, env: Env, project: FsPath | None) -> dict[str, ConfigFile]:
    user = adapter.files(env)
    if project is None:
        return user
    targets = {}
    for key, rel in adapter.PROJECT.items():
        candidates = (rel,) if isinstance(rel, str) else rel
        found = next((c for c in candidates if (project / c).exists()), candidates[0])
        targets[key] = replace(user[key], path=project / found)
    return targets


def run(names: list[str], profile: Profile, env: Env, *, remove: bool = False, force: bool = False,
        dry_run: bool = False, project: FsPath | None = None) -> list[AssistantResult]:
    """Apply each assistant's plan. With `project`, only MCP servers go into the repo-level files, and the
    command is the bare `aistack` (a committed file must not hold one person's paths). An unexpected error is
    that assistant's (or that file's) alone: reported, and the others still run; with --debug it is raised."""
    ctx = relay_local.context(env, project)
    results = []
    for name in names:
        adapter = registry.get(name)
        result = AssistantResult(name, adapter.TITLE)
        results.append(result)
        try:
            plan: Plan = adapter.plan(profile, ctx)
            targets = _targets(adapter, env, project)
            docs, paths, result.policy = managed_layer(adapter, env)
        except Exception as e:
            if debug_enabled():
                raise
            result.error = unexpected(e)
            continue
        result.skipped, result.manual = plan.skipped, plan.manual
        if docs and not remove:
            plan.edits = _unblocked(adapter, plan, docs, paths, result)
        result.relay = names_relay(plan, ctx.relay)
        if project:
            result.manual = [adapter.PROJECT_NOTE] if adapter.PROJECT_NOTE else []
        for key, cfg in targets.items():
            scope = adapter.SERVERS.get(key) if project else None
            changes = [Change(e.path, e.value, e.soft, e.aliases) for e in plan.edits
                       if e.file == key and (scope is None or e.path[:len(scope)] == scope)]
            try:
                outcome = apply_file(env, FsPath(cfg.path), cfg.fmt, changes, owner_of(cfg.owner or name, profile),
                                     remove=remove, force=force, dry_run=dry_run, private=project is None)
            except Exception as e:
                if debug_enabled():
                    raise
                outcome = FileOutcome(str(cfg.path), status="error", error=unexpected(e))
            result.files.append(outcome)
            if docs and key in adapter.SERVERS:
                try:
                    _own_blocked(adapter, cfg, docs, paths, profile, result)
                except Exception as e:
                    if debug_enabled():
                        raise
                    result.policy.append(f"{cfg.path}: the user's own servers were not checked: {unexpected(e)}")
            if cfg.former and outcome.status not in ("unchanged", "error") and not remove:
                result.notes.append(f"{cfg.path}: {cfg.former}")
    return results


POLICY_FIX = ("ask your platform team to allow it (the org profile's [policy] is what `aistack policy` renders "
              "into this layer)")


def managed_layer(adapter: Adapter, env: Env) -> tuple[dict, dict, list[str]]:
    """The assistant's admin-owned files on this machine, each read and parsed once: (content by key, path by key,
    warnings). A file that is absent is left out; one that cannot be read or parsed is named in a warning and left
    out (aistack never writes it)."""
    from aistack.engine.document import ParseError, read

    docs: dict[str, Any] = {}
    paths: dict[str, str] = {}
    warnings: list[str] = []
    if not env.is_local:
        return docs, paths, warnings
    for managed in adapter.MANAGED:
        where = env.managed(managed.paths, managed.override)
        try:
            if where is None or not FsPath(where).is_file():
                continue
        except OSError as e:  # a directory on the way that this user cannot enter
            warnings.append(f"{where}: cannot read ({e.strerror or e}); {adapter.TITLE}'s managed layer was not "
                            "checked")
            continue
        insecure = _not_roots(FsPath(where)) if managed.root_only else None
        if insecure:
            warnings.append(f"{where}: {adapter.TITLE} skips this file ({insecure}): it reads its managed layer only "
                            "when the file and every directory above it belong to root and are not writable by group "
                            "or others, so it blocks nothing")
            continue
        try:
            docs[managed.key] = read(FsPath(where), managed.fmt)[1].get(())
            paths[managed.key] = str(where)
        except ParseError as e:
            warnings.append(f"{where}:{e.line}:{e.column}: {e.message}; {adapter.TITLE}'s managed layer could not "
                            "be read, so aistack cannot tell what it blocks (ask your platform team to fix it)")
        except (AistackError, OSError) as e:
            warnings.append(f"{where}: cannot read ({getattr(e, 'message', None) or e}); {adapter.TITLE}'s managed "
                            "layer was not checked")
    return docs, paths, warnings


def _not_roots(path: FsPath) -> str | None:
    """Why `path` or a directory above it is not root's alone (owned by uid 0, not group/other-writable), or None."""
    import os

    if os.name == "nt":
        return None
    for p in (path, *path.parents):
        try:
            st = os.stat(p)
        except OSError as e:
            return f"{p}: {e.strerror}"
        if st.st_uid != 0:
            return f"{p} is not owned by root"
        if st.st_mode & 0o022:
            return f"{p} is writable by group or others (mode {st.st_mode & 0o7777:o})"
    return None


def _unblocked(adapter: Adapter, plan: Plan, docs: dict, paths: dict, result: AssistantResult) -> list:
    """The plan's edits less the MCP servers the managed layer would block (a dead entry is not written)."""
    kept = []
    for edit in plan.edits:
        scope = adapter.SERVERS.get(edit.file)
        if scope and len(edit.path) == len(scope) + 1 and edit.path[:len(scope)] == scope:
            server = _name(edit.path[-1])
            why = adapter.managed_verdict(docs, server, edit.value)
            if why:
                result.blocked.append({"server": server, "own": False, "rule": why, "managed": list(paths.values()),
                                       "fix": POLICY_FIX})
                continue
        kept.append(edit)
    return kept


def _own_blocked(adapter: Adapter, cfg: ConfigFile, docs: dict, paths: dict, profile: Profile,
                 result: AssistantResult) -> None:
    """The user's own servers in this file that the managed layer blocks: said, never touched."""
    from aistack.engine.document import ParseError, read

    try:
        servers = read(FsPath(cfg.path), cfg.fmt)[1].get(adapter.SERVERS[cfg.key])
    except (AistackError, ParseError, OSError):
        return  # the file's own outcome says why it cannot be read
    if isinstance(servers, list):  # a list of named entries
        servers = {v.get("name"): v for v in servers if isinstance(v, dict) and isinstance(v.get("name"), str)}
    if not isinstance(servers, dict):
        return
    ours = {s.name for s in profile.mcp_servers}
    for server, entry in servers.items():
        if server in ours:
            continue
        why = adapter.managed_verdict(docs, server, entry)
        if why:
            result.blocked.append({"server": server, "own": True, "file": str(cfg.path), "rule": why,
                                   "managed": list(paths.values()), "fix": POLICY_FIX})


def names_relay(plan: Plan, relay: str | None) -> bool:
    """Whether any value the plan writes points at the relay (`http://127.0.0.1:PORT/...`)."""
    def mentions(value: object) -> bool:
        if isinstance(value, str):
            return value.startswith(f"{relay}/")
        if isinstance(value, dict):
            return any(mentions(v) for v in value.values())
        if isinstance(value, list):
            return any(mentions(v) for v in value)
        return False

    return relay is not None and any(mentions(edit.value) for edit in plan.edits)


def relay_service(results: list[AssistantResult], env: Env, *, remove: bool = False, dry_run: bool = False):
    """The relay's background service after a setup: installed while any assistant set up here names the relay
    (recorded per assistant), removed once none does. None when nothing was or is to be installed."""
    from aistack.relay import service

    state = relay_local.load_state(env)
    users = set(state.get("users", []))
    for result in results:
        if remove or not result.relay:
            users.discard(result.name)
        elif result.ok:
            users.add(result.name)
    if not dry_run and (sorted(users) != state.get("users", []) or (users and "port" not in state)):
        # The port is recorded with the first user: every later command agrees on it, AISTACK_RELAY_PORT or not.
        relay_local.save_state(env, {**relay_local.load_state(env), "users": sorted(users),
                                     "port": relay_local.port(env)})
    if users and env.var(relay_local.SERVICE_VAR) in ("off", "0", "no"):
        return None  # the user starts the relay themselves (`aistack relay start`, `aistack run`)
    if users:
        return service.install(env, relay_local.port(env), dry_run=dry_run)
    outcome = service.remove(env, dry_run=dry_run)
    return outcome if outcome.files else None


def _servers_in(cfg, servers_path) -> tuple[list[str], str | None]:
    from aistack.engine.document import ParseError, read

    try:
        value = read(FsPath(cfg.path), cfg.fmt)[1].get(servers_path)
    except (AistackError, ParseError) as e:
        return [], str(e)
    except Exception as e:  # a listing never stops at one file
        return [], unexpected(e)
    if isinstance(value, dict):
        return list(value), None
    if isinstance(value, list):  # a list of named entries
        return [v.get("name", "?") for v in value if isinstance(v, dict)], None
    return [], None


def _name(key) -> str:
    return key.value if isinstance(key, Item) else key  # a list of named entries (Continue) is keyed by name


def _file_info(env: Env, key: str, cfg: ConfigFile) -> dict:
    from aistack.engine.files import backup_path, resolve_target

    info = {"key": key, "path": str(cfg.path), "format": cfg.fmt, "exists": False}
    if env.is_local:
        try:
            target = resolve_target(FsPath(cfg.path))
            info["exists"] = target.is_file()
            backup = backup_path(target, FsPath(env.data_dir()))
            if backup.is_file():
                info["backup"] = str(backup)
        except (AistackError, OSError) as e:
            info["error"] = str(e)
    return info


def listing(env: Env) -> list[dict[str, Any]]:
    """Every supported assistant: detected or not, its files (with aistack's backup of each), the MCP servers in
    them, which are aistack's."""
    from aistack.engine import journal

    seen = detection_env(env)
    rows: list[dict[str, Any]] = []
    for name in registry.names():
        adapter = registry.get(name)
        row: dict[str, Any] = {"assistant": name, "title": adapter.TITLE, "detected": bool(adapter.detect(seen)),
               "delivery": adapter.DELIVERY.to_json(), "gateway": adapter.GATEWAY,
               "verified": [v.to_json() for v in adapter.VERIFIED], "files": [], "servers": [], "managed": []}
        for key, cfg in adapter.files(env).items():
            info = _file_info(env, key, cfg)
            if cfg.former:
                info["former"] = True  # an earlier version's file: aistack only takes its own entries out
            if key in adapter.SERVERS and info["exists"]:
                servers, error = _servers_in(cfg, adapter.SERVERS[key])
                row["servers"] += servers
                if error:
                    info["error"] = error
                depth = len(adapter.SERVERS[key])
                for owned in journal.current_record(env, FsPath(cfg.path)).entries.values():
                    if owned.path[:depth] == adapter.SERVERS[key] and len(owned.path) == depth + 1:
                        row["managed"].append(_name(owned.path[depth]))
            row["files"].append(info)
        rows.append(row)
    return rows
