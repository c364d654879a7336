"""Preview latency: save one tip, time until its rebuilt page is written. Run by run.py.

    python bench/preview.py CONTENT WORKDIR [--edits 3]   # prints JSON

Starts the real preview server (`build.py serve --preview-dir WORKDIR/.preview`) on a copy of
the content, waits until it answers, then saves one tip with a new sentence and polls the
tip's page in the preview folder until the sentence is there. Also times signpost.serve's
rebuild() called directly, to show how much of the latency is the rebuild itself.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from signpost.pipeline import Project  # noqa: E402
from signpost.serve import Preview, rebuild  # noqa: E402


def wait_for(path: Path, marker: bytes, timeout: float = 180.0, every: float = 0.01) -> bool:
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


def free_port() -> int:
    """A TCP port nobody is listening on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, server: subprocess.Popen, timeout: float = 300.0) -> None:
    """Block until the preview server answers (its first build is done and its watcher started)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the preview server stopped with status {server.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=2):
                return
        time.sleep(0.1)
    raise RuntimeError(f"the preview server did not answer on {url}")


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
        time.sleep(1.0)  # let the server finish reloading browsers before the next save
    tip.write_text(original, encoding="utf-8")
    return latencies


def time_rebuilds(content: Path, preview: Path, times: int = 3) -> list[float]:
    """How long signpost.serve.rebuild() takes after a save, called directly (no server, no watcher)."""
    state = Preview(Project.at(REPO, content), preview, "http://127.0.0.1:8000/")
    tip = pick_tip(content)
    original = tip.read_text(encoding="utf-8")
    seconds = []
    with contextlib.redirect_stdout(io.StringIO()):
        rebuild(state)  # the first one is the server's cold build
        for number in range(times):
            tip.write_text(f"{original}\nDirect rebuild number {number}.\n", encoding="utf-8")
            started = time.perf_counter()
            rebuild(state)
            seconds.append(time.perf_counter() - started)
    tip.write_text(original, encoding="utf-8")
    return seconds


def measure_server(content: Path, preview: Path, edits: int) -> list[float]:
    """Run `build.py serve` on `content` and time `edits` saves of one tip."""
    port = free_port()
    command = [sys.executable, str(REPO / "build.py"), "serve", "--content", str(content), "--port", str(port),
               "--preview-dir", str(preview)]
    server = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/", server)
        time.sleep(1.0)  # the watcher takes its first look at the files
        tip = pick_tip(content)
        return time_edits(tip, preview / "tips" / tip.stem / "index.html", edits)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def measure_preview(content: Path, work: Path, edits: int) -> dict:
    """Copy the content, then time saves through the server and the bare rebuild."""
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(content, work / "content")
    latencies = measure_server(work / "content", work / ".preview", edits)
    rebuilds = time_rebuilds(work / "content", work / ".preview-direct")
    return {"tip": pick_tip(work / "content").name, "edits": edits, "seconds": statistics.median(latencies),
            "seconds_min": min(latencies), "seconds_max": max(latencies), "all_seconds": latencies,
            "rebuild_call_seconds": statistics.median(rebuilds), "how": "build.py serve --preview-dir"}


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
