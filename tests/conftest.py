"""Shared fixtures: a real build of content/, served on loopback, and Debian's Chromium for Playwright."""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from signpost.pipeline import Project, build

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Point Playwright at Debian's Chromium (Playwright's own download is unreachable here)."""
    if not shutil.which(CHROMIUM):
        pytest.exit(f"Chromium not found at {CHROMIUM}: run `make test` (it installs it) or apt-get install chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The clinic's real content, built once per test session."""
    out = tmp_path_factory.mktemp("site") / "dist"
    build(Project.at(ROOT), out)
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_folder(folder: Path):
    """Start a static server on a free loopback port; returns (server, base URL)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="session")
def site_url(built_site):
    server, url = serve_folder(built_site)
    yield url
    server.shutdown()


def axe_violations(page) -> list[dict]:
    """Run axe-core (npm, pinned) in the page for WCAG 2.2 A/AA; evaluate() is not blocked by our CSP."""
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate("async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},"
                         " resultTypes: ['violations']})).violations", WCAG_AA)


def describe_violations(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']]}"
                     for v in violations)


@pytest.fixture(name="axe_violations")
def axe_violations_fixture():
    """The axe_violations(page) function, as a fixture for tests that want the raw list."""
    return axe_violations


@pytest.fixture
def check_axe():
    """Assert a page has no axe-core violations, listing them readably when it has."""
    def check(page):
        violations = axe_violations(page)
        assert violations == [], describe_violations(violations)
    return check
