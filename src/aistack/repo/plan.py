"""What init-repo would change in one repository: pure computation over the RepoView and rendered text."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

from aistack.errors import AistackError
from aistack.repo import markers
from aistack.repo.context import COLLAPSE, LEVELS, Scope, package_scope, root_scope, variables
from aistack.repo.index import RepoView, join
from aistack.repo.model import Findings
from aistack.repo.render import Renderer

WARN_BYTES = 8 * 1024
CODEX_LIMIT = 32 * 1024
ADOPT_BUDGET = 3 * 1024   # what --adopt adds to an AGENTS.md the team wrote
DESCRIPTIVE = ("about", "packages")  # blocks a team-written AGENTS.md does not get
IMPORT_LINES = ("@AGENTS.md", "@./AGENTS.md")


@dataclass
class Change:
    path: str                 # repository-relative
    old: str | None           # current text (None: missing)
    new: str | None           # text to write (None: nothing to write)
    status: str               # "create" | "update" | "unchanged" | "skip"
    reason: str = ""
    blocks: list[tuple[str, str, str]] = field(default_factory=list)  # (block, old body, new body) that differ
    replace_symlink: bool = False

    @property
    def writes(self) -> bool:
        return self.status in ("create", "update")

    def diff(self) -> str:
        old = (self.old or "").replace("\r\n", "\n").splitlines(keepends=True)
        new = (self.new if self.new is not None else self.old or "").replace("\r\n", "\n").splitlines(keepends=True)
        return "".join(difflib.unified_diff(old, new, f"a/{self.path}" if self.old is not None else "/dev/null",
                                            f"b/{self.path}"))

    def block_diff(self) -> str:
        out = []
        for name, old, new in self.blocks:
            out.extend(difflib.unified_diff(old.replace("\r\n", "\n").splitlines(keepends=True),
                                            new.replace("\r\n", "\n").splitlines(keepends=True),
                                            f"{self.path} [{name}] (in the file)", f"{self.path} [{name}] (expected)"))
        return "".join(out)


@dataclass
class Plan:
    root: Path
    findings: Findings
    changes: list[Change]
    warnings: list[str]


def read_text(root: Path, rel: str) -> str | None:
    path = root / rel
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise AistackError(f"{path} cannot be read ({e.__class__.__name__}).",
                           hint="Check its owner and mode.") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise AistackError(f"{path} is not UTF-8 text; nothing was written.",
                           hint="Convert it to UTF-8 first.") from None


def _append_blocks(old: str, rendered: str, names: list[str], where: str) -> str:
    nl = markers.newline_of(old)
    bodies = markers.contents(rendered, where)
    text = old
    if text and not text.endswith(("\n", "\r\n")):
        text += nl
    for name in names:
        text += (nl if text else "") + markers.wrap(name, bodies[name], nl)
    return text


def team_written(old: str | None, where: str) -> bool:
    """An AGENTS.md the team wrote (no `about` block): it gets the compact blocks, never the descriptive ones."""
    return old is not None and "about" not in markers.contents(old, where)


def plan_markdown(root: Path, rel: str, rendered: str, origin: str, adopt: bool, notes: list[str]) -> Change:
    """AGENTS.md (or a bridge file): create it, or regenerate only the insides of its marker blocks."""
    wanted = markers.contents(rendered, f"template {origin} (rendered for {rel})")
    old = read_text(root, rel)
    if old is None:
        return Change(rel, None, rendered, "create", "new file")
    current = markers.contents(old, str(root / rel))
    if not current and not adopt:
        return Change(rel, old, None, "skip",
                      f"{rel} exists without aistack markers; run with --adopt to add the generated blocks "
                      "(the existing text stays as it is)")
    compact = rel.rpartition("/")[2] == "AGENTS.md" and "about" not in current
    # A team's own file gets only the blocks that say something, and none of the descriptive ones.
    missing = [n for n in wanted if n not in current and not (compact and (n in DESCRIPTIVE or not wanted[n].strip()))]
    for name in current:
        if name not in wanted:
            notes.append(f"{rel}: block {name!r} is no longer produced by the template; left as it is.")
    new = markers.replace(old, str(root / rel), {n: b for n, b in wanted.items() if n in current})
    if missing and adopt:
        new = _append_blocks(new, rendered, missing, f"template {origin}")
    elif missing:
        notes.append(f"{rel}: the template's block(s) {', '.join(missing)} are not in the file; "
                     "--adopt adds them at the end.")
    nl = markers.newline_of(old)
    blocks = [(n, current[n], markers.with_newlines(wanted[n], nl)) for n in wanted
              if n in current and current[n] != markers.with_newlines(wanted[n], nl)]
    blocks += [(n, "", wanted[n]) for n in missing if adopt]
    if new == old:
        return Change(rel, old, None, "unchanged")
    size, before = len(new.encode("utf-8")), len(old.encode("utf-8"))
    if size > CODEX_LIMIT and size > before:
        reason = (f"{rel} would grow from {before // 1024} to {size // 1024} KiB, past the 32 KiB Codex reads of "
                  "the whole AGENTS.md chain; nothing was written to it. Move detail into linked docs and run again")
        notes.append(reason + ".")
        return Change(rel, old, None, "skip", reason, blocks)
    return Change(rel, old, new, "update", "regenerated blocks: " + ", ".join(b[0] for b in blocks), blocks)


def plan_claude(root: Path, rel: str, rendered: str, notes: list[str]) -> Change:
    """CLAUDE.md as a regular file importing @AGENTS.md; an existing one gets the import in a marker block."""
    path = root / rel
    if path.is_symlink():
        target = os.readlink(path)
        agents = (path.parent / "AGENTS.md").resolve()
        if Path(target).name == "AGENTS.md" and (path.parent / target).resolve() == agents:
            return Change(rel, f"symlink -> {target}\n", rendered, "update",
                          "replaced the symlink (a 9-byte text file on Windows checkouts) "
                          "with a file importing @AGENTS.md",
                          replace_symlink=True)
        notes.append(f"{rel} is a symlink to {target}; left as it is (add `@AGENTS.md` to what it points to).")
        return Change(rel, None, None, "skip", f"{rel} is a symlink to {target}")
    old = read_text(root, rel)
    if old is None:
        return Change(rel, None, rendered, "create", "bridge for Claude Code")
    current = markers.contents(old, str(path))
    if not current and any(line.strip() in IMPORT_LINES for line in old.splitlines()):
        return Change(rel, old, None, "unchanged", "already imports @AGENTS.md")
    if current:
        return plan_markdown(root, rel, rendered, "built-in", adopt=True, notes=notes)
    nl = markers.newline_of(old)
    new = rendered.replace("\n", nl) + nl + old  # the import first; the team's text after it, untouched
    return Change(rel, old, new, "update", "added the @AGENTS.md import block",
                  [(n, "", b) for n, b in markers.contents(rendered, "template").items()])


def size_notes(rel: str, text: str | None, notes: list[str]) -> None:
    size = len((text or "").encode("utf-8"))
    if size > CODEX_LIMIT:
        notes.append(f"{rel} is {size // 1024} KiB: Codex stops reading the whole AGENTS.md chain at 32 KiB; "
                     "move detail into linked docs.")
    elif size > WARN_BYTES:
        notes.append(f"{rel} is {size // 1024} KiB; keep it under 8 KiB (agents follow short files better, "
                     "and Codex cuts the chain at 32 KiB).")


def _fitting(render, measure, budget: int) -> str:
    """The most generous level whose rendering fits the budget (the shortest one when none does)."""
    text = ""
    for level in range(len(LEVELS)):
        text = render(level)
        if measure(text) <= budget:
            break
    return text


def _generated(rendered: str, where: str, skip: tuple[str, ...] = ()) -> int:
    return sum(len(b.encode("utf-8")) for n, b in markers.contents(rendered, where).items() if n not in skip)


def render_for(view: RepoView, renderer: Renderer, scope: Scope, rel: str, *, org, nested, with_file) -> str:
    """AGENTS.md for one scope, at the level that keeps a new file under 8 KiB and what --adopt adds to a
    team-written file under a few KiB. The level depends on detection only, so reruns agree with --check."""
    where = f"template {renderer.origin} (rendered for {rel})"

    def render(level: int) -> str:
        return renderer.render(variables(view, scope, org=org, nested=nested, level=level, with_file=with_file))

    if team_written(read_text(view.root, rel), str(view.root / rel)):
        return _fitting(render, lambda text: _generated(text, where, DESCRIPTIVE), ADOPT_BUDGET)
    return _fitting(render, lambda text: len(text.encode("utf-8")), WARN_BYTES - 512)


def plan_repo(view: RepoView, renderer: Renderer, *, org: str | None = None, adopt: bool = False,
              nested: bool = False, bridges: tuple[str, ...] = ("claude", "gemini")) -> Plan:
    notes: list[str] = []
    root = root_scope(view)
    # Fixtures, examples and playgrounds get no AGENTS.md, nor does a package with nothing of its own to say.
    members = [p for p in root.packages if not COLLAPSE.match(p.path + "/")] if nested else []
    packages = [package_scope(view, p, root.findings) for p in members]
    packages = [s for s in packages if s.has_content or view.has(join(s.package.path, "AGENTS.md"))]
    with_file = {s.package.path for s in packages}
    changes: list[Change] = []
    for scope in [root, *packages]:
        directory = scope.package.path if scope.package else ""
        rel = join(directory, "AGENTS.md")
        rendered = render_for(view, renderer, scope, rel, org=org, nested=nested, with_file=with_file)
        change = plan_markdown(view.root, rel, rendered, renderer.origin, adopt, notes)
        size_notes(rel, change.new if change.new is not None else change.old, notes)
        changes.append(change)
        if change.status == "skip":
            # A hand-written AGENTS.md without markers: nothing is written for it, bridges included.
            if scope.package is None:
                break
            continue
        if "claude" in bridges:
            changes.append(plan_claude(view.root, join(directory, "CLAUDE.md"), renderer.render_claude(), notes))
    if "gemini" in bridges and changes[0].status != "skip":
        from aistack.repo.gemini import plan_gemini

        changes.append(plan_gemini(view.root, notes))
    for scope in [root, *packages]:
        notes.extend(w for w in scope.findings.warnings if w not in notes)
    return Plan(view.root, root.findings, changes, view.warnings + notes)
