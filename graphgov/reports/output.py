"""Writing outputs safely: atomically, never over an input, with clear errors.

An output is written to a temporary file ``.graphgov-*.tmp`` beside it and moved into place with
``os.replace``, so a crash leaves the previous output intact; temporaries left by a killed run are
removed by the next one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from ..errors import OutputError

STALE_SECONDS = 60


def check_not_input(
    output: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]
) -> None:
    """Refuse an output path that is one of the inputs (also through a symlink, hard link or case variant)."""
    out = Path(output)
    if not out.exists():
        return
    for item in inputs:
        path = Path(item)
        candidates = (
            [path]
            if path.is_file()
            else (p for p in path.rglob("*") if p.is_file())
            if path.is_dir()
            else []
        )
        for cand in candidates:
            try:
                same = os.path.samefile(out, cand)
            except OSError:
                continue
            if same:
                msg = f"output would overwrite input {cand} — choose another -o path"
                raise OutputError(msg)


def remove_stale_temporaries(folder: str | os.PathLike[str]) -> int:
    """Delete ``.graphgov-*.tmp`` files older than a minute (left by a killed run)."""
    removed = 0
    now = time.time()
    with contextlib.suppress(OSError):
        for p in Path(folder).glob(".graphgov-*.tmp"):
            with contextlib.suppress(OSError):
                if now - p.stat().st_mtime > STALE_SECONDS:
                    p.unlink()
                    removed += 1
    return removed


def write_atomic(
    path: str | os.PathLike[str],
    data: bytes | str | Iterable[bytes],
    retries: int = 5,
    delay: float = 0.2,
) -> None:
    """Write ``data`` (text, bytes, or pieces of bytes written as they come) to ``path``
    atomically. Raises :class:`OutputError` (exit 4) on failure."""
    target = Path(path)
    pieces: Iterable[bytes] = (
        [data.encode("utf-8", errors="backslashreplace")]
        if isinstance(data, str)
        else [data]
        if isinstance(data, bytes)
        else data
    )
    if target.exists() and not target.is_file() and not target.is_dir():
        # a device or pipe (/dev/stdout, /dev/null, a FIFO): write into it, never replace it
        try:
            with open(target, "wb") as fh:
                for piece in pieces:
                    fh.write(piece)
        except OSError as err:
            msg = f"cannot write {target}: {err.strerror}"
            raise OutputError(msg) from err
        return
    if target.is_dir():
        msg = f"cannot write {target}: it is a folder — give a file name"
        raise OutputError(msg)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        msg = f"cannot write {target}: folder {folder} does not exist — create it first"
        raise OutputError(msg)
    remove_stale_temporaries(folder)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".graphgov-", suffix=".tmp", dir=folder)
    except OSError as err:
        msg = f"cannot write {target}: {err.strerror} — check the folder's permissions"
        raise OutputError(msg) from err
    tmp = Path(tmp_name)
    try:
        try:
            with os.fdopen(fd, "wb") as fh:
                for piece in pieces:
                    fh.write(piece)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as err:
            reason = "disk full" if err.errno == errno.ENOSPC else err.strerror
            msg = f"cannot write {target}: {reason} — nothing was changed"
            raise OutputError(msg) from err
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o644)
        for attempt in range(retries):
            try:
                os.replace(tmp, target)
                return
            except PermissionError as err:
                if attempt == retries - 1:
                    msg = f"cannot replace {target}: in use or not writable — close it (Excel?) and run again"
                    raise OutputError(msg) from err
                time.sleep(delay)
            except OSError as err:
                msg = f"cannot replace {target}: {err.strerror}"
                raise OutputError(msg) from err
    finally:
        if tmp.exists():
            with contextlib.suppress(OSError):
                tmp.unlink()
