"""Rust: Cargo.toml, its `[workspace] members`, rustfmt and clippy configuration."""

from __future__ import annotations

from aistack.repo.index import RepoView, dig, join
from aistack.repo.model import INFERRED, Command, Fact, Findings, Package, Source


def detect(view: RepoView, scope: str) -> Findings:
    out = Findings()
    rel = view.first(scope, "Cargo.toml")
    if not rel:
        return out
    out.ecosystems.append("rust")
    data = view.toml(rel)
    if data is None:
        return out
    workspace = data.get("workspace")
    flag = " --workspace" if isinstance(workspace, dict) else ""
    key = "[workspace]" if flag else "[package]"
    if flag or "package" in data:
        out.commands.append(Command("build", f"cargo build{flag}", Source(rel, key), INFERRED))
        out.commands.append(Command("test", f"cargo test{flag}", Source(rel, key), INFERRED))
    fmt = view.first(scope, "rustfmt.toml", ".rustfmt.toml") or view.first("", "rustfmt.toml", ".rustfmt.toml")
    if fmt:
        out.commands.append(Command("format", "cargo fmt --all", Source(fmt, ""), INFERRED))
    clippy = view.first(scope, "clippy.toml", ".clippy.toml") or view.first("", "clippy.toml", ".clippy.toml")
    lints = dig(data, "workspace", "lints", "clippy") or dig(data, "lints", "clippy")
    if clippy or lints is not None:
        source = Source(clippy, "") if clippy else Source(rel, "[lints.clippy]")
        out.commands.append(Command("lint", f"cargo clippy{flag} --all-targets", source, INFERRED))
    version = dig(data, "package", "rust-version") or dig(data, "workspace", "package", "rust-version")
    if isinstance(version, str):
        out.facts.append(Fact("Rust", version, Source(rel, "rust-version")))
    if toolchain := view.first(scope, "rust-toolchain.toml", "rust-toolchain"):
        out.facts.append(Fact("Rust toolchain", "pinned", Source(toolchain, "")))
    members = dig(workspace, "members") if isinstance(workspace, dict) else None
    if isinstance(members, list):
        out.monorepo.append(f"Cargo workspace ({rel} [workspace])")
        patterns = [m for m in members if isinstance(m, str)]
        patterns += [f"!{e}" for e in dig(workspace, "exclude") or [] if isinstance(e, str)]
        for d in view.dirs_matching(patterns, "Cargo.toml", scope):
            name = dig(view.toml(join(d, "Cargo.toml")), "package", "name")
            out.packages.append(Package(d, name if isinstance(name, str) else d.rpartition("/")[2], "rust",
                                        Source(rel, "[workspace] members")))
    return out
