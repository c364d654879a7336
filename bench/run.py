"""`make bench`: Signpost's cold build time, peak memory and output size at 100, 1,000 and
5,000 tips, the time and size of their search index, the preview latency at 1,000, the Python
floors, and what the precompressed copies cost and save at 1,000 tips and on the real site
(bench/hosting.py). Prints a Markdown table and writes bench/results/latest.json.

    python bench/run.py [--sizes 100 1000 5000] [--runs 3] [--large-runs 2] [--edits 5]

Every measurement is a fresh child process (wall time, CPU time and peak RSS from wait4).
The machine is shared and noisy: compare figures within one run, and read CPU seconds next
to wall seconds. Nothing here is asserted; the numbers are reported.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DEFAULT_SEED, write_corpus  # noqa: E402
from measure import REPO, folder_size, git_commit, machine, repeat  # noqa: E402

SIZES = (100, 1000, 5000)
LARGE = 5000           # sizes from here on get --large-runs runs, to keep `make bench` short
PREVIEW_SIZE = 1000
OUT = REPO / "bench" / "out"
RESULTS = REPO / "bench" / "results"


def make_corpus(n: int, seed: int, peers=()) -> Path:
    """Write the corpus for n tips under bench/out/corpus-n/; its folder."""
    return write_corpus(n, OUT / f"corpus-{n}", seed, peers)


def per_page(result: dict, pages: int) -> dict:
    """Add per-page figures to a measured build."""
    if "error" in result or not pages:
        return result
    return {**result, "pages": pages,
            "ms_per_page": 1000 * result["seconds"] / pages,
            "cpu_ms_per_page": 1000 * result["cpu_seconds"] / pages}


def measure_signpost(content: Path, out: Path, runs: int) -> dict:
    """Cold builds (no previous output) with the command line an editor uses."""
    command = [sys.executable, str(REPO / "build.py"), "build", "--no-cache", "--content", str(content), "--out", str(out)]
    result = repeat(command, runs, cwd=REPO, before=lambda: shutil.rmtree(out, ignore_errors=True))
    if "error" in result:
        return result
    total, files, pages = folder_size(out)
    return {**per_page(result, pages), "files": files, "output_bytes": total,
            "output_kb_per_page": total / pages / 1024}


def measure_warm(content: Path, out: Path, runs: int) -> dict:
    """Builds with the on-disk caches and the last output, one tip changed since the last build each time."""
    command = [sys.executable, str(REPO / "build.py"), "build", "--content", str(content), "--out", str(out)]
    subprocess.run(command, cwd=REPO, capture_output=True, check=True)  # fills the cache
    tip = sorted((content / "tips").glob("*.md"))[0]
    original = tip.read_text(encoding="utf-8")
    edits = iter(range(1, runs + 1))

    def change_one_tip():
        tip.write_text(original + f"\nEdited for warm build {next(edits)}.\n", encoding="utf-8")

    try:
        result = repeat(command, runs, cwd=REPO, before=change_one_tip)
    finally:
        tip.write_text(original, encoding="utf-8")
    if "error" in result:
        return result
    _, _, pages = folder_size(out)
    return per_page(result, pages)


def measure_search_index(site: Path, runs: int) -> dict:
    """The search index step of a build, timed alone on a built site by bench/search_index.py (the
    same in cold and warm builds: Pagefind reads every page each time), and the index's size."""
    command = [sys.executable, str(REPO / "bench" / "search_index.py"), str(site), "--runs", str(runs)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": done.stderr.strip()[-1500:]}
    return json.loads(done.stdout)


def measure_floors(content: Path, work: Path, runs: int) -> dict:
    """Reading the corpus, and the naive Jinja2 + Python-Markdown loop over it."""
    floors = REPO / "bench" / "floors.py"
    tips = len(list((content / "tips").glob("*.md")))
    read = repeat([sys.executable, str(floors), "read", str(content)], runs)
    naive = repeat([sys.executable, str(floors), "naive", str(content), str(work)], runs,
                   before=lambda: shutil.rmtree(work, ignore_errors=True))
    return {"read": per_page(read, tips), "naive": per_page(naive, tips)}


def measure_preview(content: Path, work: Path, edits: int) -> dict:
    """Preview latency, measured in its own process by bench/preview.py."""
    command = [sys.executable, str(REPO / "bench" / "preview.py"), str(content), str(work), "--edits", str(edits)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": done.stderr.strip()[-1500:]}
    return json.loads(done.stdout)


def measure_hosting(site: Path) -> dict:
    """Precompression's cost cold and warm, and the bytes it saves, on a built site (bench/hosting.py)."""
    done = subprocess.run([sys.executable, str(REPO / "bench" / "hosting.py"), str(site)], cwd=REPO,
                          capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": done.stderr.strip()[-1500:]}
    return json.loads(done.stdout)


def hosting_line(hosting: dict, where: str) -> str:
    if "error" in hosting:
        return f"\nPrecompression on {where}: failed: {hosting['error'][:300]}"
    text = hosting["text_bytes"]
    return (f"\nPrecompression on {where} ({hosting['text_files']:,} text files, {text / 1024:,.0f} KB): "
            f"CPU {hosting['cold_cpu_seconds']:.2f} s cold, {hosting['warm_cpu_seconds']:.3f} s warm (reused); "
            f".gz {hosting['gzip_bytes'] / 1024:,.0f} KB (saves {(text - hosting['gzip_bytes']) / 1024:,.0f} KB), "
            f".br {hosting['brotli_bytes'] / 1024:,.0f} KB (saves {(text - hosting['brotli_bytes']) / 1024:,.0f} KB).")


def marginal(sizes: list[dict], key: str, scale: float) -> list:
    """Growth per extra page between consecutive sizes: flat numbers mean linear growth."""
    steps = []
    for small, large in zip(sizes, sizes[1:]):
        a, b = small["signpost"], large["signpost"]
        if "error" in a or "error" in b:
            continue
        steps.append({"from": small["tips"], "to": large["tips"],
                      "per_page": scale * (b[key] - a[key]) / (b["pages"] - a["pages"])})
    return steps


def fmt(value, spec: str = ".2f") -> str:
    """A number for the table, or a dash when it is missing."""
    return "–" if value is None else format(value, spec)


def table(report: dict) -> str:
    """The results as Markdown tables."""
    lines = ["| tips | pages | build s (min–max) | CPU s | CPU ms/page | peak MB | peak KB/page | output KB/page "
             "| read floor s | naive loop s |", "|---|---|---|---|---|---|---|---|---|---|"]
    for size in report["sizes"]:
        s, floors = size["signpost"], size["floors"]
        if "error" in s:
            lines.append(f"| {size['tips']} | build failed: {s['error'][:200]} |")
            continue
        spread = f"{s['seconds']:.2f} ({s['seconds_min']:.2f}–{s['seconds_max']:.2f})"
        memory = f"{s['max_rss_mb']:.0f} | {1024 * s['max_rss_mb'] / s['pages']:.0f}"
        lines.append(f"| {size['tips']:,} | {s['pages']:,} | {spread} | {s['cpu_seconds']:.2f} "
                     f"| {s['cpu_ms_per_page']:.1f} | {memory} | {s['output_kb_per_page']:.1f} "
                     f"| {fmt(floors['read'].get('seconds'))} | {fmt(floors['naive'].get('seconds'))} |")
    lines += ["", "| tips | warm build s (one tip changed; caches and the last output on disk) | CPU s |", "|---|---|---|"]
    for size in report["sizes"]:
        warm = size.get("warm", {})
        if warm and "error" not in warm:
            lines.append(f"| {size['tips']:,} | {warm['seconds']:.2f} ({warm['seconds_min']:.2f}–"
                         f"{warm['seconds_max']:.2f}) | {warm['cpu_seconds']:.2f} |")
    lines += ["", "| site | search index s (CPU s), every build | pages indexed | index files | index KB "
              "| of which pagefind.js and WebAssembly KB |", "|---|---|---|---|---|---|"]
    for name, search in [(f"{size['tips']:,} tips", size.get("search_index", {})) for size in report["sizes"]] + [
            ("real site", report.get("search_index_real_site", {}))]:
        if search and "error" not in search:
            lines.append(f"| {name} | {search['seconds']:.2f} ({search['cpu_seconds']:.2f}) | {search['pages_indexed']:,} "
                         f"| {search['index_files']:,} | {search['index_bytes'] / 1024:,.0f} "
                         f"| {search['top_level_bytes'] / 1024:,.0f} |")
    growth = report["growth"]
    for name, key in (("time (CPU ms per extra page)", "cpu_ms"), ("memory (KB per extra page)", "rss_kb")):
        steps = ", ".join(f"{g['from']:,}→{g['to']:,}: {g['per_page']:.1f}" for g in growth[key])
        lines.append(f"\nGrowth in {name}: {steps or '–'}")
    for preview, where in ((report["preview"], f"{report['preview_tips']:,} tips"),
                           (report.get("preview_real_site", {}), "the real site (content/)")):
        if "error" in preview:
            lines.append(f"\nPreview on {where}: failed: {preview['error'][:300]}")
        elif preview:
            lines.append(
                f"\nPreview on {where} ({preview['how']}), save → page written: "
                f"median {preview['seconds']:.3f} s ({preview['seconds_min']:.3f}–{preview['seconds_max']:.3f}, "
                f"{preview['edits']} saves); signpost.serve.rebuild() alone: {preview['rebuild_call_seconds']:.3f} s.")
    for key, where in (("hosting", f"{report['preview_tips']:,} tips"), ("hosting_real_site", "the real site")):
        if report.get(key):
            lines.append(hosting_line(report[key], where))
    return "\n".join(lines)


def run(sizes, runs: int, large_runs: int, edits: int, seed: int) -> dict:
    """Every measurement, in one report."""
    report = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "commit": git_commit(),
              "machine": machine(), "seed": seed, "sizes": [], "preview": {}, "preview_tips": PREVIEW_SIZE}
    for n in sizes:
        times = large_runs if n >= LARGE else runs
        print(f"… {n:,} tips: {times} cold builds, then the floors", file=sys.stderr, flush=True)
        content = make_corpus(n, seed) / "content"
        report["sizes"].append({"tips": n, "runs": times,
                                "signpost": measure_signpost(content, OUT / f"dist-{n}", times),
                                "warm": measure_warm(content, OUT / f"dist-{n}", times),
                                "search_index": measure_search_index(OUT / f"dist-{n}", max(times, 3)),
                                "floors": measure_floors(content, OUT / f"naive-{n}", times)})
        if n == PREVIEW_SIZE:
            report["hosting"] = measure_hosting(OUT / f"dist-{n}")
        if n == PREVIEW_SIZE and edits:
            print(f"… preview latency at {n:,} tips ({edits} saves)", file=sys.stderr, flush=True)
            report["preview"] = measure_preview(content, OUT / f"preview-{n}", edits)
    real_site = OUT / "dist-real-site"
    subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--no-cache", "--out", str(real_site)],
                   cwd=REPO, capture_output=True, check=True)
    report["search_index_real_site"] = measure_search_index(real_site, runs)
    if edits:
        print(f"… preview latency on the real site ({edits} saves)", file=sys.stderr, flush=True)
        report["preview_real_site"] = measure_preview(REPO / "content", OUT / "preview-real-site", edits)
    real = OUT / "dist-real-site"
    subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--no-cache", "--out", str(real)], cwd=REPO,
                   capture_output=True, check=False)
    report["hosting_real_site"] = measure_hosting(real)
    ok = [size for size in report["sizes"] if "error" not in size["signpost"]]
    report["growth"] = {"cpu_ms": marginal(ok, "cpu_seconds", 1000), "rss_kb": marginal(ok, "max_rss_mb", 1024)}
    report["machine"]["load_average_at_end"] = os.getloadavg()
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark Signpost's builds and preview.")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--runs", type=int, default=3, help="cold builds per size (median)")
    parser.add_argument("--large-runs", type=int, default=1, help=f"cold builds from {LARGE:,} tips up")
    parser.add_argument("--edits", type=int, default=3, help="saves timed in the preview (0: skip)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--json", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    report = run(args.sizes, args.runs, args.large_runs, args.edits, args.seed)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"Signpost benchmark, {report['date']}, commit {report['commit']}, "
          f"{report['machine']['cores']} cores ({report['machine']['cpu']})\n")
    print(table(report))
    print(f"\nWrote {args.json.relative_to(REPO) if args.json.is_relative_to(REPO) else args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
