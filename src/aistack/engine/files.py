"""Safe file primitives: reads of regular files only, atomic writes through symlinks with explicit modes,
per-file locks, one-time backups in aistack's data dir, and the clean-up of what a killed run left behind."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from aistack.errors import AistackError
from aistack.paths import PRIVATE_DIR, private_dir

PRIVATE_FILE = 0o600  # aistack's own data, and config files it creates for a user
SHARED_FILE, SHARED_DIR = 0o644, 0o755  # files meant for a team (a repository's work tree), less the umask
TEMP_SUFFIX = ".aistack-tmp"
# What follows `.<name>` in a temp file's name: this version's, and the tempfile.mkstemp names of earlier ones.
_TEMP_TAIL = re.compile(r"\.(?:[0-9a-f]{8}\.aistack-tmp|[a-z0-9_]{8}\.tmp)")
_O_BINARY = getattr(os, "O_BINARY", 0)


def shared_mode(mode: int) -> int:
    """A team file's mode: `mode` less the umask, so never writable by others whatever the umask."""
    return mode & ~_umask()


def resolve_target(path: Path) -> Path:
    """The file a write should replace: a symlink (dotfile managers) is written through, the link stays."""
    path = Path(path)
    try:
        return path.resolve(strict=False) if path.is_symlink() else path
    except RuntimeError:  # Python < 3.13 reports a symlink loop this way
        raise _loop(path) from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise _loop(path) from None
        return path


def _loop(path: Path) -> AistackError:
    return AistackError(f"{path} is a symlink loop; aistack did not touch it.",
                        hint="Point the link at a real file (or remove it), then run again.")


_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device"}


def _not_regular(path: Path, mode: int) -> AistackError:
    if stat.S_ISDIR(mode):
        return AistackError(f"{path} is a directory, where a config file is expected.",
                            hint="Move the directory aside; aistack will not touch it.")
    kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
    return AistackError(f"{path} is {kind}, where a config file is expected; aistack reads and writes only "
                        "regular files.", hint="Replace it with a regular file (or move it aside), then run again.")


def _read_error(path: Path, e: OSError) -> AistackError:
    if e.errno == errno.ELOOP:
        return _loop(path)
    if isinstance(e, PermissionError):
        return AistackError(f"{path} cannot be read (permission denied).", hint="Check the file's owner and mode.")
    if isinstance(e, NotADirectoryError):
        return AistackError(f"{path} cannot be read: a part of its path is a file, not a directory.")
    return AistackError(f"{path} cannot be read ({e.strerror or e}).")


def read_bytes(path: Path) -> bytes | None:
    """The bytes of a regular file, None when it does not exist (a dangling link included); a clear error for
    anything else. A FIFO, socket or device is never opened (a FIFO would block forever)."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(path, mode)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | _O_BINARY)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise _read_error(path, e) from None
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fh.fileno()).st_mode
        if not stat.S_ISREG(mode):  # swapped for something else between the stat and the open
            raise _not_regular(path, mode)
        return fh.read()


def missing_dirs(directory: Path) -> list[Path]:
    """The directories to create, top first, for `directory` to exist; an error when a part of the way is a
    file or a dangling symlink (aistack creates no directory through a link)."""
    missing: list[Path] = []
    current = Path(directory)
    while not current.is_dir():
        if os.path.lexists(current):
            what = "a symlink to nothing" if current.is_symlink() else "not a directory"
            raise AistackError(f"{current} is {what}; aistack did not create anything under it.",
                               hint="Create the directory (or fix the link), then run again.")
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    return missing[::-1]


def make_dir(directory: Path, mode: int) -> None:
    """Create one directory with exactly `mode`, whatever the umask."""
    os.mkdir(directory, mode)
    os.chmod(directory, mode)


def stage(target: Path, raw: bytes, mode: int) -> Path:
    """Write `raw` to a new temp file beside `target`, synced to disk, with the mode the target will have
    (its current one when it exists, else `mode`). Renaming it over the target is the commit."""
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        pass
    tmp = target.parent / f".{target.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | _O_BINARY, PRIVATE_FILE)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def commit(tmp: Path, target: Path) -> None:
    os.replace(tmp, target)
    fsync_dir(target.parent)


def atomic_write(path: Path, data: str | bytes, mode: int | None = None) -> None:
    """Replace a file whole via a synced temp file and a rename, keeping an existing file's mode. A new file gets
    `mode` (its missing parents 0700 when it is private), else 0644 less the umask (parents 0755 less it)."""
    target = resolve_target(Path(path))
    raw = data.encode("utf-8") if isinstance(data, str) else data
    private = mode is not None and not mode & 0o077
    for d in missing_dirs(target.parent):
        with contextlib.suppress(FileExistsError):
            make_dir(d, PRIVATE_DIR if private else shared_mode(SHARED_DIR))
    replace_whole(target, raw, mode if mode is not None else shared_mode(SHARED_FILE))


def replace_whole(target: Path, raw: bytes, mode: int) -> None:
    """Stage and commit in one go (the file as it was, or whole as it will be); no temp file left on failure."""
    tmp = stage(target, raw, mode)
    try:
        commit(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def fsync_dir(directory: Path) -> None:
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _umask() -> int:
    current = os.umask(0o077)
    os.umask(current)
    return current


def clean_temps(path: Path) -> int:
    """Delete the temp files killed runs left beside `path` (`.<name>.<random>.aistack-tmp`, and the older
    `.<name>.<8 chars>.tmp`). Call it holding the file's lock, after any pending write was recovered."""
    path = Path(path)
    prefix = f".{path.name}"
    removed = 0
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return 0
    for entry in entries:
        if not (entry.name.startswith(prefix) and _TEMP_TAIL.fullmatch(entry.name, len(prefix))):
            continue
        with contextlib.suppress(OSError):
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed += 1
    return removed


def _data_dir() -> Path:
    from aistack.paths import Env

    return Path(Env.current().data_dir())


@contextlib.contextmanager
def file_lock(path: Path, timeout: float = 30.0) -> Iterator[None]:
    """A cross-process lock for one file, held in aistack's data dir so no lock file lands beside the user's."""
    from filelock import FileLock, Timeout

    target = resolve_target(Path(path)).absolute()
    lock_dir = _data_dir() / "locks"
    name = hashlib.sha256(str(target).encode()).hexdigest()[:24] + ".lock"
    try:
        private_dir(lock_dir.parent, "locks")
        lock = FileLock(str(lock_dir / name), timeout=timeout, mode=PRIVATE_FILE)
        lock.acquire()
    except Timeout:
        raise AistackError(f"{path} is locked by another aistack run.",
                           hint="Wait for it to finish, then try again.") from None
    except OSError as e:
        raise AistackError(f"cannot lock {path}: {lock_dir} is not writable ({e.strerror or e}); nothing was changed.",
                           hint="Make aistack's data directory writable (or set AISTACK_DATA_DIR).") from None
    try:
        with contextlib.suppress(OSError):
            if stat.S_IMODE(os.stat(lock.lock_file).st_mode) != PRIVATE_FILE and os.name != "nt":
                os.chmod(lock.lock_file, PRIVATE_FILE)  # a filelock that applies the umask
        yield
    finally:
        lock.release()


def backup_path(target: Path, data_dir: Path | None = None) -> Path:
    """Where the one backup of a file lives: aistack's data dir, `backups/`, named after the file's full path."""
    name = quote(str(Path(target).absolute()), safe=" !#$&'()+,;=@[]^`{}~-._")
    if len(name) > 200:  # keep within a file name's limit, still readable by its end
        name = hashlib.sha256(name.encode()).hexdigest()[:16] + "..." + name[-180:]
    return (data_dir or _data_dir()) / "backups" / name


def backup_once(path: Path, data: bytes | None = None, data_dir: Path | None = None) -> Path | None:
    """Keep the file's bytes (`data`: what was read, else read now) before aistack's first change to it, in
    aistack's data dir (0600). Written whole and renamed into place, so a kill leaves no partial backup; an
    existing backup is never overwritten. Call it holding the file's lock."""
    target = resolve_target(Path(path))
    backup = backup_path(target, data_dir)
    if os.path.lexists(backup):
        return None
    if data is None:
        data = read_bytes(target)
        if data is None:
            return None
    private_dir(backup.parent.parent, "backups")
    clean_temps(backup)
    replace_whole(backup, data, PRIVATE_FILE)
    return backup
