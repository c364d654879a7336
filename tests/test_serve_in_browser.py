"""Live preview in Chromium, as an editor uses it: save, see it; break it, see why; fix it, see it again."""
import shutil
import time

import pytest

from tests.sitekit import ROOT
from tests.test_serve import preview_server


@pytest.mark.browser
def test_edit_break_and_fix_a_tip_while_previewing(page, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    tip_file = content / "tips" / "shoes.md"
    original = tip_file.read_text(encoding="utf-8")
    with preview_server(tmp_path, content) as (_, port):
        page.goto(f"http://127.0.0.1:{port}/tips/shoes/")
        page.wait_for_function("() => window.signpostReload === 'listening'", timeout=10_000)
        seconds = []
        for edit in range(3):
            started = time.perf_counter()
            tip_file.write_text(original.replace("## Why your shoes matter", f"## Shoes matter, edit {edit}"),
                                encoding="utf-8")
            page.get_by_role("heading", name=f"Shoes matter, edit {edit}").wait_for(timeout=20_000)
            seconds.append(time.perf_counter() - started)
            page.wait_for_timeout(300)  # an editor doesn't save again the instant the page reloads
        print(f"save → page shows the change: {', '.join(f'{s:.2f}' for s in seconds)} s")

        tip_file.write_text(original.replace("title: Choose", "title: [Choose"), encoding="utf-8")
        page.get_by_role("heading", name="Something needs fixing before this page can be shown").wait_for(
            timeout=20_000)
        assert "content/tips/shoes.md, line 3" in page.inner_text("main")
        assert "How to fix it:" in page.inner_text("main")

        tip_file.write_text(original, encoding="utf-8")
        page.get_by_role("heading", level=1, name="Choose the right running shoes").wait_for(timeout=20_000)
