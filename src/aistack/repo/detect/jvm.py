"""JVM: Gradle (wrapper preferred, `include` in settings) and Maven (wrapper preferred, `<modules>`)."""

from __future__ import annotations

import re

from aistack.repo.index import RepoView, join
from aistack.repo.model import Command, Findings, Package, Source

INCLUDE = re.compile(r"""^\s*include\s*\(?\s*((?:["'][^"']+["']\s*,?\s*)+)\)?""", re.M)
QUOTED = re.compile(r"""["']([^"']+)["']""")
MODULE = re.compile(r"<module>\s*([^<\s]+)\s*</module>")


def gradle(view: RepoView, scope: str, out: Findings) -> None:
    build = view.first(scope, "build.gradle.kts", "build.gradle")
    settings = view.first(scope, "settings.gradle.kts", "settings.gradle")
    if not build and not settings:
        return
    out.ecosystems.append("jvm")
    wrapper = view.first(scope, "gradlew") or view.first("", "gradlew")
    if not wrapper:
        tool = "gradle"
    elif wrapper == join(scope, "gradlew"):
        tool = "./gradlew"
    else:  # the root project's wrapper, run from inside a subproject
        tool = "../" * (scope.count("/") + 1) + "gradlew"
    source = Source(wrapper, "") if wrapper else Source(build or settings, "")
    out.commands.append(Command("build", f"{tool} build", source))
    out.commands.append(Command("test", f"{tool} test", source))
    out.commands.append(Command("lint", f"{tool} check", source))
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
    wrapper = view.first(scope, "mvnw")
    tool = "./mvnw" if wrapper else "mvn"
    source = Source(wrapper or pom, "")
    out.commands.append(Command("build", f"{tool} -B package", source))
    out.commands.append(Command("test", f"{tool} -B test", source))
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
