"""The web editor in Chromium, as an editor uses it: open /admin/, change a tip, save, see the preview."""
import shutil
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.sitekit import ROOT
from tests.test_serve import preview_server, wait_for

pytestmark = pytest.mark.skipif(not (ROOT / "node_modules" / "decap-server").is_dir(),
                                reason="decap-server is not installed: run npm ci (make test does)")


def front_matter(text: str) -> str:
    return text.split("---\n")[1]


def select_the_line(page, text: str) -> None:
    """End, then Shift+Home, until the browser's selection is the whole line: on a busy machine the
    editor may not have taken the caret yet when the first keys arrive, and they would be lost."""
    for _ in range(20):
        page.keyboard.press("End")
        page.keyboard.press("Shift+Home")
        if page.evaluate("() => String(getSelection())") == text:
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"could not select the line {text!r} in the editor")


@pytest.mark.browser
def test_edit_a_tip_in_the_web_editor(page, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    tip_file = content / "tips" / "rest.md"
    original = tip_file.read_text(encoding="utf-8")
    commented = original.replace("order: 8\n", "order: 8   # after the warm-up tips\n# sources checked Dec 2026\n")
    tip_file.write_text(commented, encoding="utf-8")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    with preview_server(tmp_path, content) as (_, port):
        page.goto(f"http://127.0.0.1:{port}/admin/")
        page.get_by_role("button", name="Login").click()
        page.goto(f"http://127.0.0.1:{port}/admin/#/collections/tips/entries/rest")
        title = page.get_by_label("Title", exact=True)
        title.wait_for(timeout=30_000)
        title.fill("Rest days between runs")
        line = page.locator(".cms-editor-raw [contenteditable=true]").get_by_text("## Do not ignore pain")
        line.click()   # the raw Markdown editor: select the heading's line and type over it
        select_the_line(page, "## Do not ignore pain")
        page.keyboard.type("## Never ignore pain")
        expect(page.locator(".cms-editor-raw").get_by_text("## Never ignore pain")).to_be_visible()
        page.get_by_role("button", name="Publish").click()
        page.get_by_text("Publish now").click()
        wait_for(lambda: "Rest days between runs" in tip_file.read_text(encoding="utf-8"), "the save")
        saved = tip_file.read_text(encoding="utf-8")

        page.goto(f"http://127.0.0.1:{port}/tips/rest/")
        page.get_by_role("heading", level=1, name="Rest days between runs").wait_for(timeout=20_000)
        page.get_by_role("heading", name="Never ignore pain").wait_for(timeout=5_000)
    assert errors == []
    assert front_matter(saved) == front_matter(commented).replace("title: Rest between runs",
                                                                  "title: Rest days between runs")
    assert saved.split("---\n", 2)[2] == commented.split("---\n", 2)[2].replace("Do not ignore", "Never ignore")
    build = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--content", str(content),
                            "--out", str(tmp_path / "dist")], capture_output=True, text=True)
    assert build.returncode == 0, build.stdout + build.stderr
