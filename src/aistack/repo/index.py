"""The repository as git sees it: tracked paths from the index, never a directory walk."""

from __future__ import annotations

import json
import re
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Any

from aistack.errors import AistackError

# Never descended into, at any depth: vendored or generated trees, not the project's own sources.
EXCLUDED_DIRS = ("node_modules", ".venv", "venv", "target", "vendor")
EXCLUDED = re.compile(r"(?:^|/)(?:" + "|".join(re.escape(d) for d in EXCLUDED_DIRS) + r")/")
COMMITTED_DEPS = re.compile(r"((?:[^/]+/)*?node_modules)/[^/]+/")
COMMITTED_PACKAGE = re.compile(r"(?:[^/]+/)*?node_modules/(?:@[^/]+/)?[^/]+/package\.json\Z")


def find_repo(path: Path):
    """The git.Repo containing path, with a working tree."""
    import git

    try:
        repo = git.Repo(path, search_parent_directories=True)
    except git.NoSuchPathError:
        raise AistackError(f"{path}: no such directory.", hint="Pass the path of a git repository.") from None
    except git.InvalidGitRepositoryError:
        raise AistackError(f"{path} is not inside a git repository.",
                           hint="Run `git init` there first, or pass the path of a repository.") from None
    if repo.bare or not repo.working_tree_dir:
        raise AistackError(f"{path} is a bare git repository; init-repo needs a working tree.")
    return repo


def tracked_files(repo) -> list[str]:
    """Paths in the git index (forward slashes), excluded directories filtered by git itself."""
    import git

    root = repo.working_tree_dir
    # node_modules is listed (never read): committed dependencies change how a project installs.
    specs = ["."] + [f":(exclude,glob)**/{d}/**" for d in EXCLUDED_DIRS if d != "node_modules"]
    try:
        out = repo.git.ls_files("-z", "--", *specs)
    except git.GitCommandError as e:
        raise AistackError(f"{root}: `git ls-files` failed: {e.stderr.strip() or e}.") from None
    return [p for p in out.split("\0") if p and ("node_modules/" not in p or COMMITTED_PACKAGE.match(p))]


def glob_regex(pattern: str) -> re.Pattern:
    """A workspace glob (`packages/*`, `apps/**`, `crates/foo`) as a regex over directory paths."""
    pattern = pattern.strip().strip("/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            if pattern.startswith("/", i):
                out[-1] = "(?:.*/)?"
                i += 1
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


class RepoView:
    """Tracked files of one repository, and readers that turn every parse failure into a warning."""

    def __init__(self, root: Path, files: list[str]):
        self.root = Path(root)
        self.files = [f for f in files if not EXCLUDED.search(f)]
        # Directories of committed node_modules (e.g. "node_modules", "web/node_modules").
        self.vendored = {m.group(1) for f in files if (m := COMMITTED_DEPS.match(f))}
        self.warnings: list[str] = []
        self._texts: dict[str, str | None] = {}  # a monorepo's root manifests are read once per package
        self._parsed: dict[tuple[str, str], Any] = {}  # and parsed once (callers never mutate what they get)

    @classmethod
    def open(cls, path: Path) -> "RepoView":
        repo = find_repo(path)
        return cls(Path(repo.working_tree_dir), tracked_files(repo))

    @cached_property
    def file_set(self) -> set[str]:
        return set(self.files)

    @cached_property
    def by_name(self) -> dict[str, list[str]]:
        names: dict[str, list[str]] = {}
        for f in self.files:
            names.setdefault(f.rpartition("/")[2], []).append(f)
        return names

    def has(self, rel: str) -> bool:
        return rel in self.file_set

    @cached_property
    def dir_set(self) -> set[str]:
        out: set[str] = set()
        for f in self.files:
            d = f.rpartition("/")[0]
            while d and d not in out:
                out.add(d)
                d = d.rpartition("/")[0]
        return out

    @cached_property
    def by_dir(self) -> dict[str, list[str]]:
        """directory ("" is the root) -> the tracked files directly in it."""
        dirs: dict[str, list[str]] = {}
        for f in self.files:
            dirs.setdefault(f.rpartition("/")[0], []).append(f)
        return dirs

    @cached_property
    def _sorted(self) -> list[str]:
        return sorted(self.files)

    def under(self, prefix: str) -> list[str]:
        """Tracked files whose path starts with prefix (e.g. ".github/workflows/"), without a scan."""
        from bisect import bisect_left

        files = self._sorted
        i = bisect_left(files, prefix)
        out = []
        while i < len(files) and files[i].startswith(prefix):
            out.append(files[i])
            i += 1
        return out

    def is_link(self, rel: str) -> bool:
        return (self.root / rel).is_symlink()

    def is_dir(self, rel: str) -> bool:
        """A directory holding tracked files."""
        return rel in self.dir_set

    def first(self, scope: str, *names: str) -> str | None:
        """The first of names tracked in the directory scope ("" is the root)."""
        for name in names:
            rel = join(scope, name)
            if rel in self.file_set:
                return rel
        return None

    def dirs_matching(self, patterns: list[str], marker: str, base: str = "") -> list[str]:
        """Directories matching workspace globs (with `!` exclusions) that contain a tracked marker file."""
        include = [glob_regex(join(base, p)) for p in patterns if not p.startswith("!")]
        exclude = [glob_regex(join(base, p[1:])) for p in patterns if p.startswith("!")]
        found = []
        for f in self.by_name.get(marker, []):
            d = f.rpartition("/")[0]
            if d and any(r.match(d) for r in include) and not any(r.match(d) for r in exclude):
                found.append(d)
        return sorted(set(found))

    def text(self, rel: str) -> str | None:
        """A tracked file's text (newlines normalised), None with a warning when it cannot be read."""
        if rel not in self._texts:
            self._texts[rel] = self._read(rel)
        return self._texts[rel]

    def _read(self, rel: str) -> str | None:
        try:
            raw = (self.root / rel).read_bytes()
        except FileNotFoundError:
            return None  # in the index but deleted in the working tree
        except OSError as e:
            self.warn(f"{rel}: cannot be read ({e.__class__.__name__}); skipped.")
            return None
        try:
            return raw.decode("utf-8-sig").replace("\r\n", "\n")
        except UnicodeDecodeError:
            self.warn(f"{rel}: not UTF-8; skipped.")
            return None

    def json(self, rel: str):
        key = ("json", rel)
        if key not in self._parsed:
            self._parsed[key] = self._json(rel)
        return self._parsed[key]

    def _json(self, rel: str) -> Any:
        text = self.text(rel)
        if text is None:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            self.warn(f"{rel}: not valid JSON ({e.msg} at line {e.lineno}, column {e.colno}); "
                      "its commands are skipped.")
            return None

    def toml(self, rel: str):
        key = ("toml", rel)
        if key not in self._parsed:
            self._parsed[key] = self._toml(rel)
        return self._parsed[key]

    def _toml(self, rel: str) -> dict | None:
        text = self.text(rel)
        if text is None:
            return None
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            self.warn(f"{rel}: not valid TOML ({e}); its commands are skipped.")
            return None

    def yaml(self, rel: str):
        key = ("yaml", rel)
        if key not in self._parsed:
            self._parsed[key] = self._yaml(rel)
        return self._parsed[key]

    def _yaml(self, rel: str) -> Any:
        text = self.text(rel)
        if text is None:
            return None
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError

        try:
            return YAML(typ="safe", pure=True).load(text)
        except YAMLError as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else e.__class__.__name__
            self.warn(f"{rel}: not valid YAML ({first}); its commands are skipped.")
            return None

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def join(scope: str, name: str) -> str:
    return f"{scope}/{name}" if scope else name


def dig(data: Any, *keys: str) -> Any:
    """data[k1][k2]... or None when any level is missing or not a mapping."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data
