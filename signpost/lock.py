"""One build at a time into an output folder: an advisory lock on a file beside it.

Two builds writing one folder at once would each clear the other's temp folder and could
publish half a site. The system drops the lock when its holder exits or is killed, so a
crashed build never leaves it held. The holder deletes the file as it lets go; a build that
then finds it has locked a deleted file tries again with the new one.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from .problems import BuildFailed, problem

SAY_WAITING_AFTER = 2.0   # seconds: a short wait is normal, a long one deserves a word
GIVE_UP_AFTER = 600.0     # seconds: the biggest sites write in well under a minute


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


@contextlib.contextmanager
def output_lock(out: Path, shown_as: Path | None = None, give_up_after: float | None = None) -> Iterator[None]:
    """Hold the lock on `out` (resolved; its parent must exist) for the `with` block; wait while
    another build holds it, saying so after a while, and fail with a problem after a timeout.
    Messages name the folder as `shown_as` (as the person typed it)."""
    fd = acquire(lock_path(out), shown_as or out, GIVE_UP_AFTER if give_up_after is None else give_up_after)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())   # who holds it, for the message of a build that waits
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock_path(out))   # while still holding it: see same_file
        os.close(fd)


def acquire(path: Path, shown_as: Path, give_up_after: float) -> int:
    """An open descriptor of the lock file `path`, locked."""
    started, said = time.monotonic(), False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if same_file(fd, path):
                return fd
            os.close(fd)   # locked a file its holder deleted as it finished: lock the new one
            continue
        except BlockingIOError:
            pass
        waited, other = time.monotonic() - started, holder(fd)
        os.close(fd)
        if waited >= give_up_after:
            raise BuildFailed([problem(shown_as, None, f"Another build into this folder{other} was still writing "
                                       f"it after {give_up_after:.0f} s, so this one stopped",
                                       "Wait for the other build to finish, or stop it, then build again.")])
        if waited >= SAY_WAITING_AFTER and not said:
            print(f"Waiting for another build into {shown_as}{other} to finish…", file=sys.stderr, flush=True)
            said = True
        time.sleep(0.05)


def same_file(fd: int, path: Path) -> bool:
    """Whether `path` is still the file open as fd (its holder deletes it as it lets go)."""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except OSError:
        return False


def holder(fd: int) -> str:
    """' (process N)': the pid the lock's holder wrote into the file, or '' if unknown."""
    with contextlib.suppress(OSError, ValueError):
        return f" (process {int(os.pread(fd, 20, 0))})"
    return ""
