"""Measuring helpers shared by run.py and peers.py: one fresh child process per measurement."""
from __future__ import annotations

import os
import platform
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Run:
    """One finished child process: wall time, CPU time (user + system) and peak memory."""

    seconds: float
    cpu_seconds: float
    max_rss_mb: float
    returncode: int
    output: str  # the end of stdout + stderr, for error messages


def run_measured(command: list[str], cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run `command` and wait for it with wait4, which reports that child's own peak RSS.

    ru_maxrss from wait4 covers the child and the descendants it waited for, so a tool that
    forks workers is measured by its largest process, the way /usr/bin/time reports it.
    """
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read()[-4000:].decode("utf-8", "replace")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, child.returncode, output)


def median_run(runs: list[Run]) -> dict:
    """Medians of several runs of the same command, with the spread of the wall times."""
    return {
        "runs": len(runs),
        "seconds": statistics.median(r.seconds for r in runs),
        "seconds_min": min(r.seconds for r in runs),
        "seconds_max": max(r.seconds for r in runs),
        "cpu_seconds": statistics.median(r.cpu_seconds for r in runs),
        "max_rss_mb": statistics.median(r.max_rss_mb for r in runs),
    }


def repeat(command: list[str], times: int, cwd: Path | None = None, env: dict | None = None,
           before=None) -> dict:
    """Run `command` `times` times (calling `before()` first each time); medians, or the error."""
    runs = []
    for _ in range(times):
        if before:
            before()
        run = run_measured(command, cwd, env)
        if run.returncode != 0:
            return {"error": f"exit status {run.returncode}: {run.output.strip()[-1500:]}", "command": command}
        runs.append(run)
    return median_run(runs)


def folder_size(folder: Path) -> tuple[int, int, int]:
    """(bytes of every file, number of files, number of HTML pages) under folder."""
    total = files = pages = 0
    for path in folder.rglob("*"):
        if path.is_file():
            total, files = total + path.stat().st_size, files + 1
            pages += path.suffix == ".html"
    return total, files, pages


def machine() -> dict:
    """What the numbers were measured on."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                      if line.startswith("model name")), "")
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    return {"cpu": model, "cores": os.cpu_count(), "memory": memory, "system": platform.platform(),
            "python": platform.python_version(), "load_average_at_start": os.getloadavg()}


def git_commit() -> str:
    """The commit being measured (with '+changes' when the tree has local edits)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "signpost", "templates", "build.py"],
                               cwd=REPO, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty else "")
