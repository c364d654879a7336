"""Profile one cold Signpost build with pyinstrument; writes bench/results/profile-N.txt.

    python bench/profile.py [--tips 1000]

pyinstrument is installed, with Signpost's own requirements, into a venv of its own under
bench/.peers/, so the project's .venv never gets bench-only packages.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import venv
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DEFAULT_SEED, write_corpus  # noqa: E402
from measure import REPO  # noqa: E402

VENV = REPO / "bench" / ".peers" / "profile-venv"
RESULTS = REPO / "bench" / "results"
OUT = REPO / "bench" / "out"


def ensure_venv() -> Path:
    """A venv with Signpost's requirements and pyinstrument; its python."""
    python = VENV / "bin" / "python"
    stamp = VENV / ".installed"
    wanted = (REPO / "bench" / "requirements.txt").read_text()   # Signpost's lock plus pyinstrument's (`make lock`)
    if not stamp.exists() or stamp.read_text() != wanted:
        venv.create(VENV, with_pip=True, clear=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--require-hashes", "-r", str(REPO / "bench" / "requirements.txt")],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        stamp.write_text(wanted)
    return python


def profile_build(python: Path, tips: int, seed: int) -> Path:
    """Run `build.py build` under pyinstrument on a fresh corpus; the text report's path."""
    content = write_corpus(tips, OUT / f"corpus-{tips}", seed) / "content"
    out = OUT / f"profile-dist-{tips}"
    shutil.rmtree(out, ignore_errors=True)
    report = RESULTS / f"profile-{tips}.txt"
    RESULTS.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(python), "-m", "pyinstrument", "-r", "text", "-p", "time=percent_of_total", "-o", str(report),
                    str(REPO / "build.py"), "build", "--no-cache", "--content", str(content), "--out", str(out)],
                   cwd=REPO, check=True)
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Profile a cold Signpost build.")
    parser.add_argument("--tips", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    report = profile_build(ensure_venv(), args.tips, args.seed)
    print(f"Wrote {report.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
