"""JavaScript/TypeScript: package.json scripts, judged by their bodies, run by the package manager in use."""

from __future__ import annotations

import re

from aistack.repo.detect.taskgraph import Graph, Task
from aistack.repo.index import RepoView, dig, join
from aistack.repo.model import INFERRED, Command, Fact, Findings, Package, Source

LOCKFILES = (("pnpm-lock.yaml", "pnpm"), ("yarn.lock", "yarn"), ("bun.lock", "bun"), ("bun.lockb", "bun"),
             ("package-lock.json", "npm"), ("npm-shrinkwrap.json", "npm"))
LIFECYCLE = {"prepare", "prepublish", "prepublishOnly", "preinstall", "install", "postinstall", "prepack",
             "postpack", "preversion", "version", "postversion", "dependencies"}


def lockfile(view: RepoView, scope: str) -> tuple[str, str] | None:
    """(path, package manager) of the nearest lockfile: the package's own, then the repository root's."""
    for directory in dict.fromkeys((scope, "")):
        for lock, pm in LOCKFILES:
            if view.has(join(directory, lock)):
                return join(directory, lock), pm
    return None


def package_manager(view: RepoView, scope: str, manifest: dict) -> tuple[str, str, Source]:
    """(name, major version or "", source): `packageManager` (the package's, then the root's), else the lockfile."""
    candidates = [(manifest, join(scope, "package.json"))]
    if scope and view.has("package.json"):
        candidates.append((view.json("package.json"), "package.json"))
    for data, rel in candidates:
        declared = data.get("packageManager") if isinstance(data, dict) else None
        if isinstance(declared, str) and declared.split("@")[0] in ("npm", "pnpm", "yarn", "bun"):
            name, _, version = declared.partition("@")
            return name, version.split(".")[0], Source(rel, "packageManager")
    found = lockfile(view, scope)
    if found:
        return found[1], "", Source(found[0], "")
    return "npm", "", Source(join(scope, "package.json"), "(no lockfile)")


def yarn_berry(view: RepoView, scope: str, major: str) -> bool:
    """Yarn 2 or later: `packageManager` says so, a .yarnrc.yml is tracked, or the lockfile has `__metadata`."""
    if major:
        return major.isdigit() and int(major) >= 2
    if view.first(scope, ".yarnrc.yml") or view.has(".yarnrc.yml"):
        return True
    found = lockfile(view, scope)
    head = (view.text(found[0]) or "")[:2000] if found and found[1] == "yarn" else ""
    return "__metadata:" in head


def script_command(pm: str, name: str) -> str:
    if name == "test" and pm in ("npm", "pnpm", "yarn"):
        return f"{pm} test"
    if pm == "yarn":
        return f"yarn {name}"
    return f"{pm} run {name}"


def install_command(view: RepoView, scope: str, pm: str, major: str, pm_source: Source) -> Command | None:
    """The install command, frozen when the package manager's own lockfile is tracked; none when node_modules
    itself is committed (an install would rewrite it)."""
    for directory in dict.fromkeys((scope, "")):
        if join(directory, "node_modules") in view.vendored:
            return None
    found = lockfile(view, scope)
    if found and found[1] == pm:
        run = {"npm": "npm ci", "pnpm": "pnpm install --frozen-lockfile", "bun": "bun install --frozen-lockfile",
               "yarn": "yarn install --immutable" if yarn_berry(view, scope, major)
               else "yarn install --frozen-lockfile"}[pm]
        return Command("install", run, Source(found[0], ""), INFERRED)
    return Command("install", f"{pm} install", pm_source, INFERRED)


def workspaces(view: RepoView, scope: str, manifest: dict, findings: Findings) -> None:
    patterns: list[str] = []
    declared = manifest.get("workspaces")
    if isinstance(declared, dict):
        declared = declared.get("packages")
    if isinstance(declared, list) and all(isinstance(p, str) for p in declared):
        patterns += declared
        source = Source(join(scope, "package.json"), "workspaces")
        findings.monorepo.append("npm/yarn workspaces (package.json workspaces)")
    pnpm_ws = view.first(scope, "pnpm-workspace.yaml")
    if pnpm_ws:
        listed = dig(view.yaml(pnpm_ws), "packages")
        if isinstance(listed, list):
            patterns += [p for p in listed if isinstance(p, str)]
            source = Source(pnpm_ws, "packages")
            findings.monorepo.append(f"pnpm workspace ({pnpm_ws})")
    for tool in ("turbo.json", "nx.json", "lerna.json"):
        if view.first(scope, tool):
            findings.monorepo.append(f"{tool.split('.')[0]} ({join(scope, tool)})")
    if not patterns:
        return
    for d in view.dirs_matching(patterns, "package.json", scope):
        pkg = view.json(join(d, "package.json"))
        name = pkg.get("name") if isinstance(pkg, dict) and isinstance(pkg.get("name"), str) else d.rpartition("/")[2]
        findings.packages.append(Package(d, name, "node", source))


def _hook(name: str, scripts: dict) -> bool:
    """pretest/postbuild/prepare/postinstall run on their own; an agent never calls them."""
    if name in LIFECYCLE:
        return True
    return any(name.startswith(p) and name[len(p):] in scripts for p in ("pre", "post"))


def scripts_graph(scripts: dict, rel: str, pm: str) -> Graph:
    tasks = {}
    for name, body in scripts.items():
        if not isinstance(body, str):
            continue
        deps = [h for h in (f"pre{name}", f"post{name}") if isinstance(scripts.get(h), str)]
        lines = [line for line in re.split(r"\n", body) if line.strip()]
        tasks[name] = Task(name, script_command(pm, name), lines, Source(rel, f"scripts.{name}"), deps=deps,
                           hidden=_hook(name, scripts))
    return Graph("npm", tasks)


def detect(view: RepoView, scope: str) -> Findings:
    findings = Findings()
    rel = view.first(scope, "package.json")
    if not rel:
        return findings
    manifest = view.json(rel)
    findings.ecosystems.append("node")
    if not isinstance(manifest, dict):
        if manifest is not None:
            view.warn(f"{rel}: expected a JSON object; its commands are skipped.")
        return findings
    pm, major, pm_source = package_manager(view, scope, manifest)
    findings.facts.append(Fact("Package manager", f"{pm} {major}".strip() if pm == "yarn" and major else pm,
                               pm_source))
    node = dig(manifest, "engines", "node")
    if isinstance(node, str):
        findings.facts.append(Fact("Node.js", node, Source(rel, "engines.node")))
    if view.first(scope, "tsconfig.json"):
        findings.facts.append(Fact("TypeScript", "yes", Source(join(scope, "tsconfig.json"), "")))
    install = install_command(view, scope, pm, major, pm_source)
    if install is None:
        findings.facts.append(Fact("Dependencies", "committed in node_modules (do not reinstall them)",
                                   Source(join(scope, "node_modules"), "")))
    elif not scope or install.source.file.startswith(scope + "/"):
        findings.commands.append(install)
    scripts = manifest.get("scripts")
    if scripts is not None and not isinstance(scripts, dict):
        view.warn(f"{rel}: `scripts` is not an object; skipped.")
        scripts = {}
    scripts_graph(scripts or {}, rel, pm).add_to(findings)
    workspaces(view, scope, manifest, findings)
    return findings
