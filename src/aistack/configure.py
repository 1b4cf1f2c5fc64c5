"""`aistack setup`: from the org profile, through each assistant's adapter, to its files via the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FsPath

from aistack.assistants import registry
from aistack.assistants.base import Adapter, ConfigFile, Context, Plan
from aistack.engine.apply import Change, FileOutcome, apply_file
from aistack.errors import UsageError
from aistack.paths import Env
from aistack.profile import Profile


@dataclass
class AssistantResult:
    name: str
    title: str
    files: list[FileOutcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    manual: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.files)

    @property
    def changed(self) -> bool:
        return any(f.status != "unchanged" for f in self.files)

    def to_json(self) -> dict:
        return {"assistant": self.name, "ok": self.ok, "changed": self.changed,
                "files": [f.to_json() for f in self.files], "skipped": self.skipped, "manual": self.manual}


def aistack_command(env: Env) -> str:
    """How assistants should start aistack: the absolute path of this installation when it is on PATH."""
    found = env.which("aistack") if env.is_local else None
    return str(FsPath(found).absolute()) if found else "aistack"


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
    return [n for n in known if registry.get(n).detect(env)]


def owner_of(name: str, profile: Profile) -> str:
    return f"{name}@{profile.org_name}"


def _targets(adapter: Adapter, env: Env, project: FsPath | None) -> dict[str, ConfigFile]:
    user = adapter.files(env)
    if project is None:
        return user
    return {key: ConfigFile(key, project / rel, user[key].fmt) for key, rel in adapter.PROJECT.items()}


def run(names: list[str], profile: Profile, env: Env, *, remove: bool = False, force: bool = False,
        dry_run: bool = False, project: FsPath | None = None) -> list[AssistantResult]:
    """Apply each assistant's plan. With `project`, only MCP servers go into the repo-level files, and the
    command is the bare `aistack` (a committed file must not hold one person's paths)."""
    ctx = Context(env=env, aistack="aistack" if project else aistack_command(env))
    results = []
    for name in names:
        adapter = registry.get(name)
        plan: Plan = adapter.plan(profile, ctx)
        result = AssistantResult(name, adapter.TITLE, skipped=plan.skipped, manual=plan.manual)
        if project:
            result.manual = [adapter.PROJECT_NOTE] if adapter.PROJECT_NOTE else []
        for key, cfg in _targets(adapter, env, project).items():
            scope = adapter.SERVERS.get(key) if project else None
            changes = [Change(e.path, e.value, e.soft, e.aliases) for e in plan.edits
                       if e.file == key and (scope is None or e.path[:len(scope)] == scope)]
            result.files.append(apply_file(env, FsPath(cfg.path), cfg.fmt, changes, owner_of(name, profile),
                                           remove=remove, force=force, dry_run=dry_run))
        results.append(result)
    return results

def _servers_in(cfg, servers_path) -> tuple[list[str], str | None]:
    from aistack.engine.document import ParseError, read
    from aistack.errors import AistackError

    try:
        value = read(FsPath(cfg.path), cfg.fmt)[1].get(servers_path)
    except (AistackError, ParseError) as e:
        return [], str(e)
    if isinstance(value, dict):
        return list(value), None
    if isinstance(value, list):  # a list of named entries
        return [v.get("name", "?") for v in value if isinstance(v, dict)], None
    return [], None


def listing(env: Env) -> list[dict]:
    """Every supported assistant: detected or not, its files, the MCP servers in them, which are aistack's."""
    from aistack.engine import ownership

    rows = []
    for name in registry.names():
        adapter = registry.get(name)
        row = {"assistant": name, "title": adapter.TITLE, "detected": bool(adapter.detect(env)),
               "delivery": adapter.DELIVERY, "gateway": adapter.GATEWAY, "files": [], "servers": [],
               "managed": []}
        for key, cfg in adapter.files(env).items():
            local = env.is_local
            info = {"key": key, "path": str(cfg.path), "format": cfg.fmt,
                    "exists": local and FsPath(cfg.path).is_file()}
            if key in adapter.SERVERS and info["exists"]:
                servers, error = _servers_in(cfg, adapter.SERVERS[key])
                row["servers"] += servers
                if error:
                    info["error"] = error
                depth = len(adapter.SERVERS[key])
                for owned in ownership.load(env, FsPath(cfg.path)).entries.values():
                    if owned.path[:depth] == adapter.SERVERS[key] and len(owned.path) == depth + 1:
                        row["managed"].append(owned.path[depth])
            row["files"].append(info)
        rows.append(row)
    return rows
