#!/usr/bin/env python3
"""Screenshots of the web editor for EDITING.md, taken in Debian's Chromium: docs/screenshots/editor-*.png.

Run from the repository root: .venv/bin/python scripts/editor-screenshots.py (needs npm ci).
Works on a copy of content/ in a temporary git repository, so nothing real is edited. It serves
the preview's files itself and runs decap-server in its git mode, which supports the editorial
workflow a published site uses (draft → in review → ready → published).
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from signpost import admin  # noqa: E402
from signpost.pipeline import Project, build_files  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def free_port() -> int:
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + admin.LOCAL_PORT_OFFSET < 65536:
            return port


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def make_repo(folder: Path) -> Path:
    """A throwaway git repository holding a copy of content/, on branch main."""
    repo = folder / "repo"
    shutil.copytree(ROOT / "content", repo / "content")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "-c", "user.name=Screenshots", "-c", "user.email=screenshots@example.invalid", "add", ".")
    git(repo, "-c", "user.name=Screenshots", "-c", "user.email=screenshots@example.invalid", "commit", "-qm", "content")
    return repo


def write_site(repo: Path, site: Path) -> None:
    """The preview's files, with the editorial workflow a published site has turned on."""
    files = build_files(Project(repo / "content", ROOT / "templates", ROOT / "assets"), preview=True)[0]
    for path, data in files.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(data)
    config_file = site / "admin" / "config.yml"
    config = json.loads(config_file.read_text().split("\n", 1)[1])
    config["publish_mode"] = "editorial_workflow"
    config_file.write_text(json.dumps(config))


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        repo, site = make_repo(Path(temp)), Path(temp) / "site"
        write_site(repo, site)
        port = free_port()
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        env = {**os.environ, "PORT": str(port + admin.LOCAL_PORT_OFFSET), "BIND_HOST": "127.0.0.1", "MODE": "git",
               "GIT_REPO_DIRECTORY": str(repo), "LOG_LEVEL": "warn", "GIT_AUTHOR_NAME": "Editor",
               "GIT_AUTHOR_EMAIL": "editor@example.invalid", "GIT_COMMITTER_NAME": "Editor",
               "GIT_COMMITTER_EMAIL": "editor@example.invalid"}
        backend = subprocess.Popen(["node", str(ROOT / "node_modules/decap-server/dist/index.js")], env=env,
                                   stdin=subprocess.DEVNULL)
        try:
            time.sleep(2)
            shoot(f"http://127.0.0.1:{port}/admin/")
        finally:
            backend.terminate()
            backend.wait()
            server.shutdown()
    return 0


def shoot(url: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(url)
        page.get_by_role("button", name="Login").click()
        page.get_by_text("Rest between runs").first.wait_for(timeout=30_000)
        page.screenshot(path=OUT / "editor-tips.png")
        page.goto(url + "#/collections/tips/entries/rest")
        title = page.get_by_label("Title", exact=True)
        title.wait_for(timeout=30_000)
        title.fill("Rest days between runs")
        page.wait_for_timeout(500)
        page.screenshot(path=OUT / "editor-tip.png")
        page.get_by_role("button", name="Save").click()
        page.get_by_text("Entry saved").wait_for(timeout=30_000)
        page.get_by_text("Entry saved").wait_for(state="hidden", timeout=30_000)
        page.screenshot(path=OUT / "editor-draft-saved.png")
        page.goto(url + "#/workflow")
        page.get_by_text("Rest days between runs").first.wait_for(timeout=30_000)
        page.get_by_text("Entry saved").wait_for(state="hidden", timeout=30_000)
        page.screenshot(path=OUT / "editor-workflow.png")
        browser.close()
    print(f"Wrote {', '.join(sorted(p.name for p in OUT.glob('editor-*.png')))} in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
