"""The built site behind a real nginx (Debian's), configured by the block hosting.py generates:
under a path prefix and at the root, every page answers with its headers, unknown paths get the
404 page with status 404, text is sent precompressed, and the quiz works in Chromium with the
Content-Security-Policy header and no violation."""
from __future__ import annotations

import getpass
import gzip
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import brotli
import pytest
from playwright.sync_api import Page, expect

from signpost.hosting import (HTML_CACHE, IMMUTABLE, SECURITY_HEADERS, header_policy, nginx_server, page_policy,
                              policies_in)
from signpost.pipeline import Project, build
from signpost.write import FINGERPRINTED
from tests.conftest import ROOT

pytestmark = pytest.mark.browser
BROTLI_MODULES = [Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"),
                  Path("/usr/share/nginx/modules/ngx_http_brotli_static_module.so")]
INSTALL_HINT = ("nginx is not installed: run `make test` as root (scripts/ensure-system-tools.sh installs it), "
                "or `sudo apt-get install -y nginx libnginx-mod-http-brotli-static`")


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if not found:
        pytest.skip(INSTALL_HINT)
    return found


def brotli_module() -> Path | None:
    return next((module for module in BROTLI_MODULES if module.is_file()), None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main_config(prefix: Path, server_block: str, module: Path | None) -> str:
    """A whole nginx.conf around the generated block: in the foreground, everything under prefix,
    as the current user (root's workers would otherwise run as nobody, who can't read tmp_path)."""
    temp = " ".join(f"{kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return "\n".join([
        f"load_module {module};" if module else "",
        "daemon off;",
        "worker_processes 1;",
        f"pid {prefix / 'nginx.pid'};",
        f"error_log {prefix / 'error.log'} warn;",
        f"user {getpass.getuser()};" if os.geteuid() == 0 else "",
        "events { worker_connections 64; }",
        "http {",
        "    include /etc/nginx/mime.types;",
        "    default_type application/octet-stream;",
        "    access_log off;",
        f"    {temp}",
        server_block,
        "}",
    ])


def start_nginx(prefix: Path, server_block: str, port: int, module: Path | None) -> subprocess.Popen:
    (prefix / "nginx.conf").write_text(main_config(prefix, server_block, module), encoding="utf-8")
    process = subprocess.Popen([nginx_binary(), "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                                "-e", str(prefix / "error.log")], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"nginx stopped: {process.stderr.read().decode()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise AssertionError("nginx did not start listening within 15 s")


@pytest.fixture(scope="module", params=["/guidance/", "/"], ids=["under-a-prefix", "at-the-root"])
def served(request, tmp_path_factory):
    """(base URL, built site folder) of the real content served by nginx with the generated block."""
    nginx_binary()
    base_path = request.param
    www = tmp_path_factory.mktemp("www")
    site = www / base_path.strip("/") if base_path != "/" else www / "site"
    build(Project.at(ROOT), site, base_url=f"https://clinic.example{base_path}")
    root = www if base_path != "/" else site
    port, module = free_port(), brotli_module()
    block = nginx_server(policies_in(site), base_path, str(root), "127.0.0.1", port, brotli_static=module is not None)
    prefix = tmp_path_factory.mktemp("nginx")
    process = start_nginx(prefix, block, port, module)
    yield f"http://127.0.0.1:{port}{base_path}", site
    process.terminate()
    process.wait(timeout=10)


def fetch(url: str, encoding: str = "identity"):
    """(status, headers, raw body) without following redirects or decoding."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def page_paths(site: Path) -> list[str]:
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))


def url_of(path: str) -> str:
    return path[:-len("index.html")] if path.endswith("index.html") else path


def assert_security_headers(headers, where: str) -> None:
    for name, value in SECURITY_HEADERS:
        assert headers.get(name) == value, f"{where}: {name} is {headers.get(name)!r}"


def test_every_page_answers_with_its_own_policy_and_the_security_headers(served):
    base, site = served
    paths = page_paths(site)
    assert len(paths) > 20
    for path in paths:
        status, headers, body = fetch(base + url_of(path))
        assert status == 200, f"{path}: {status}"   # /404.html itself too: it exists
        assert body == (site / path).read_bytes()
        assert_security_headers(headers, path)
        assert headers["Content-Security-Policy"] == header_policy(page_policy(body)), path
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["Cache-Control"] == HTML_CACHE, path
        assert headers["Content-Type"] == "text/html; charset=utf-8", path


def test_unknown_paths_get_the_404_page_with_status_404(served):
    base, site = served
    for missing in ("no-such-page/", "tips/no-such-tip/", "css/site.0000000000.css"):
        status, headers, body = fetch(base + missing)
        assert status == 404, missing
        assert body == (site / "404.html").read_bytes(), missing
        assert_security_headers(headers, missing)
        assert headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")


def test_fingerprinted_assets_are_cached_for_a_year(served):
    base, site = served
    assets = [p.relative_to(site).as_posix() for p in site.rglob("*") if FINGERPRINTED.fullmatch(p.name)
              and not p.name.endswith((".gz", ".br"))]
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    for asset in assets:
        status, headers, _ = fetch(base + asset)
        assert status == 200 and headers["Cache-Control"] == IMMUTABLE, asset
        assert_security_headers(headers, asset)
        assert "Content-Security-Policy" not in headers


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_text_is_sent_precompressed_to_clients_that_accept_it(served, encoding):
    if encoding == "br" and brotli_module() is None:
        pytest.skip("Debian's libnginx-mod-http-brotli-static is not installed: only gzip is checked")
    base, site = served
    suffix, decompress = {"gzip": (".gz", gzip.decompress), "br": (".br", brotli.decompress)}[encoding]
    assets = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.suffix in (".css", ".js")]
    for path in ["index.html", "should-i-see-someone/index.html", "feed.xml"] + assets:
        status, headers, body = fetch(base + url_of(path), encoding=f"{encoding}, identity")
        assert status == 200
        assert headers["Content-Encoding"] == encoding, path
        assert "Accept-Encoding" in headers.get("Vary", ""), path
        assert body == (site / (path + suffix)).read_bytes(), f"{path}: not the precompressed file"
        assert decompress(body) == (site / path).read_bytes()
    status, headers, body = fetch(base, encoding="identity")
    assert "Content-Encoding" not in headers and body == (site / "index.html").read_bytes()


def test_the_quiz_works_in_chromium_with_no_policy_violation(served, page: Page):
    base, _ = served
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    response = page.goto(base)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.goto(base + "should-i-see-someone/")
    page.get_by_role("button", name="Start now").click()
    page.locator("#emergency-signs-both-legs").check()
    page.locator("[data-step]:visible").get_by_role("button", name="Continue").click()
    expect(page.locator("[data-step]:visible h1")).to_have_text("Emergency: Call 999 or go to A&E now")
    page.goto(base + "no-such-page/")
    expect(page.locator("h1")).to_be_visible()
    violations = [line for line in console if "Content Security Policy" in line or "Refused to" in line]
    assert violations == []
    expected = "error: Failed to load resource: the server responded with a status of 404 (Not Found)"
    assert [line for line in console if line.startswith("error")] == [expected]   # the 404 page itself
