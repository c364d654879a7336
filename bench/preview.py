"""Preview latency: save one tip, time until its rebuilt page is written. Run by run.py.

    python bench/preview.py CONTENT WORKDIR [--edits 5]   # prints JSON

Drives signpost.serve exactly as `build.py serve` does (its RebuildWatcher calling its
rebuild()), minus the HTTP server, so the preview folder can live in WORKDIR instead of the
repository's .preview/. The content is copied first: the edits never touch the corpus.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from signpost.pipeline import Project  # noqa: E402
from signpost.serve import RebuildWatcher, rebuild  # noqa: E402

BASE_URL = "http://127.0.0.1:8000/"


def wait_for(path: Path, marker: bytes, timeout: float = 120.0, every: float = 0.01) -> bool:
    """Poll until `path` exists and contains `marker`."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            if marker in path.read_bytes():
                return True
        except OSError:
            pass
        time.sleep(every)
    return False


def pick_tip(content: Path) -> Path:
    """The tip in the middle of the corpus, by file name."""
    tips = sorted((content / "tips").glob("*.md"))
    return tips[len(tips) // 2]


def time_edits(tip: Path, page: Path, edits: int) -> list[float]:
    """Save `tip` with a new sentence `edits` times; seconds until each shows in `page`."""
    original = tip.read_text(encoding="utf-8")
    latencies = []
    for number in range(edits):
        marker = f"Benchmark edit number {number} zqx{time.time_ns()}."
        started = time.perf_counter()
        tip.write_text(f"{original}\n{marker}\n", encoding="utf-8")
        if not wait_for(page, marker.encode()):
            raise RuntimeError(f"{page} never showed edit {number}")
        latencies.append(time.perf_counter() - started)
        time.sleep(0.5)  # let the watcher go back to waiting before the next save
    tip.write_text(original, encoding="utf-8")
    return latencies


def time_rebuilds(project: Project, preview: Path, times: int = 2) -> list[float]:
    """How long the rebuild itself takes, called directly (no watcher)."""
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        rebuild(project, preview, BASE_URL)
        seconds.append(time.perf_counter() - started)
    return seconds


def measure_preview(content: Path, work: Path, edits: int) -> dict:
    """Copy the content, start the watcher as the server does, edit one tip and time it."""
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(content, work / "content")
    project = Project.at(REPO, work / "content")
    preview = work / ".preview"
    with contextlib.redirect_stdout(io.StringIO()):
        started = time.perf_counter()
        rebuild(project, preview, BASE_URL)
        first = time.perf_counter() - started
        rebuilds = time_rebuilds(project, preview)
        watcher = RebuildWatcher([project.content, project.templates, project.assets],
                                 lambda: rebuild(project, preview, BASE_URL))
        watcher.start(lambda: None)  # the server calls this on its IOLoop; we skip the browser reload
        time.sleep(0.5)  # the watcher's first snapshot
        tip = pick_tip(project.content)
        latencies = time_edits(tip, preview / "tips" / tip.stem / "index.html", edits)
        watcher.stopped.set()
    return {"tip": tip.name, "edits": edits, "seconds": statistics.median(latencies),
            "seconds_min": min(latencies), "seconds_max": max(latencies), "all_seconds": latencies,
            "first_build_seconds": first, "rebuild_call_seconds": statistics.median(rebuilds),
            "watch_interval_seconds": watcher.interval}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Time the preview server's rebuild after one save.")
    parser.add_argument("content", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(measure_preview(args.content.resolve(), args.work.resolve(), args.edits)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
