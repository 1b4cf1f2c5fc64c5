"""`aistack policy render`: a directory per OS with every assistant's managed files at their paths (relative to
the file system's root), the macOS configuration profile, the Windows .reg files, a README per output saying
where each file goes, and the exact dashboard steps for the assistants whose allowlist lives only there."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from aistack.assistants import registry
from aistack.errors import AistackError, ExitCode
from aistack.paths import below_root
from aistack.policy import mdm
from aistack.policy.documents import PLATFORMS, collect
from aistack.profile import Profile

OS_NAMES = {"linux": "Linux", "darwin": "macOS", "win32": "Windows"}
DASHBOARDS = "DASHBOARDS.md"


@dataclass
class Rendered:
    files: dict[str, bytes] = field(default_factory=dict)  # relative path (POSIX) -> bytes
    notes: list[str] = field(default_factory=list)


def relative(path: str, platform: str) -> str:
    """`/etc/codex/requirements.toml` -> `etc/codex/requirements.toml`; `C:\\Program Files\\X\\f` ->
    `Program Files/X/f`: where it goes, under the output's root."""
    return "/".join(below_root(path, platform == "win32"))


def render(profile: Profile, platforms: tuple[str, ...] = PLATFORMS) -> Rendered:
    if profile.policy is None:
        raise AistackError(f"org profile {profile.source} has no [policy] table: there is nothing to enforce.",
                           hint="Add a [policy] table (see examples/org.toml), then render again.",
                           exit_code=ExitCode.USAGE)
    items = collect(profile)
    out = Rendered()
    for platform in platforms:
        readme = [f"# {profile.org_name}: managed AI assistant policy for {OS_NAMES[platform]}", "",
                  "Rendered by `aistack policy render` from the org profile; copy each file to the path shown "
                  "(as root/administrator), or push it with your device management. `sudo aistack policy install` "
                  "does it on one machine, and `aistack doctor` shows what each assistant then reads.", ""]
        for item in items:
            path = item.file.paths.get(platform)
            if path is None:
                readme.append(f"- {item.adapter.TITLE}: no documented {OS_NAMES[platform]} path for "
                              f"`{item.file.key}`; not rendered.")
                continue
            rel = relative(path, platform)
            out.files[f"{platform}/{rel}"] = item.text().encode()
            override = f" (or where `{item.file.override}` points)" if item.file.override else ""
            readme.append(f"- `{rel}` -> `{path}`{override}: {item.adapter.TITLE}'s {item.file.key}.")
        if platform == "darwin":
            profile_bytes = mdm.mobileconfig(profile, items)
            if profile_bytes:
                out.files["darwin/aistack-policy.mobileconfig"] = profile_bytes
                domains = ", ".join(sorted({i.adapter.MDM[i.file.key]["domain"] for i in items
                                            if mdm.payload_content(i) is not None}))
                readme += ["", f"- `aistack-policy.mobileconfig`: the same settings as a configuration profile "
                               f"(preference domains {domains}); upload it to your MDM (Jamf, Kandji, Intune, ...). "
                               "An assistant reading its domain takes it over the files above."]
        if platform == "win32":
            for name, data in mdm.reg_files(items).items():
                out.files[f"win32/{name}"] = data
                readme += ["", f"- `{name}`: the same settings in the policy registry; import with "
                               f"`reg import {name}` as administrator, or through Group Policy / Intune."]
        out.files[f"{platform}/README.md"] = ("\n".join(readme) + "\n").encode()
    steps = dashboard_steps(profile)
    if steps:
        out.files[DASHBOARDS] = steps.encode()
        out.notes.append(f"Some assistants keep their allowlist in an admin dashboard: see {DASHBOARDS}.")
    return out


def dashboard_steps(profile: Profile) -> str:
    """The exact steps for assistants whose MCP allowlist exists only in their admin dashboard."""
    parts = []
    for adapter in registry.ADAPTERS.values():
        steps = adapter.admin_steps(profile)
        if steps:
            parts += [f"## {adapter.TITLE}", ""] + [f"{i}. {s}" for i, s in enumerate(steps, 1)] + [""]
    if not parts:
        return ""
    return "\n".join([f"# {profile.org_name}: dashboard-only allowlists", "",
                      "These assistants have no file or MDM key for their MCP allowlist; set it by hand:", "",
                      *parts])


def write(rendered: Rendered, out: Path) -> list[Path]:
    """Write the rendered tree under `out` (created; files there from an earlier render are replaced)."""
    written = []
    for rel, data in sorted(rendered.files.items()):
        target = out.joinpath(*rel.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    return written
