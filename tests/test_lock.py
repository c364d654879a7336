"""Builds into one output folder take turns (signpost/lock.py): never half a site, and both succeed."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import signpost.cli as command_line
from signpost import lock
from signpost.lock import output_lock
from signpost.pipeline import Project, build
from signpost.problems import BuildFailed
from signpost.write import write_site
from tests.sitekit import ROOT, snapshot

FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
ROUNDS = 60 if FUZZ else 20
TIPS = 500   # the review saw half a site published 7 times in 8 at about 460 tips


@pytest.fixture(scope="module")
def big_content(tmp_path_factory) -> Path:
    """A seeded corpus of TIPS tips (bench/corpus.py)."""
    folder = tmp_path_factory.mktemp("corpus")
    subprocess.run([sys.executable, str(ROOT / "bench" / "corpus.py"), str(TIPS), str(folder)], check=True,
                   stdout=subprocess.DEVNULL)
    return folder / "content"


def start_build(content: Path, out: Path, *options: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), "build", *options, "--content", str(content),
                             "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_until_writing(build_process: subprocess.Popen, out: Path) -> None:
    """Until the build's temp folder appears beside `out` (it is writing), or it ends."""
    deadline = time.monotonic() + 120
    while build_process.poll() is None and time.monotonic() < deadline:
        if any(name.startswith(f".{out.name}.") and name.endswith(".tmp") for name in os.listdir(out.parent)):
            return
        time.sleep(0.005)


def test_two_builds_into_one_folder_never_publish_half_a_site(tmp_path, big_content):
    # Found in review: each build deleted every temp folder beside the output, the other build's
    # too; that one re-created what it still had to write and swapped in a partial site, exit 0.
    # A cold build is slow to write its pages; a warm one started meanwhile finishes first, so
    # without the lock the cold one's half-written site is the one left published.
    complete = tmp_path / "complete"
    build(Project.at(ROOT, big_content), complete)
    out = tmp_path / "dist"
    try:
        warm_up = start_build(big_content, out)
        assert warm_up.wait() == 0, warm_up.stderr.read()
        for round in range(ROUNDS):
            cold = start_build(big_content, out, "--no-cache")
            wait_until_writing(cold, out)
            warm = start_build(big_content, out)
            results = [(process.wait(), process.communicate()[1]) for process in (cold, warm)]
            assert [code for code, _ in results] == [0, 0], (round, results)
            assert snapshot(out) == snapshot(complete), f"round {round}: not the complete site"
    finally:  # the command line's caches for this corpus, under the project's .cache/
        for name in (f"bodies-{command_line.cache_name(big_content)}.pickle",
                     f"pages-{command_line.cache_name(big_content, out)}.json"):
            (ROOT / ".cache" / name).unlink(missing_ok=True)
    assert [name for name in os.listdir(tmp_path) if name.startswith(".dist.")] == [".dist.spare"]


def test_a_build_waits_for_the_one_writing_and_says_so(tmp_path, monkeypatch, capsys):
    out = (tmp_path / "dist").resolve()
    monkeypatch.setattr(lock, "SAY_WAITING_AFTER", 0.1)
    monkeypatch.setattr(lock, "GIVE_UP_AFTER", 1.0)
    with output_lock(out):   # as another build would hold it
        with pytest.raises(BuildFailed) as failure:
            write_site({"index.html": b"new"}, out)
    assert capsys.readouterr().err == f"Waiting for another build into {out} (process {os.getpid()}) to finish…\n"
    assert [str(p) for p in failure.value.problems] == [
        f"{out}: Another build into this folder (process {os.getpid()}) was still writing it after 1 s, so this "
        "one stopped. Hint: Wait for the other build to finish, or stop it, then build again."]
    assert not out.exists() and os.listdir(tmp_path) == []
    write_site({"index.html": b"new"}, out)   # the lock was let go, and its file removed
    assert (out / "index.html").read_bytes() == b"new" and sorted(os.listdir(tmp_path)) == ["dist"]
