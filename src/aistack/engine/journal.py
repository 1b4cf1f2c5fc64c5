"""The crash-safe change of one user file and of its ownership record, which must move together.

Order, all under the file's lock: the backup (complete, renamed into place) -> the new bytes staged in a temp
file beside the user's file, synced -> an intent record in aistack's data dir naming that temp file and holding
the ownership record the change will need -> the rename (or, to restore "no file", the unlink) -> the
ownership record -> the intent dropped.

The staged temp file is the commit marker: only the rename takes it away. A run killed at any instant leaves the
user's file as it was or as it will be, and the next run that takes the file's lock finds the intent and either
finishes (the rename happened: the record it carries is saved) or undoes (it did not: the temp file goes).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from aistack.engine import files, ownership
from aistack.engine.ownership import FileRecord
from aistack.errors import AistackError
from aistack.paths import Env

INTENT = ".intent.json"


def _intent(env: Env, file: Path) -> Path:
    return ownership.record_path(env, file, INTENT)


def _committed(intent: dict[str, Any]) -> bool:
    if intent.get("action") == "delete":
        return not os.path.lexists(intent["target"])
    return not os.path.lexists(intent["temp"])


def _valid(intent: Any) -> bool:
    return (isinstance(intent, dict) and isinstance(intent.get("target"), str)
            and (intent.get("action") == "delete" or isinstance(intent.get("temp"), str)))


def current_record(env: Env, file: Path) -> FileRecord:
    """The file's ownership record as a finished write will leave it, without writing (for --dry-run, --list)."""
    intent = ownership.read_json(_intent(env, file))
    if _valid(intent) and _committed(intent):
        return ownership.from_json(file, intent.get("record"))
    return ownership.load(env, file)


def recover(env: Env, file: Path, target: Path) -> str | None:
    """Finish or undo the change a killed run left under way, then clear what it left behind (temp files beside
    the user's file and in aistack's data dir). Call it holding the file's lock. Returns what was done."""
    path = _intent(env, file)
    intent = ownership.read_json(path)
    done = None
    if _valid(intent):
        if _committed(intent):
            ownership.write_json(env, ownership.record_path(env, file), intent.get("record"))
            if intent.get("action") == "delete":
                from aistack.engine import made

                made.prune(env, Path(intent["target"]).parent)  # what the killed run would have done next
            done = "finished"
        else:
            with contextlib.suppress(FileNotFoundError):
                if intent.get("temp"):
                    os.unlink(intent["temp"])
            done = "undone"
    path.unlink(missing_ok=True)
    files.clean_temps(target)
    for own in (path, ownership.record_path(env, file), files.backup_path(target, Path(env.data_dir()))):
        files.clean_temps(own)
    from aistack.engine import made

    made.tidy(env)
    return done


def write(env: Env, file: Path, target: Path, data: bytes, record: FileRecord, mode: int) -> None:
    """Replace `target` with `data` and save `record`, crash-safe (see the module's doc)."""
    tmp = files.stage(target, data, mode)
    try:
        _begin(env, file, {"action": "write", "target": str(target), "temp": str(tmp)}, record)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    try:
        files.commit(tmp, target)
    except BaseException:
        _intent(env, file).unlink(missing_ok=True)  # first, so the temp file's absence never reads as a commit
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _end(env, file, record)


def _end(env: Env, file: Path, record: FileRecord) -> None:
    try:
        ownership.save(env, file, record)
    except OSError as e:
        raise AistackError(f"{file} was changed, but aistack's record of it could not be saved ({e.strerror or e}); "
                           "the next run completes it.") from None
    _intent(env, file).unlink(missing_ok=True)


def delete(env: Env, file: Path, target: Path, record: FileRecord) -> None:
    """Delete `target` (a file aistack created, now holding nothing else) and save `record`, crash-safe."""
    _begin(env, file, {"action": "delete", "target": str(target)}, record)
    try:
        os.unlink(target)
    except BaseException:
        _intent(env, file).unlink(missing_ok=True)
        raise
    files.fsync_dir(target.parent)
    _end(env, file, record)


def _begin(env: Env, file: Path, intent: dict[str, Any], record: FileRecord) -> None:
    intent["file"] = str(file)
    intent["record"] = ownership.to_json(file, record)
    ownership.write_json(env, _intent(env, file), intent)

