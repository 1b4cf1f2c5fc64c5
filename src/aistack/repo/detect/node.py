"""JavaScript/TypeScript: package.json scripts run by the package manager the lockfile names."""

from __future__ import annotations

from aistack.repo.index import RepoView, dig, join
from aistack.repo.model import Command, Fact, Findings, Package, Source, classify

LOCKFILES = (("pnpm-lock.yaml", "pnpm"), ("yarn.lock", "yarn"), ("bun.lock", "bun"), ("bun.lockb", "bun"),
             ("package-lock.json", "npm"), ("npm-shrinkwrap.json", "npm"))


def lockfile(view: RepoView, scope: str) -> tuple[str, str] | None:
    """(path, package manager) of the nearest lockfile: the package's own, then the repository root's."""
    for directory in dict.fromkeys((scope, "")):
        for lock, pm in LOCKFILES:
            if view.has(join(directory, lock)):
                return join(directory, lock), pm
    return None


def package_manager(view: RepoView, scope: str, manifest: dict) -> tuple[str, Source]:
    """From `packageManager` (the package's, then the root's), else the nearest lockfile, else npm."""
    candidates = [(manifest, join(scope, "package.json"))]
    if scope and view.has("package.json"):
        candidates.append((view.json("package.json"), "package.json"))
    for data, rel in candidates:
        declared = data.get("packageManager") if isinstance(data, dict) else None
        if isinstance(declared, str) and declared.split("@")[0] in ("npm", "pnpm", "yarn", "bun"):
            return declared.split("@")[0], Source(rel, "packageManager")
    found = lockfile(view, scope)
    if found:
        return found[1], Source(found[0], "")
    return "npm", Source(join(scope, "package.json"), "(no lockfile)")


def script_command(pm: str, name: str) -> str:
    if name in ("test", "start") and pm in ("npm", "pnpm", "yarn", "bun"):
        return f"{pm} test" if name == "test" and pm != "bun" else f"{pm} run {name}"
    if pm == "yarn":
        return f"yarn {name}"
    return f"{pm} run {name}"


def install_command(view: RepoView, scope: str, pm: str, pm_source: Source) -> Command:
    """The install command; frozen when the package manager's own lockfile is tracked."""
    found = lockfile(view, scope)
    if found and found[1] == pm:
        run = {"npm": "npm ci", "pnpm": "pnpm install --frozen-lockfile",
               "yarn": "yarn install --frozen-lockfile", "bun": "bun install --frozen-lockfile"}[pm]
        return Command("install", run, Source(found[0], ""))
    return Command("install", f"{pm} install", pm_source)


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
        data = view.yaml(pnpm_ws)
        listed = dig(data, "packages")
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


def _lifecycle_hook(name: str, scripts: dict) -> bool:
    """pretest/postbuild/prepare/postinstall run on their own; an agent never calls them."""
    if name in ("prepare", "prepublishOnly", "preinstall", "install", "postinstall", "prepack", "postpack"):
        return True
    for prefix in ("pre", "post"):
        if name.startswith(prefix) and name[len(prefix):] in scripts:
            return True
    return False


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
    pm, pm_source = package_manager(view, scope, manifest)
    findings.facts.append(Fact("Package manager", pm, pm_source))
    node = dig(manifest, "engines", "node")
    if isinstance(node, str):
        findings.facts.append(Fact("Node.js", node, Source(rel, "engines.node")))
    if view.first(scope, "tsconfig.json"):
        findings.facts.append(Fact("TypeScript", "yes", Source(join(scope, "tsconfig.json"), "")))
    install = install_command(view, scope, pm, pm_source)
    if not scope or install.source.file.startswith(scope + "/"):
        findings.commands.append(install)
    scripts = manifest.get("scripts")
    if scripts is not None and not isinstance(scripts, dict):
        view.warn(f"{rel}: `scripts` is not an object; skipped.")
        scripts = {}
    for name, body in (scripts or {}).items():
        if not isinstance(body, str) or _lifecycle_hook(name, scripts):
            continue
        kind = classify(name)
        if kind:
            findings.commands.append(Command(kind, script_command(pm, name), Source(rel, f"scripts.{name}")))
    workspaces(view, scope, manifest, findings)
    return findings
