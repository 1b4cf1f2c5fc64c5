"""Every user path, computed from (home, environment, platform) so all three OSes test on Linux."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Mapping

APP = "aistack"
PRIVATE_DIR = 0o700  # aistack's own directories (login, cache, remembered profile): the user's alone
MANAGED_ROOT = "AISTACK_MANAGED_ROOT"  # a directory standing for `/` (or the drive) when admin-owned files are read


def _platform_name(raw: str) -> str:
    if raw.startswith("win"):
        return "win32"
    if raw == "darwin":
        return "darwin"
    return "linux"


def below_root(path: str, windows: bool) -> tuple[str, ...]:
    """An absolute path's parts below its root or drive: `/etc/codex/x.toml` -> (etc, codex, x.toml),
    `C:\\Program Files\\X\\f` -> (Program Files, X, f); for a path placed under another root (a test's, an image's,
    a rendered tree's)."""
    return (PureWindowsPath(path) if windows else PurePosixPath(path)).parts[1:]


@dataclass(frozen=True)
class Env:
    """Where the user's files are. `Env.current()` for this machine; tests build others."""

    home: PurePath
    environ: Mapping[str, str] = field(default_factory=dict)
    platform: str = "linux"  # "linux" | "darwin" | "win32"
    # For another OS's paths, which cannot exist here: the paths a test declares present (a fake file system).
    present: frozenset[str] = frozenset()
    # The commands on PATH, by name, when given (another OS, or a test); else PATH is searched on this machine.
    commands: Mapping[str, str] | None = None
    # What aistack itself made and that holds only what it wrote (engine.made.hidden): `exists` looks past it, so
    # detection finds the assistant itself, never aistack's own files.
    hidden: frozenset[str] = frozenset()

    @classmethod
    def current(cls) -> "Env":
        return cls(home=Path.home(), environ=dict(os.environ), platform=_platform_name(sys.platform))

    @property
    def windows(self) -> bool:
        return self.platform == "win32"

    @property
    def is_local(self) -> bool:
        """True when the paths are this machine's, so they can be read and written."""
        return self.platform == _platform_name(sys.platform)

    def _path(self, raw: str) -> PurePath:
        if self.windows:
            return PureWindowsPath(raw)
        return Path(raw) if self.is_local else PurePosixPath(raw)

    def exists(self, path: PurePath) -> bool:
        if self.hidden and any(str(p) in self.hidden for p in (path, *path.parents)):
            return False
        if self.is_local:
            try:
                return Path(path).exists()
            except OSError:
                return False
        text = str(path)
        return any(p == text or p.startswith(text + ("\\" if self.windows else "/")) for p in self.present)

    def children(self, directory: PurePath, pattern: str) -> list[PurePath]:
        """Entries of a directory matching a glob pattern, sorted."""
        if self.is_local:
            try:
                return sorted(p for p in Path(directory).glob(pattern) if self.exists(p))
            except OSError:
                return []
        import fnmatch

        sep = "\\" if self.windows else "/"
        prefix = str(directory) + sep
        names = {p[len(prefix):].split(sep)[0] for p in self.present if p.startswith(prefix)}
        return sorted(self._path(prefix + n) for n in names if fnmatch.fnmatch(n, pattern))

    def which(self, name: str) -> str | None:
        """Where command `name` is on this environment's PATH, or None."""
        if self.commands is not None:
            return self.commands.get(name)
        if not self.is_local:
            return None
        from shutil import which

        return which(name, path=self.environ.get("PATH", ""))

    def managed(self, paths: Mapping[str, str], override: str | None = None) -> PurePath | None:
        """Where an admin-owned file of an assistant (assistants.base.ManagedFile: its `paths` per platform and the
        variable the assistant reads instead) is on this machine: the variable when set, else this platform's path,
        under AISTACK_MANAGED_ROOT when that is set (tests, and a look at a mounted image; never the real /etc).
        None when the assistant has no such file on this platform."""
        if override and self.var(override):
            return self._path(self.environ[override])
        raw = paths.get(self.platform)
        if raw is None:
            return None
        root = self.var(MANAGED_ROOT)
        if root:
            return self._path(root).joinpath(*below_root(raw, self.windows))
        return self._path(raw)

    def var(self, name: str) -> str | None:
        value = self.environ.get(name)
        return value or None

    def under_home(self, *parts: str) -> PurePath:
        return self._path(str(self.home)).joinpath(*parts)

    def from_var(self, name: str, *parts: str) -> PurePath | None:
        value = self.var(name)
        return self._path(value).joinpath(*parts) if value else None

    # Base directories as each OS defines them.
    def xdg_config(self) -> PurePath:
        return self.from_var("XDG_CONFIG_HOME") or self.under_home(".config")

    def appdata(self) -> PurePath:
        return self.from_var("APPDATA") or self.under_home("AppData", "Roaming")

    def localappdata(self) -> PurePath:
        return self.from_var("LOCALAPPDATA") or self.under_home("AppData", "Local")

    def app_support(self) -> PurePath:
        """The per-user application settings dir: %APPDATA%, ~/Library/Application Support, or XDG config."""
        if self.windows:
            return self.appdata()
        if self.platform == "darwin":
            return self.under_home("Library", "Application Support")
        return self.xdg_config()

    # aistack's own directories.
    def config_dir(self) -> PurePath:
        override = self.from_var("AISTACK_CONFIG_DIR")
        if override:
            return override
        if self.windows:
            return self.appdata().joinpath(APP)
        if self.platform == "darwin":
            return self.under_home("Library", "Application Support", APP)
        return self.xdg_config().joinpath(APP)

    def data_dir(self) -> PurePath:
        override = self.from_var("AISTACK_DATA_DIR")
        if override:
            return override
        if self.windows:
            return self.localappdata().joinpath(APP)
        if self.platform == "darwin":
            return self.under_home("Library", "Application Support", APP)
        return (self.from_var("XDG_DATA_HOME") or self.under_home(".local", "share")).joinpath(APP)

    def cache_dir(self) -> PurePath:
        override = self.from_var("AISTACK_CACHE_DIR")
        if override:
            return override
        if self.windows:
            return self.localappdata().joinpath(APP, "Cache")
        if self.platform == "darwin":
            return self.under_home("Library", "Caches", APP)
        return (self.from_var("XDG_CACHE_HOME") or self.under_home(".cache")).joinpath(APP)


def private_dir(base: PurePath, *parts: str) -> Path:
    """`base/parts...` as a directory only its user can enter, whatever the umask: missing directories (and
    missing parents of `base`) are created 0700, and `base` and each part are tightened to 0700 when they are
    open to others (as an earlier aistack under umask 000 left them). Directories above `base` that exist are
    the user's and are left alone."""
    directory = Path(base).joinpath(*parts)
    missing = []
    current = directory
    while not current.is_dir():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for d in reversed(missing):
        try:
            os.mkdir(d, PRIVATE_DIR)
        except FileExistsError:  # another aistack run made it first
            pass
    if os.name != "nt":
        for d in (Path(base).joinpath(*parts[:i]) for i in range(len(parts) + 1)):
            if os.stat(d).st_mode & 0o077:
                os.chmod(d, PRIVATE_DIR)
    return directory
