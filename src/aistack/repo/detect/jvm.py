"""JVM: Gradle (wrapper preferred, `include` in settings) and Maven (wrapper preferred, `<modules>`)."""

from __future__ import annotations

import re

from aistack.repo.index import RepoView, join
from aistack.repo.model import INFERRED, Command, Findings, Package, Source

INCLUDE = re.compile(r"""^\s*include\s*\(?\s*((?:["'][^"']+["']\s*,?\s*)+)\)?""", re.M)
QUOTED = re.compile(r"""["']([^"']+)["']""")
MODULE = re.compile(r"<module>\s*([^<\s]+)\s*</module>")


def _tool(view: RepoView, scope: str, wrapper_name: str, plain: str, build: str) -> tuple[str, Source]:
    """The wrapper when tracked (the package's own, else the root's run from the package), else the plain tool.

    The source is the package's build file whenever it has one, so a subproject's AGENTS.md keeps its commands."""
    own = view.first(scope, wrapper_name)
    if own:
        return f"./{wrapper_name}", Source(own, "")
    if scope and view.has(wrapper_name):
        return "../" * (scope.count("/") + 1) + wrapper_name, Source(build, f"(root {wrapper_name})")
    return plain, Source(build, "")


def gradle(view: RepoView, scope: str, out: Findings) -> None:
    build = view.first(scope, "build.gradle.kts", "build.gradle")
    settings = view.first(scope, "settings.gradle.kts", "settings.gradle")
    if not build and not settings:
        return
    out.ecosystems.append("jvm")
    tool, source = _tool(view, scope, "gradlew", "gradle", build or settings)
    out.commands.append(Command("build", f"{tool} build", source, INFERRED))
    out.commands.append(Command("test", f"{tool} test", source, INFERRED))
    out.commands.append(Command("gate", f"{tool} check", source, INFERRED))
    text = view.text(settings) if settings else None
    if text:
        for m in INCLUDE.finditer(text):
            for project in QUOTED.findall(m.group(1)):
                d = join(scope, project.strip(":").replace(":", "/"))
                if view.first(d, "build.gradle.kts", "build.gradle"):
                    out.packages.append(Package(d, project, "jvm", Source(settings, "include")))
        if out.packages:
            out.monorepo.append(f"Gradle multi-project ({settings} include)")


def maven(view: RepoView, scope: str, out: Findings) -> None:
    pom = view.first(scope, "pom.xml")
    if not pom:
        return
    out.ecosystems.append("jvm")
    tool, source = _tool(view, scope, "mvnw", "mvn", pom)
    out.commands.append(Command("test", f"{tool} test", source, INFERRED))
    out.commands.append(Command("gate", f"{tool} verify", source, INFERRED))
    text = view.text(pom) or ""
    modules = [m for m in MODULE.findall(text) if view.has(join(join(scope, m), "pom.xml"))]
    for m in modules:
        out.packages.append(Package(join(scope, m), m.rpartition("/")[2], "jvm", Source(pom, "modules")))
    if modules:
        out.monorepo.append(f"Maven multi-module ({pom} modules)")


def detect(view: RepoView, scope: str) -> Findings:
    out = Findings()
    gradle(view, scope, out)
    maven(view, scope, out)
    return out
