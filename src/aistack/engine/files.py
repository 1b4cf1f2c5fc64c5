"""Safe file primitives: atomic write through symlinks keeping the mode, per-file locks, one-time backups."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Iterator

from aistack.errors import AistackError

BACKUP_SUFFIX = ".aistack.bak"


def resolve_target(path: Path) -> Path:
    """The file a write should replace: a symlink (dotfile managers) is written through, the link stays."""
    try:
        return path.resolve(strict=False) if path.is_symlink() else path
    except OSError:
        return path


def atomic_write(path: Path, data: str | bytes, mode: int | None = None) -> None:
    """Write via a temp file in the same directory, fsync, rename; keep the existing file's mode."""
    path = Path(path)
    target = resolve_target(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        keep_mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        keep_mode = mode if mode is not None else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, keep_mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


def _fsync_dir(directory: Path) -> None:
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextlib.contextmanager
def file_lock(path: Path, timeout: float = 30.0) -> Iterator[None]:
    """A cross-process lock for one file, held in aistack's data dir so no lock file lands beside the user's."""
    from filelock import FileLock, Timeout

    from aistack.paths import Env

    target = resolve_target(Path(path)).absolute()
    lock_dir = Path(Env.current().data_dir()) / "locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    import hashlib

    name = hashlib.sha256(str(target).encode()).hexdigest()[:24] + ".lock"
    lock = FileLock(str(lock_dir / name), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise AistackError(f"{path} is locked by another aistack run.",
                           hint="Wait for it to finish, then try again.") from None
    try:
        yield
    finally:
        lock.release()


def backup_once(path: Path) -> Path | None:
    """Copy the file to `<file>.aistack.bak` before aistack's first change; an existing backup is never overwritten."""
    target = resolve_target(Path(path))
    backup = target.with_name(target.name + BACKUP_SUFFIX)
    if not target.exists() or backup.exists():
        return None
    data = target.read_bytes()
    fd = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IMODE(target.stat().st_mode))
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return backup


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, None when it does not exist; a clear error for what cannot be read."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise AistackError(f"{path} is a directory, where a config file is expected.",
                           hint="Move the directory aside; aistack will not touch it.") from None
    except PermissionError:
        raise AistackError(f"{path} cannot be read (permission denied).",
                           hint="Check the file's owner and mode.") from None
