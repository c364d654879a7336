"""scripts/screenshots.py: it still reaches every page it photographs, at both widths."""
import subprocess
import sys

import pytest
from PIL import Image

from tests.conftest import ROOT

NAMES = ["home", "tip", "quiz-start", "quiz-result"]


@pytest.mark.browser
def test_the_screenshots_script_photographs_each_page_at_both_widths(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "scripts/screenshots.py"), "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}-{s}.png" for n in NAMES for s in ("phone", "desktop"))
    for name in NAMES:
        for size, width in [("phone", 360), ("desktop", 1280)]:
            with Image.open(tmp_path / f"{name}-{size}.png") as picture:
                assert picture.width == width
                # the first screen, but the whole result: its answers and booking line are below it
                assert (picture.height > 1600) if name == "quiz-result" else (picture.height == 800)
    # the committed pictures are the ones this script makes (same names), and stay small
    committed = sorted(p for p in (ROOT / "docs/screenshots").glob("*.png")   # editor-*: scripts/editor-screenshots.py
                       if not p.name.startswith("editor-"))
    assert [p.name for p in committed] == sorted(p.name for p in tmp_path.iterdir())
    assert all(p.stat().st_size < 200_000 for p in committed)
