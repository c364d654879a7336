"""Pages → an output folder, swapped in whole: the old site or the new one, never a mix."""
from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from .lock import output_lock
from .problems import BuildFailed, Problem, problem

_RENAME_EXCHANGE = 2  # linux/fs.h
# In every folder a build writes, the list of the files it wrote: a build replaces a folder
# only if nothing else is in it (foreign_files), so it never deletes someone's own files.
MARKER = ".signpost-build"
FINGERPRINTED = re.compile(r"(.*)\.[0-9a-f]{10}(\.[^./]+)")   # css/site.1a2b3c4d5e.css, see render.py


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2); False where the system can't."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def remove_leftovers(out: Path) -> None:
    """Delete temp folders that a killed build left beside the output folder. Call only while
    holding the output's lock: then no other build is writing any of them."""
    for leftover in out.parent.glob(f".{out.name}.*.tmp"):
        shutil.rmtree(leftover, ignore_errors=True)


class LinkableBytes(bytes):
    """A file's bytes that are also, unchanged, in the file at `source`: write_files hard-links
    that file instead of writing the bytes again (a warm build reuses most of the last site)."""

    source: Path
    inode: tuple[int, ...] = ()   # the source's (mode, inode, device) when read
    sha256: str = ""


def write_files(files, folder: Path, over_old: bool = False) -> list[str]:
    """Write every file under folder, creating sub-folders as needed; the paths written.

    `files` is a {path: bytes} mapping or an iterable of (path, bytes) pairs: a build passes
    the renderer's generator, so only one page at a time is held in memory. A file already
    in folder is replaced, never written into: it may be a hard link to a published page.
    `over_old`: folder holds an old site, whose files may stand where folders must go now.
    """
    written: list[str] = []
    folders: set[Path] = set()
    for rel, data in (files.items() if isinstance(files, dict) else files):
        target = folder / rel
        try:
            place(data, target, folders)
        except OSError:
            if not over_old or not clear_the_way(folder, rel, set(written)):
                raise
            place(data, target, folders)
        written.append(rel)
    return written


def place(data: bytes, target: Path, folders: set[Path]) -> None:
    """One file: hard-linked when its bytes are a published file's, else written."""
    if target.parent not in folders:
        target.parent.mkdir(parents=True, exist_ok=True)
        folders.add(target.parent)
    linkable = data if isinstance(data, LinkableBytes) else None
    if linkable is not None and linkable.inode and linkable.inode == inode_of(target):
        return  # already a link to that very file
    with contextlib.suppress(FileNotFoundError):
        target.unlink()
    if linkable is not None and hard_link(linkable.source, target):
        if inode_of(target) == linkable.inode:
            return
        target.unlink()  # the file there is not the one checked (another build replaced it): write the bytes
    target.write_bytes(data)


def clear_the_way(folder: Path, rel: str, written: set[str]) -> bool:
    """Remove an old site's file standing where a folder of `rel` must go, or its folder where
    `rel` must go; False if what is in the way was written by this build (a real clash)."""
    parts = rel.split("/")
    blocking = [folder.joinpath(*parts[:end]) for end in range(1, len(parts))]
    blocking = [path for path in blocking if path.is_file() or path.is_symlink()]
    target = folder / rel
    if target.is_dir() and not target.is_symlink():
        blocking.append(target)
    in_the_way = [path.relative_to(folder).as_posix() for path in blocking]
    if not blocking or any(done == path or done.startswith(path + "/") for path in in_the_way for done in written):
        return False
    for path in blocking:
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    return True


def inode_of(path: Path) -> tuple[int, ...]:
    try:
        return os.lstat(path)[:3]
    except OSError:
        return ()


def remove_others(folder: Path, keep: list[str]) -> None:
    """Delete the files under folder that are not in `keep`, and the folders left empty."""
    wanted, root = set(keep), str(folder)
    for directory, _, names in os.walk(root, topdown=False):
        prefix = os.path.relpath(directory, root) + "/" if directory != root else ""
        for name in names:
            if prefix + name not in wanted:
                os.unlink(os.path.join(directory, name))
        if directory != root:
            with contextlib.suppress(OSError):  # not empty: the usual case, and cheaper than looking
                os.rmdir(directory)


def hard_link(source: Path, target: Path) -> bool:
    """Link target to source's file; False where the disk can't (another disk, no hard links)."""
    try:
        os.link(source, target)
        return True
    except OSError:
        return False


def update_changed(files: dict[str, bytes], previous: dict[str, bytes], folder: Path) -> int:
    """Rewrite only the files whose bytes changed since `previous` was written to folder, and
    remove the ones that went; each file is replaced whole (a temp file renamed over it).
    For the preview, where one save changes a handful of pages out of thousands."""
    changed = [path for path, data in files.items() if previous.get(path) != data]
    if files.keys() != previous.keys():   # listed before they are written, so a crash can't orphan one
        write_marker(folder, files.keys() | previous.keys())
    for rel in sorted(changed):
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(files[rel])
        temporary.replace(target)
    for rel in previous.keys() - files.keys():
        (folder / rel).unlink(missing_ok=True)
        remove_empty_folders((folder / rel).parent, folder)
    if files.keys() != previous.keys():
        write_marker(folder, files.keys())
    return len(changed)


def remove_empty_folders(start: Path, top: Path) -> None:
    """The folders a page that went leaves empty (tags/running/): the next full write would take
    them for someone else's and refuse the folder."""
    while start != top and start.is_relative_to(top):
        try:
            start.rmdir()
        except OSError:   # not empty: other pages are still in it
            return
        start = start.parent


def write_marker(folder: Path, paths) -> None:
    """Record in folder which files Signpost wrote there (see foreign_files); replaced whole."""
    temporary = folder / f".{MARKER}.tmp"
    temporary.write_bytes(marker_bytes(paths))
    temporary.replace(folder / MARKER)


def marker_bytes(paths) -> bytes:
    return json.dumps({"about": "Written by Signpost: the files of this site. A build replaces this folder "
                       "only if it wrote every file in it.", "files": sorted(paths)}, indent=1).encode() + b"\n"


def listed_in_marker(folder: Path) -> set[str]:
    """The files folder's marker lists; none if it has no marker (or one that is not ours)."""
    try:
        files = json.loads((folder / MARKER).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, LookupError, TypeError):
        return set()
    return {path for path in files if isinstance(path, str)} if isinstance(files, list) else set()


def foreign_files(out: Path, written=()) -> list[str]:
    """What in `out` Signpost did not write, so replacing `out` must not delete: 'uploads/' for a
    folder holding nothing of ours, else each file; sorted.

    Signpost's are the files its marker lists and those this build writes again (so a site an
    older Signpost built, with no marker, is taken over when the new site replaces every file of
    it), an older fingerprint of an asset (css/site.<hash>.css) and a killed preview's temp file."""
    ours = set(written) | listed_in_marker(out) | {MARKER}
    folders = {parent for path in ours for parent in parents_of(path)}
    assets = {"".join(match.groups()) for match in map(FINGERPRINTED.fullmatch, ours) if match}
    found = []
    for directory, subfolders, names in os.walk(out):
        prefix = "" if directory == str(out) else os.path.relpath(directory, out) + "/"
        for name in list(subfolders):
            if prefix + name not in folders:
                found.append(prefix + name + "/")
                subfolders.remove(name)   # all of it is foreign: no need to list what is inside
        for name in names:
            rel = prefix + name
            asset = FINGERPRINTED.fullmatch(rel)
            temporary = name.startswith(".") and name.endswith(".tmp") and prefix + name[1:-4] in ours
            if rel not in ours and not (asset and "".join(asset.groups()) in assets) and not temporary:
                found.append(rel)
    return sorted(found)


def parents_of(path: str) -> list[str]:
    """'a/b/c.html' → ['a', 'a/b']."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]


def write_site(files, out: Path, keep=(), keep_replaced_site: bool = False, finish=None) -> list[str]:
    """Write the site into `out` and return the paths written; a disk that is full or read-only
    is a problem, not a traceback. `files` as for write_files.

    `keep` lists folders (the sources) that replacing `out` must never delete. One build at a
    time writes into `out` (lock.py); another waits. With `keep_replaced_site`, see swap_in.
    `finish(folder)`, if given, adds files made from the written site (the search index) and
    returns their paths: see swap_in.
    """
    refused = unsafe_out_problem(out, keep)
    if refused:
        raise BuildFailed([refused])
    try:
        real = out.resolve()
        real.parent.mkdir(parents=True, exist_ok=True)
        with output_lock(real, shown_as=out):
            return swap_in(files, real, keep_replaced_site, display=out, finish=finish)
    except OSError as error:
        raise BuildFailed([write_problem(out, error)]) from error


def unsafe_out_problem(out: Path, keep) -> Problem | None:
    """Replacing `out` deletes what was in it: refuse a folder holding the sources, a file, or a
    folder that is plainly not a site (checked again, file by file, once the site is written)."""
    hint = "Build into a folder of its own, e.g. dist/."
    real = Path(os.path.realpath(out))
    for folder in keep:
        if real == Path(os.path.realpath(folder)) or real in Path(os.path.realpath(folder)).parents:
            return problem(out, None, f"Building here would delete {folder}", hint)
    if real.exists() and not real.is_dir():
        return problem(out, None, "Could not write the site here: this is a file, not a folder", hint)
    # Refused now, before a lock file or temp folder is made beside it.
    if real.is_dir() and not (real / MARKER).exists() and not (real / "index.html").is_file():
        return foreign_files_problem(out, foreign_files(real), marked=False)
    return None


def foreign_files_problem(out: Path, foreign: list[str], marked: bool) -> Problem | None:
    """Why a folder holding files Signpost did not write is refused, and what to do; None if it
    holds none. `marked`: the folder has Signpost's marker, so someone added those files."""
    if not foreign:
        return None
    shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
    if marked:
        hint = ("Each build replaces this whole folder: move those files somewhere else, or delete "
                "them yourself, then build again.")
    else:
        hint = ("Choose a new or empty folder with --out. If this folder only holds a site an older "
                f"Signpost built (without a {MARKER} file), delete it yourself and build again.")
    return problem(out, None, f"Building here would delete files that Signpost did not write: {shown}", hint)


def write_problem(out: Path, error: OSError) -> Problem:
    """What went wrong while writing, in plain words."""
    hints: dict[int | None, str] = {  # errno is None for an OSError raised without one
        errno.ENOSPC: "Free some disk space, then build again.",
        errno.EDQUOT: "Free some disk space, then build again.",
        errno.EACCES: f"Check that you are allowed to write to {out.parent}.",
        errno.EPERM: f"Check that you are allowed to write to {out.parent}.",
        errno.EROFS: "The disk is read-only; build to another folder with --out.",
    }
    return problem(out, None, f"Could not write the site here: {error.strerror or error}",
                   hints.get(error.errno, ""))


def swap_in(files, out: Path, keep_replaced_site: bool = False, display: Path | None = None,
            finish=None) -> list[str]:
    """Write into a temp folder beside `out` (resolved, its lock held), with the marker listing
    what was written, then swap it in; on any error, or if `out` holds files Signpost did not
    write, `out` is untouched.

    With `keep_replaced_site`, the site this build replaces is kept beside `out` (.NAME.spare) and the next
    build starts from it instead of an empty folder: files that are still right (hard links to
    the pages it reuses) stay, and nothing is created or deleted for them. A warm build of
    thousands of pages then touches only the few that changed.

    `finish(staging)` runs once the site is complete in the temp folder, before the marker is
    written and the folder swapped in; the paths it returns are listed with the site's.
    """
    remove_leftovers(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    replaced_site = out.parent / f".{out.name}.spare"   # where the replaced site waits for the next build
    try:
        if keep_replaced_site:
            with contextlib.suppress(OSError):  # none yet, or on another disk
                replaced_site.rename(staging)   # (replaces the empty staging folder)
        written = write_files(files, staging, over_old=keep_replaced_site)
        if keep_replaced_site:
            remove_others(staging, written)
        if finish is not None:
            written += finish(staging)
        write_marker(staging, written)
        refused = foreign_files_problem(display or out, foreign_files(out, written), (out / MARKER).exists())
        if refused:
            raise BuildFailed([refused])
        staging.chmod(0o755)
        if out.exists() and _exchange(staging, out):
            # Now holds the previous site; the new one is live, so a failure here is not the build's.
            retire(staging, replaced_site if keep_replaced_site else None)
            return written
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
            old.rmdir()
            out.rename(old)
            try:
                staging.rename(out)
            except OSError:
                old.rename(out)  # put the old site back
                raise
            retire(old, replaced_site if keep_replaced_site else None)
        else:
            staging.rename(out)
        return written
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def retire(old_site: Path, keep_as: Path | None) -> None:
    """Keep the replaced site as the next build's starting point (at `keep_as`), or delete it."""
    if keep_as is not None:
        with contextlib.suppress(OSError):  # another build's replaced site is already there
            old_site.rename(keep_as)
            return
    shutil.rmtree(old_site, ignore_errors=True)
