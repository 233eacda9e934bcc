"""Writing outputs safely: atomically, never over an input, with clear errors.

An output is written to a temporary file ``.graphgov-PID-*.tmp`` beside it and moved into place
with ``os.replace``, so a crash leaves the previous output intact. A folder output (the review) is
written whole into a temporary folder and swapped into place (:func:`write_folder`), so a reader
never sees files of two runs together. Temporaries left by a killed run (their process is gone) are
removed by the next run that writes into the same folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
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


def _tmp_prefix(kind: str = "") -> str:
    return f".graphgov-{os.getpid()}-{kind}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: leave its files alone
    return True


def remove_stale_temporaries(folder: str | os.PathLike[str]) -> int:
    """Delete ``.graphgov-PID-*.tmp`` files and folders whose process has ended (left by a killed
    run), and temporaries without a process id (older graphgov) older than a minute."""
    removed = 0
    now = time.time()
    with contextlib.suppress(OSError):
        for p in Path(folder).glob(".graphgov-*.tmp"):
            head = p.name[len(".graphgov-") :].split("-", 1)[0]
            with contextlib.suppress(OSError):
                if head.isdigit():
                    stale = not _alive(int(head))
                else:
                    stale = now - p.stat().st_mtime > STALE_SECONDS
                if not stale:
                    continue
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p)
                else:
                    p.unlink()
                removed += 1
    return removed


def write_folder(
    folder: str | os.PathLike[str], files: dict[str, bytes | str], what: str = "a review"
) -> list[str]:
    """Write ``files`` (name -> data) as the whole content of ``folder``: into a temporary folder
    beside it, then swapped into place, so that the folder holds one run's files or the previous
    run's, never a mix. A folder holding other files is refused (they would be lost)."""
    target = Path(folder)
    parent = target.parent if str(target.parent) else Path(".")
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: exists and is not a folder — give -o a folder")
    if not parent.is_dir():
        raise OutputError(
            f"cannot create {target}: folder {parent} does not exist — create it first"
        )
    if target.is_dir():
        foreign = sorted(p.name for p in target.iterdir() if p.name not in files)
        if foreign:
            shown = ", ".join(foreign[:5]) + (
                f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
            )
            raise OutputError(
                f"{target}: holds files that are not part of {what} ({shown}); the folder is "
                "replaced as a whole — choose an empty or new folder"
            )
    remove_stale_temporaries(parent)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=_tmp_prefix("new-"), suffix=".tmp", dir=parent))
    except OSError as err:
        raise OutputError(
            f"cannot write {target}: {err.strerror} — check the folder's permissions"
        ) from err
    old: Path | None = None
    try:
        try:
            for name, data in files.items():
                payload = (
                    data.encode("utf-8", errors="backslashreplace")
                    if isinstance(data, str)
                    else data
                )
                with open(tmp / name, "wb") as fh:
                    fh.write(payload)
                    fh.flush()
                    os.fsync(fh.fileno())
            os.chmod(tmp, 0o755)
        except OSError as err:
            reason = "disk full" if err.errno == errno.ENOSPC else err.strerror
            raise OutputError(f"cannot write {target}: {reason} — nothing was changed") from err
        try:
            if target.exists():
                old = Path(tempfile.mkdtemp(prefix=_tmp_prefix("old-"), suffix=".tmp", dir=parent))
                os.replace(target, old / "previous")
            os.replace(tmp, target)
        except OSError as err:
            if old is not None and (old / "previous").exists() and not target.exists():
                os.replace(old / "previous", target)  # put the previous run back
            raise OutputError(
                f"cannot replace {target}: {err.strerror} — the previous files are unchanged"
            ) from err
    finally:
        for leftover in (tmp, old):
            if leftover is not None and leftover.exists():
                with contextlib.suppress(OSError):
                    shutil.rmtree(leftover)
    return [str(target / name) for name in files]


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
        fd, tmp_name = tempfile.mkstemp(prefix=_tmp_prefix(), suffix=".tmp", dir=folder)
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
