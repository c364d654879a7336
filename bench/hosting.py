"""What the host files cost a build (signpost/hosting.py), measured on a built site, and what they save.

    python bench/hosting.py SITE_FOLDER

Replays the site's files through with_host_files as a build does: cold (every text file
compressed), then warm (the memo of the first pass, so every .br/.gz is reused from the folder,
as a warm build with one page changed reuses all but that page's). Prints JSON: CPU seconds of
each pass, and the bytes of the text files, their .gz and their .br.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from signpost.hosting import TEXT_SUFFIXES, with_host_files  # noqa: E402
from signpost.memo import SavedPages  # noqa: E402
from signpost.model import SiteConfig  # noqa: E402


def site_files(folder: Path) -> list[tuple[str, bytes]]:
    """The files a build would hand to with_host_files: everything but the host files it adds."""
    made = (".br", ".gz")
    return [(path.relative_to(folder).as_posix(), path.read_bytes()) for path in sorted(folder.rglob("*"))
            if path.is_file() and not path.name.endswith(made) and not path.name.startswith((".", "_"))]


def timed_pass(files, config, memo) -> tuple[float, list[tuple[str, bytes]]]:
    started = time.process_time()
    out = list(with_host_files(iter(files), config, memo))
    return time.process_time() - started, out


def measure(folder: Path) -> dict:
    files = site_files(folder)
    config = SiteConfig(name="x", base_url="https://clinic.example/", booking_url="https://clinic.example/b",
                        phone="0", footer="f", tagline="", language="en-GB", review_months=12, reading_age=11, email="")
    cold, out = timed_pass(files, config, None)
    with tempfile.TemporaryDirectory() as cache:
        memo = SavedPages.load(Path(cache), "bench", folder)
        timed_pass(files, config, memo)   # records each compressed file's key, as a build does
        memo.save()
        warm, _ = timed_pass(files, config, memo)
    made = dict(out)
    texts = [(path, data) for path, data in files if path.endswith(TEXT_SUFFIXES)]
    return {"files": len(files), "text_files": len(texts), "cold_cpu_seconds": cold, "warm_cpu_seconds": warm,
            "text_bytes": sum(len(data) for _, data in texts),
            "gzip_bytes": sum(len(made.get(f"{path}.gz", data)) for path, data in texts),
            "brotli_bytes": sum(len(made.get(f"{path}.br", data)) for path, data in texts)}


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]))))
