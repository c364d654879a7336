"""Crashes leave nothing half-done: a build killed at any moment leaves the old site or the new one,
and a disk that fails while writing leaves the old site and says so in plain words."""
from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from signpost.hosting import compressed, with_host_files
from signpost.incremental import Warm
from signpost.memo import SavedPages
from signpost.pipeline import Project, build, load_site
from signpost.problems import BuildFailed
from signpost.render import render_site
from signpost.search import index_pages
from signpost.serve import Preview, rebuild
from signpost.write import MARKER, marker_bytes, update_changed, write_site
from tests.sitekit import ROOT, make_content, tip, write_files

FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
WRITE_KILLS = 400 if FUZZ else 48      # SIGKILLs while write_site runs in a forked child
BUILD_KILLS = 20 if FUZZ else 2        # SIGKILLs of a whole `build.py` process while it writes
WORKER_KILLS = 40 if FUZZ else 8       # SIGKILLs of a cold build while its worker processes run
TIPS = 300                             # enough files that writing takes a while
# Runs build.py, saying "writing" on stdout just before the write phase starts.
ANNOUNCING_BUILD = """
import sys
sys.path.insert(0, sys.argv[1])
import build, signpost.pipeline as pipeline
original = pipeline.write_site
def announce_then_write(*args, **kwargs):
    print("writing", flush=True)
    return original(*args, **kwargs)
pipeline.write_site = announce_then_write
sys.exit(build.main(sys.argv[2:]))
"""
# Runs build.py as on a system without Linux's prctl: workers must notice their parent's death themselves.
PORTABLE_BUILD = """
import sys
sys.path.insert(0, sys.argv[1])
import build, signpost.parallel as parallel
parallel.ask_linux_to_end_me_with_my_parent = lambda *signal_number: False
sys.exit(build.main(sys.argv[2:]))
"""


def corpus(version: str) -> dict[str, str]:
    """TIPS tips; each version words them differently, so every page differs."""
    return {f"tips/tip-{n:03d}.md": tip(title=f"Tip {n} ({version})", summary=f"Version {version}.",
                                        body=f"## Part\n\n{f'Walk and stretch, {version}. ' * 150}\n")
            for n in range(TIPS)}


def render(content: Path) -> dict[str, bytes]:
    """What a build of `content` writes: the pages, and the search index made from them."""
    site, problems = load_site(Project.at(ROOT, content))
    assert site is not None, problems
    pages = render_site(site, ROOT / "templates")
    index = index_pages(pages)
    index_copies = [copy for path, data in index.items() for copy in compressed(path, data)]
    return {**dict(with_host_files(pages.items(), site.config)), **index, **dict(index_copies)}   # as a build writes it


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (bytes) and folder (None) under `folder`."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def expected_tree(files: dict[str, bytes]) -> dict[str, bytes | None]:
    """What write_site should leave: the files, the folders that hold them, and the list of them."""
    tree: dict[str, bytes | None] = {**files, MARKER: marker_bytes(files)}
    for rel in files:
        parts = rel.split("/")[:-1]
        tree.update({"/".join(parts[:i]): None for i in range(1, len(parts) + 1)})
    return tree


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name and p.name.startswith(f".{out.name}."))


def which_site(out: Path, sites: dict[str, dict]) -> str:
    """'a' or 'b': which whole site `out` holds; fails on anything else."""
    now = snapshot(out)
    match = [name for name, tree in sites.items() if now == tree]
    assert match, f"{out} is a mix: {len(now)} entries, neither the old site nor the new"
    return match[0]


def write_in_child(files: dict[str, bytes], out: Path) -> int:
    """Fork a child that writes the site and exits; returns its pid."""
    pid = os.fork()
    if pid == 0:  # the child: write, then leave without running pytest's cleanup
        try:
            write_site(files, out)
        finally:
            os._exit(0)
    return pid


def time_a_write(files, out: Path) -> float:
    started = time.perf_counter()
    os.waitpid(write_in_child(files, out), 0)
    return time.perf_counter() - started


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory):
    """Content folders for two versions of a big site, and each version's output, rendered once."""
    root = tmp_path_factory.mktemp("crash")
    contents = {name: make_content(root / name, corpus(name)) for name in "ab"}
    return contents, {name: render(folder) for name, folder in contents.items()}


def kill_write_after(files, out: Path, delay: float) -> bool:
    """Write in a child and SIGKILL it after `delay` seconds; False if it had already finished."""
    pid = write_in_child(files, out)
    time.sleep(delay)
    if os.waitpid(pid, os.WNOHANG)[0]:
        return False
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return True


def time_a_real_write(files, out: Path) -> float:
    """How long a write takes when, as after a crash, it must first clear a killed write's temp folder."""
    kill_write_after(files, out, 0.01)
    return time_a_write(files, out)


def test_killing_the_write_at_random_moments_leaves_the_old_site_or_the_new(tmp_path, two_sites):
    _, rendered = two_sites
    sites = {name: expected_tree(files) for name, files in rendered.items()}
    out = tmp_path / "dist"
    write_site(rendered["a"], out)
    duration = max(time_a_real_write(rendered["b"], out), time_a_real_write(rendered["a"], out))
    rng = random.Random(7)
    seen = {"old": 0, "new": 0, "finished first": 0}
    for _ in range(WRITE_KILLS):
        target = "b" if which_site(out, sites) == "a" else "a"
        killed = kill_write_after(rendered[target], out, rng.uniform(0, duration * 1.5))
        after = which_site(out, sites)
        seen["finished first" if not killed else "new" if after == target else "old"] += 1
        # a killed write leaves its temp folder, and its lock file (unlocked by its death), for the next one
        assert all(p.endswith(".tmp") or p == f".{out.name}.lock" for p in leftovers(out))
    write_site(rendered["a"], out)
    assert which_site(out, sites) == "a" and leftovers(out) == []
    print(f"\n{WRITE_KILLS} kill points over a {duration:.2f} s write: killed with the old site in place "
          f"{seen['old']}, with the new {seen['new']}; finished before the kill {seen['finished first']}")


def test_killing_the_build_command_while_it_writes(tmp_path, two_sites):
    contents, rendered = two_sites
    sites = {name: expected_tree(files) for name, files in rendered.items()}
    out = tmp_path / "dist"
    write_site(rendered["a"], out)
    rng = random.Random(11)
    for _ in range(BUILD_KILLS):
        target = "b" if which_site(out, sites) == "a" else "a"
        child = subprocess.Popen([sys.executable, "-c", ANNOUNCING_BUILD, str(ROOT), "build", "--content",
                                  str(contents[target]), "--out", str(out)], stdout=subprocess.PIPE, text=True)
        try:
            assert child.stdout.readline() == "writing\n"
            time.sleep(rng.uniform(0, 0.3))
        finally:
            child.kill()
            child.wait()
            child.stdout.close()
        which_site(out, sites)
    build(Project.at(ROOT, contents["b"]), out)
    # The next build cleaned up. A build that finished before its kill kept the site it replaced
    # as .dist.spare, by design (the next cached build starts from it): that is not debris.
    assert which_site(out, sites) == "b" and [p for p in leftovers(out) if p != f".{out.name}.spare"] == []


def processes() -> dict[int, tuple[int, str, bytes]]:
    """Every live process: pid → (parent pid, state, command line); zombies are dead."""
    found = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
                cmdline = Path(entry.path, "cmdline").read_bytes()
            except OSError:  # it ended while we looked
                continue
            if stat[0] != "Z":
                found[int(entry.name)] = (int(stat[1]), stat[0], cmdline)
    return found


def strays_of(marker: str, wait: float = 5.0) -> list[int]:
    """The processes of killed builds still alive after `wait` s: those whose command line names
    `marker` (a build's forked workers keep its command line). Not by parent or pid: once the build
    is dead and reaped, its pid may belong to someone else's process."""
    deadline = time.monotonic() + wait
    while True:
        strays = sorted(pid for pid, (_, _, cmdline) in processes().items() if marker.encode() in cmdline)
        if not strays or time.monotonic() > deadline:
            return strays
        time.sleep(0.05)


def children_of(pid: int) -> list[int]:
    return [child for child, (parent, _, _) in processes().items() if parent == pid]


@pytest.mark.parametrize("system", ["linux", "portable"])
def test_killing_a_cold_build_kills_its_worker_processes(tmp_path, two_sites, system):
    # Found in review: 58 workers (26 MB each) left blocked on a pipe after 40 kills of a cold build.
    contents, _ = two_sites
    command = [str(ROOT / "build.py")] if system == "linux" else ["-c", PORTABLE_BUILD, str(ROOT)]
    out = tmp_path / "dist"   # unique: every process of these builds has it in its command line
    rng = random.Random(5)
    workers_seen, strays = 0, set()
    try:
        for _ in range(WORKER_KILLS):
            child = subprocess.Popen([sys.executable, *command, "build", "--no-cache", "--content",
                                      str(contents["a"]), "--out", str(out)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                deadline = time.monotonic() + 60
                while not children_of(child.pid) and child.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.01)
                time.sleep(rng.uniform(0, 0.4))
                workers = children_of(child.pid)
            finally:
                child.kill()
                child.wait()
            workers_seen += len(workers)
            strays |= set(strays_of(str(out)))
    finally:
        for pid in strays:   # don't leave them on a shared machine
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    print(f"\n{system}: {WORKER_KILLS} kills of a cold build, {workers_seen} workers running at the kills, "
          f"{len(strays)} strays")
    assert workers_seen > 0, "no kill came while workers were running"
    assert strays == set()


# ---- A failure while writing ----

def fail_after(count: int, error: OSError):
    """A Path.write_bytes that writes `count` files, then fails like a full or read-only disk."""
    real = Path.write_bytes
    calls = []

    def write_bytes(self, data):
        calls.append(self)
        if len(calls) > count:
            raise error
        return real(self, data)
    return write_bytes


@pytest.mark.parametrize("error, message", [
    (OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
     "Could not write the site here: No space left on device. Hint: Free some disk space, then build again."),
    (PermissionError(errno.EACCES, os.strerror(errno.EACCES)),
     "Could not write the site here: Permission denied. Hint: Check that you are allowed to write to {parent}."),
    (OSError(errno.EROFS, os.strerror(errno.EROFS)),
     "Could not write the site here: Read-only file system. "
     "Hint: The disk is read-only; build to another folder with --out."),
])
def test_a_failing_disk_leaves_the_old_site_and_says_what_happened(tmp_path, monkeypatch, error, message):
    out = tmp_path / "dist"
    old = {"index.html": b"old", "tips/a/index.html": b"old a"}
    write_site(old, out)
    monkeypatch.setattr(Path, "write_bytes", fail_after(1, error))
    with pytest.raises(BuildFailed) as failure:
        write_site({"index.html": b"new", "tips/a/index.html": b"new a", "tips/b/index.html": b"new b"}, out)
    assert [str(p) for p in failure.value.problems] == [f"{out}: " + message.format(parent=tmp_path)]
    assert snapshot(out) == expected_tree(old) and leftovers(out) == []


def test_a_folder_that_cannot_be_created_leaves_the_old_site(tmp_path, monkeypatch):
    out = tmp_path / "dist"
    write_site({"index.html": b"old"}, out)

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
    monkeypatch.setattr("tempfile.mkdtemp", refuse)  # as a read-only parent folder would
    with pytest.raises(BuildFailed) as failure:
        write_site({"index.html": b"new"}, out)
    assert failure.value.problems[0].message == "Could not write the site here: Permission denied."
    assert snapshot(out) == expected_tree({"index.html": b"old"})


def test_a_file_that_cannot_be_created_leaves_the_old_site(tmp_path):
    out = tmp_path / "dist"
    write_site({"index.html": b"old"}, out)
    with pytest.raises(BuildFailed) as failure:
        write_site({"tips": b"a file", "tips/a/index.html": b"needs tips/ to be a folder"}, out)
    assert failure.value.problems[0].message == "Could not write the site here: Not a directory."
    assert snapshot(out) == expected_tree({"index.html": b"old"}) and leftovers(out) == []


def test_the_command_line_reports_a_full_disk_in_plain_words(tmp_path):
    content = make_content(tmp_path)
    out = tmp_path / "dist"
    script = ("import errno, os, sys, pathlib\nsys.path.insert(0, sys.argv[1])\nimport build\n"
              "def full(self, data): raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))\n"
              "pathlib.Path.write_bytes = full\nsys.exit(build.main(sys.argv[2:]))\n")
    result = subprocess.run([sys.executable, "-c", script, str(ROOT), "--content", str(content), "--out", str(out)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{out}: Could not write the site here: No space left on device. Hint: Free some disk space, then build again.",
        f"Build failed: 1 problem to fix. The published site in {out} was not changed."]
    assert not out.exists() and leftovers(out) == []


# ---- An output folder whose replacement would delete something else ----

@pytest.mark.parametrize("where, message", [
    (".", "Building here would delete {content}. Hint: Build into a folder of its own, e.g. dist/."),
    ("content", "Building here would delete {content}. Hint: Build into a folder of its own, e.g. dist/."),
    ("notes.txt", "Could not write the site here: this is a file, not a folder. "
                  "Hint: Build into a folder of its own, e.g. dist/."),
    ("content/tips", "Building here would delete files that Signpost did not write: warm-up.md. "
                     "Hint: Choose a new or empty folder with --out. If this folder only holds a site an older "
                     "Signpost built (without a .signpost-build file), delete it yourself and build again."),
])
def test_an_output_folder_that_holds_other_files_is_refused(tmp_path, where, message):
    # Found while testing --out: `build.py --out .` swapped the whole project folder for the site, then deleted it.
    content = make_content(tmp_path)
    (tmp_path / "notes.txt").write_text("precious")
    before = snapshot(tmp_path)
    out = tmp_path / where
    with pytest.raises(BuildFailed) as failure:
        build(Project.at(ROOT, content), out)
    assert [str(p) for p in failure.value.problems] == [f"{out}: " + message.format(content=content)]
    assert snapshot(tmp_path) == before


NOT_OURS = ("Hint: Choose a new or empty folder with --out. If this folder only holds a site an older Signpost "
            "built (without a .signpost-build file), delete it yourself and build again.")
ADDED_TO_OURS = ("Hint: Each build replaces this whole folder: move those files somewhere else, or delete them "
                 "yourself, then build again.")


@pytest.mark.parametrize("cached", [False, True])
@pytest.mark.parametrize("extra, shown", [("notes.txt", "notes.txt"), ("uploads/photo.jpg", "uploads/"),
                                          (".well-known/security.txt", ".well-known/")])
def test_a_folder_holding_a_home_page_and_other_files_is_refused(tmp_path, extra, shown, cached):
    # Found in review: an index.html was enough to count as a site, so the rest was deleted: at once
    # with --no-cache, else by the next build, from the replaced site it kept as .dist.spare.
    content = make_content(tmp_path)
    out = write_files(tmp_path / "www", {"index.html": "<p>Our own home page</p>", extra: "keep me"})
    before = snapshot(out)
    for _ in range(2):
        memo = SavedPages.load(tmp_path / "cache", "www", out) if cached else None
        with pytest.raises(BuildFailed) as failure:
            build(Project.at(ROOT, content), out, speedups=Warm(pages=memo))
        assert [str(p) for p in failure.value.problems] == [
            f"{out}: Building here would delete files that Signpost did not write: {shown}. " + NOT_OURS]
    assert snapshot(out) == before and leftovers(out) == []


def test_files_someone_added_to_a_built_site_are_never_deleted(tmp_path):
    content = make_content(tmp_path)
    out = tmp_path / "dist"
    build(Project.at(ROOT, content), out)
    write_files(out, {".well-known/security.txt": "Contact: mailto:it@clinic.example", "tips/notes.txt": "to do"})
    before = snapshot(out)
    with pytest.raises(BuildFailed) as failure:
        build(Project.at(ROOT, content), out)
    assert [str(p) for p in failure.value.problems] == [
        f"{out}: Building here would delete files that Signpost did not write: .well-known/, tips/notes.txt. "
        + ADDED_TO_OURS]
    assert snapshot(out) == before and leftovers(out) == []


def test_the_output_lists_the_files_the_build_wrote(tmp_path):
    content = make_content(tmp_path)
    out = tmp_path / "dist"
    build(Project.at(ROOT, content), out)
    site = [path for path, data in snapshot(out).items() if data is not None and path != MARKER]
    assert json.loads((out / MARKER).read_text())["files"] == sorted(site)
    assert MARKER not in (out / "sitemap.xml").read_text()


def test_a_site_an_older_signpost_built_is_taken_over_if_this_build_replaces_all_of_it(tmp_path):
    # Sites built before the marker existed have none: such a folder is Signpost's if every file in it is
    # one this build writes (an asset may carry an older fingerprint); else the message says what to do.
    content = make_content(tmp_path, {"tips/rest.md": tip(title="Rest")})
    out = tmp_path / "dist"
    build(Project.at(ROOT, content), out)
    (out / MARKER).unlink()
    css = next((out / "css").glob("site.*.css"))
    css.rename(css.with_name("site.0123456789.css"))
    build(Project.at(ROOT, content), out)
    build(Project.at(ROOT, content), tmp_path / "fresh")
    assert snapshot(out) == snapshot(tmp_path / "fresh")

    (out / MARKER).unlink()
    shutil.rmtree(out / "pagefind")   # an older Signpost made no search index either
    (content / "tips/rest.md").unlink()
    with pytest.raises(BuildFailed) as failure:
        build(Project.at(ROOT, content), out)
    assert [str(p) for p in failure.value.problems] == [
        f"{out}: Building here would delete files that Signpost did not write: tips/rest/. " + NOT_OURS]


def test_the_preview_keeps_its_list_of_files_true_as_saves_add_and_remove_pages(tmp_path):
    content = make_content(tmp_path)
    state = Preview(Project.at(ROOT, content), tmp_path / "preview", "http://127.0.0.1:8000/")
    assert rebuild(state)
    (content / "tips/rest.md").write_text(tip(title="Rest"))
    assert rebuild(state)   # written in place (update_changed), not through a new folder
    assert "tips/rest/index.html" in json.loads((tmp_path / "preview" / MARKER).read_text())["files"]
    (content / "tips/rest.md").write_text("---\ntitle: [broken\n---\n")
    assert not rebuild(state)   # the error page replaces every page: the folder must still count as ours
    assert b"Something needs fixing" in (tmp_path / "preview/tips/rest/index.html").read_bytes()


def test_a_page_that_goes_in_the_preview_leaves_no_empty_folder(tmp_path):
    out = tmp_path / "preview"
    first = {"index.html": b"home", "tags/running/index.html": b"tag", "tags/index.html": b"tags"}
    write_site(first, out)
    update_changed({"index.html": b"home", "tags/index.html": b"tags"}, first, out)
    assert not (out / "tags/running").exists() and (out / "tags/index.html").exists()
    write_site({"index.html": b"new"}, out)   # still all ours: a full write takes the folder over


def test_without_renameat2_a_failed_swap_puts_the_old_site_back(tmp_path, monkeypatch):
    # Where the system can't exchange folders atomically, out/ is renamed aside first: if the new
    # site then can't take its place, the old one must go back rather than leave no site at all.
    out = tmp_path / "dist"
    write_site({"index.html": b"old"}, out)
    monkeypatch.setattr("signpost.write._exchange", lambda a, b: False)
    real_rename, failed = Path.rename, []

    def rename(self, target):  # the new site's move into place fails, once
        if self.name.startswith(".dist.") and Path(target) == out.resolve() and not failed:
            failed.append(self)
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
        return real_rename(self, target)
    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(BuildFailed) as failure:
        write_site({"index.html": b"new"}, out)
    assert failure.value.problems[0].message == "Could not write the site here: Invalid cross-device link."
    assert snapshot(out) == expected_tree({"index.html": b"old"}) and leftovers(out) == []
