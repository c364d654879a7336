"""`make bench-peers`: the same corpus built by Signpost, Pelican, MkDocs, Hugo and Eleventy,
in one run, each reported as a ratio to Signpost; plus the Python floors. Writes
bench/results/peers.json.

    python bench/peers.py [--sizes 100 1000] [--runs 3]

The peers are installed here, pinned, out of the way of the project: Pelican and MkDocs in
venvs of their own under bench/.peers/ (bench/peers/*.txt), Hugo from Debian (`apt-get
install hugo`, when running as root), Eleventy with `npm ci` from bench/peers/eleventy/.
A peer that can't be installed or fails to build is reported with the reason; the others go on.
Each peer gets a minimal one-layout theme, so the engines are compared, not the themes.
Rounds are interleaved (every tool once, then again), so a burst of load on the shared
machine hits every tool alike.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DEFAULT_SEED, PEERS, write_corpus  # noqa: E402
from measure import REPO, folder_size, git_commit, machine, median_run, run_measured  # noqa: E402
from run import measure_floors  # noqa: E402

SIZES = (100, 1000)
PEER_DIR = REPO / "bench" / ".peers"
PINS = REPO / "bench" / "peers"
OUT = REPO / "bench" / "out"
RESULTS = REPO / "bench" / "results"
TOOLS = ("signpost",) + PEERS
# Signpost again, with its on-disk caches and last output, one tip changed before each build:
# the issue's warm build, timed in the same rounds as the peers' full builds.
WARM = "signpost-warm"


class Unavailable(Exception):
    """A peer that can't be installed here; the message says why."""


def run_quietly(command: list[str], cwd: Path | None = None) -> None:
    """Run an install step; raise Unavailable with the end of its output when it fails."""
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    except OSError as error:
        raise Unavailable(f"{command[0]}: {error.strerror}") from error
    if done.returncode != 0:
        raise Unavailable(f"`{' '.join(command)}` failed: {(done.stdout + done.stderr).strip()[-800:]}")


def stamp_matches(stamp: Path, text: str) -> bool:
    """True when an install was already done from exactly these pins."""
    return stamp.exists() and stamp.read_text() == hashlib.sha256(text.encode()).hexdigest()


def install_python_peer(name: str) -> Path:
    """A venv of its own with the pinned requirements; the folder holding its commands."""
    pins = PINS / f"{name}.txt"
    folder = PEER_DIR / f"{name}-venv"
    stamp = folder / ".installed"
    if not stamp_matches(stamp, pins.read_text()):
        venv.create(folder, with_pip=True, clear=True)
        run_quietly([str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet",
                     "--disable-pip-version-check", "-r", str(pins)])
        stamp.write_text(hashlib.sha256(pins.read_text().encode()).hexdigest())
    return folder / "bin"


def install_hugo() -> Path:
    """Debian's hugo, installed with apt-get when missing (needs root)."""
    found = shutil.which("hugo")
    if found:
        return Path(found)
    if os.geteuid() != 0:
        raise Unavailable("hugo is not installed and this is not root: run `sudo apt-get install -y hugo`")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "install", "-y", "-qq", "hugo"], ["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "hugo"]):
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        if done.returncode == 0 and command[1] == "install":
            break
    found = shutil.which("hugo")
    if not found:
        raise Unavailable(f"apt-get install hugo failed: {(done.stdout + done.stderr).strip()[-800:]}")
    return Path(found)


def install_eleventy() -> Path:
    """`npm ci` from the pinned package.json and package-lock.json; the eleventy command."""
    folder = PEER_DIR / "eleventy"
    lock = (PINS / "eleventy" / "package-lock.json").read_text()
    stamp = folder / ".installed"
    if not stamp_matches(stamp, lock):
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy2(PINS / "eleventy" / name, folder / name)
        run_quietly(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder)
        stamp.write_text(hashlib.sha256(lock.encode()).hexdigest())
    return folder / "node_modules" / ".bin" / "eleventy"


def install_peers() -> tuple[dict, dict]:
    """Install every peer; ({tool: its command}, {tool: why it is unavailable})."""
    installers = {"pelican": lambda: install_python_peer("pelican") / "pelican",
                  "mkdocs": lambda: install_python_peer("mkdocs") / "mkdocs",
                  "hugo": install_hugo, "eleventy": install_eleventy}
    commands, unavailable = {"signpost": Path(sys.executable), WARM: Path(sys.executable)}, {}
    for tool, install in installers.items():
        print(f"… installing {tool}", file=sys.stderr, flush=True)
        try:
            commands[tool] = install()
        except Unavailable as error:
            unavailable[tool] = str(error)
            print(f"{tool} is unavailable: {error}", file=sys.stderr)
    return commands, unavailable


def build_command(tool: str, program: Path, corpus: Path, out: Path) -> tuple[list[str], Path]:
    """(command line, working folder) for a cold build of `corpus` into `out`."""
    here = corpus / tool
    if tool == "signpost":
        return [str(program), str(REPO / "build.py"), "build", "--no-cache", "--content", str(corpus / "content"),
                "--out", str(out)], REPO
    if tool == WARM:
        return [str(program), str(REPO / "build.py"), "build", "--content", str(corpus / "content"),
                "--out", str(out)], REPO
    if tool == "pelican":
        return [str(program), "content", "-s", "pelicanconf.py", "-o", str(out), "-q"], here
    if tool == "mkdocs":
        return [str(program), "build", "-q", "-f", "mkdocs.yml", "-d", str(out)], here
    if tool == "hugo":
        return [str(program), "--source", str(here), "--destination", str(out), "--quiet"], here
    if tool == "eleventy":
        return [str(program), "--input=.", f"--output={out}", "--quiet"], here
    raise ValueError(tool)


def measure_tools(commands: dict, corpus: Path, runs: int) -> dict:
    """Interleaved builds of every tool (cold, but for WARM); medians per tool, or the error it stopped with."""
    measured, failed = {tool: [] for tool in commands}, {}
    tip = sorted((corpus / "content" / "tips").glob("*.md"))[0]
    original = tip.read_text(encoding="utf-8")
    try:
        if WARM in commands:  # fill the caches and the output folder; not timed
            shutil.rmtree(OUT / f"peer-dist-{WARM}", ignore_errors=True)
            command, cwd = build_command(WARM, commands[WARM], corpus, OUT / f"peer-dist-{WARM}")
            subprocess.run(command, cwd=cwd, capture_output=True, check=True)
        for round_number in range(runs):
            for tool, program in commands.items():
                if tool in failed:
                    continue
                out = OUT / f"peer-dist-{tool}"
                if tool == WARM:
                    tip.write_text(f"{original}\nEdited before warm build {round_number}.\n", encoding="utf-8")
                else:
                    shutil.rmtree(out, ignore_errors=True)
                command, cwd = build_command(tool, program, corpus, out)
                run = run_measured(command, cwd)
                if run.returncode != 0:
                    failed[tool] = f"exit status {run.returncode}: {run.output.strip()[-1200:]}"
                    continue
                measured[tool].append(run)
    finally:
        tip.write_text(original, encoding="utf-8")
    results = {}
    for tool in commands:
        if tool in failed:
            results[tool] = {"error": failed[tool]}
            continue
        total, files, pages = folder_size(OUT / f"peer-dist-{tool}")
        results[tool] = {**median_run(measured[tool]), "pages": pages, "files": files, "output_bytes": total}
    return results


def add_ratios(results: dict) -> None:
    """Each tool's time, CPU time and memory as a multiple of Signpost's (2.0 = twice Signpost's)."""
    base = results.get("signpost", {})
    if "error" in base or not base:
        return
    for result in results.values():
        if "error" not in result:
            for key in ("seconds", "cpu_seconds", "max_rss_mb"):
                result[f"{key}_ratio"] = result[key] / base[key]


def table(report: dict) -> str:
    """The results as Markdown tables, one per size."""
    lines = ["Each tool's figure divided by Signpost's: below 1.00 the tool is faster (or smaller) than Signpost."]
    for size in report["sizes"]:
        lines += [f"\n{size['tips']:,} tips ({size['runs']} interleaved runs, medians)\n",
                  "| tool | build s | ÷ Signpost | CPU s | ÷ Signpost | peak MB | ÷ Signpost | pages |",
                  "|---|---|---|---|---|---|---|---|"]
        for tool, r in size["tools"].items():
            if "error" in r:
                lines.append(f"| {tool} | failed: {r['error'][:300]} |")
                continue
            lines.append(f"| {tool} | {r['seconds']:.2f} | {r.get('seconds_ratio', 0):.2f} | {r['cpu_seconds']:.2f} "
                         f"| {r.get('cpu_seconds_ratio', 0):.2f} | {r['max_rss_mb']:.0f} "
                         f"| {r.get('max_rss_mb_ratio', 0):.2f} | {r['pages']:,} |")
        for name, floor in size["floors"].items():
            if "error" not in floor:
                lines.append(f"| floor: {name} | {floor['seconds']:.2f} | "
                             f"{floor['seconds'] / size['tools']['signpost'].get('seconds', float('nan')):.2f} "
                             f"| {floor['cpu_seconds']:.2f} | | {floor['max_rss_mb']:.0f} | | {floor['pages']:,} |")
    for tool, why in report["unavailable"].items():
        lines.append(f"\n{tool}: not measured: {why}")
    return "\n".join(lines)


def versions(commands: dict) -> dict:
    """The version each tool reports, for the record."""
    found = {}
    for tool, program in commands.items():
        flag = {"signpost": None, WARM: None, "pelican": "--version", "mkdocs": "--version", "hugo": "version",
                "eleventy": "--version"}[tool]
        if flag:
            done = subprocess.run([str(program), flag], capture_output=True, text=True)
            found[tool] = (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "?"
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark Signpost against Pelican, MkDocs, Hugo and Eleventy.")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--json", type=Path, default=RESULTS / "peers.json")
    args = parser.parse_args(argv)
    commands, unavailable = install_peers()
    report = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "commit": git_commit(),
              "machine": machine(), "seed": args.seed, "versions": versions(commands),
              "unavailable": unavailable, "sizes": []}
    for n in args.sizes:
        print(f"… {n:,} tips: {args.runs} interleaved rounds of {', '.join(commands)}", file=sys.stderr, flush=True)
        corpus = write_corpus(n, OUT / f"peers-corpus-{n}", args.seed, PEERS)
        tools = measure_tools(commands, corpus, args.runs)
        add_ratios(tools)
        floors = measure_floors(corpus / "content", OUT / f"naive-{n}", args.runs)
        report["sizes"].append({"tips": n, "runs": args.runs, "tools": tools, "floors": floors})
    report["machine"]["load_average_at_end"] = os.getloadavg()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"Peers benchmark, {report['date']}, commit {report['commit']}, {report['machine']['cores']} cores")
    print("Versions: " + "; ".join(f"{tool} {v}" for tool, v in report["versions"].items()))
    print(table(report))
    print(f"\nWrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
