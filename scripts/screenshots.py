"""Screenshots of what patients see, at a phone's width and a laptop's: docs/screenshots/.

    .venv/bin/python scripts/screenshots.py [--out DIR]

Builds the real site into a temporary folder, serves it on loopback and photographs, in Debian's
Chromium (as the browser tests do), the home page, a tip, the quiz's start and a quiz result, at
360 and 1280 px wide. Each is the first screen a reader sees (800 px tall), except the result,
which is the whole page: its answers and booking line are the point. Run it after changing
templates or the stylesheet, and commit the pictures with the change.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import io
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

from signpost.pipeline import Project, build  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
WIDTHS = {"phone": 360, "desktop": 1280}
HEIGHT = 800
QUIZ = "should-i-see-someone/"
# A path through the real quiz to its "book an assessment" result (pain for over 3 weeks).
BOOKING_ANSWERS = [("emergency-signs", "none"), ("urgent-signs", "none"), ("gp-signs", "none"),
                   ("age", "20-to-49"), ("how-long", "over-3-weeks")]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def reach_result(page: Page, site: str) -> None:
    """Answer the quiz as a reader would, by clicking, up to its result."""
    page.goto(f"{site}/{QUIZ}")
    page.get_by_role("button", name="Start now").click()
    for question, option in BOOKING_ANSWERS:
        page.locator(f"#{question}-{option}").check()
        page.locator(f'[data-step="{question}"]').get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="See my result").click()
    page.locator(".quiz-result:visible").wait_for()


def save_small(png: bytes, file: Path) -> Path:
    """64 colours, no dithering: text and flat colour look the same, at a third of the bytes."""
    with Image.open(io.BytesIO(png)) as picture:
        picture.convert("RGB").quantize(64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            file, optimize=True)
    return file


def shoot(page: Page, site: str, out: Path, size: str) -> list[Path]:
    """The four pictures at one width; returns the files written."""
    shots = []
    for name, path in [("home", ""), ("tip", "tips/warm-up/"), ("quiz-start", QUIZ)]:
        page.goto(f"{site}/{path}")
        shots.append(save_small(page.screenshot(), out / f"{name}-{size}.png"))
    reach_result(page, site)
    shots.append(save_small(page.screenshot(full_page=True), out / f"quiz-result-{size}.png"))
    return shots


def take_screenshots(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    shots = []
    with tempfile.TemporaryDirectory() as folder:
        build(Project.at(ROOT), Path(folder) / "dist")
        server, site = serve(Path(folder) / "dist")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
                for size, width in WIDTHS.items():
                    # Light scheme and no animation: the same pictures on every machine.
                    page = browser.new_page(viewport={"width": width, "height": HEIGHT}, device_scale_factor=1,
                                            color_scheme="light", reduced_motion="reduce")
                    shots += shoot(page, site, out, size)
                    page.close()
                browser.close()
        finally:
            server.shutdown()
    return shots


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    for shot in take_screenshots(args.out):
        print(f"{shot.relative_to(ROOT) if shot.is_relative_to(ROOT) else shot}: {shot.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
