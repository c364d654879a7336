"""Host files: `_headers` from each page's own policy, precompressed copies, the nginx block, the Pages workflow."""
from __future__ import annotations

import fnmatch
import gzip
import json
import subprocess
import sys
from pathlib import Path

import brotli
import pytest

from signpost.bodies import BodyCache
from signpost.hosting import (HTML_CACHE, IMMUTABLE, header_policy, header_rules, headers_file, nginx_server,
                              page_policy, policies_in)
from signpost.incremental import Warm
from signpost.memo import SavedPages
from signpost.pipeline import Project, build
from tests.sitekit import ROOT, build_site, make_content, tip

DEFAULT = "default-src 'self'; script-src 'self'"
SEARCH = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"
ACTIONLINT = Path(sys.executable).with_name("actionlint")


def matches(pattern: str, url: str) -> bool:
    """A `_headers` pattern as Netlify and Cloudflare Pages read it: * matches anything."""
    return fnmatch.fnmatchcase(url, pattern.replace("[", "[[]"))


def headers_for(rules, url: str) -> dict[str, list[str]]:
    """Every value each matching rule sets for url, per header: two values would be merged by the host."""
    found: dict[str, list[str]] = {}
    for rule in rules:
        if matches(rule.pattern, url):
            for name, value in rule.headers:
                found.setdefault(name, []).append(value)
    return found


def test_page_policy_is_read_from_the_pages_own_meta_tag():
    page = (b'<head><meta http-equiv="Content-Security-Policy" content="default-src &#39;self&#39;">'
            b'</head><body><meta http-equiv="Content-Security-Policy" content="script-src *"></body>')
    assert page_policy(page) == "default-src 'self'"
    assert page_policy(b"<head></head>") is None
    assert header_policy("default-src 'self'; ") == "default-src 'self'; frame-ancestors 'none'"


@pytest.mark.parametrize("base", ["/", "/guidance/"])
def test_a_page_with_its_own_policy_never_gets_a_second_one(base):
    policies = {"index.html": DEFAULT, "404.html": DEFAULT, "tips/index.html": DEFAULT, "tips/rest/index.html": DEFAULT,
                "search/index.html": SEARCH, "about/index.html": DEFAULT}
    others = ["css/site.0123456789.css", "css/site.0123456789.css.gz", "feed.xml", "images/x.png"]
    rules = header_rules(policies, others, base)
    for path, policy in policies.items():
        for url in ([base + path, base + path[:-len("index.html")]] if path.endswith("index.html") else [base + path]):
            found = headers_for(rules, url)
            assert found["Content-Security-Policy"] == [header_policy(policy)], url
            assert found["Cache-Control"] == [HTML_CACHE], url
            assert found["X-Content-Type-Options"] == ["nosniff"], url
    asset = headers_for(rules, f"{base}css/site.0123456789.css")
    assert asset["Cache-Control"] == [IMMUTABLE] and "Content-Security-Policy" not in asset
    assert "Cache-Control" not in headers_for(rules, f"{base}feed.xml")
    assert len(rules) < 12   # tips/* is one rule, however many tips
    assert f"\n{base}tips/*\n  Content-Security-Policy: {header_policy(DEFAULT)}\n" in headers_file(rules).decode()


def test_a_build_writes_host_files_and_precompressed_copies_the_marker_lists(tmp_path):
    out = build_site(tmp_path, base_url="https://clinic.example/guidance/")
    listed = set(json.loads((out / ".signpost-build").read_text())["files"])
    assert {"_headers", "_redirects", "index.html.br", "index.html.gz"} <= listed
    assert (out / "_redirects").read_text() == "/guidance/* /guidance/404.html 404\n"
    assert "\n/guidance/tips/*\n" in (out / "_headers").read_text()
    texts = [p for p in out.rglob("*") if p.suffix in (".html", ".css", ".js", ".xml", ".svg")]
    assert texts
    for text in texts:
        rel = text.relative_to(out).as_posix()
        assert f"{rel}.gz" in listed and f"{rel}.br" in listed, rel
        packed = (out / f"{rel}.gz").read_bytes()
        assert packed[4:8] == b"\0\0\0\0"   # no time in the gzip header: same bytes, same file
        assert gzip.decompress(packed) == text.read_bytes()
        assert brotli.decompress((out / f"{rel}.br").read_bytes()) == text.read_bytes()
    assert not (out / "robots.txt.gz").exists()   # bigger than the file itself
    assert not [p for p in out.rglob("*.gz.gz")] and not [p for p in out.rglob("*.br.gz")]


def test_precompressed_files_are_the_same_bytes_every_build(tmp_path):
    first, second = build_site(tmp_path), build_site(tmp_path, out=tmp_path / "again")
    assert (first / "index.html.gz").read_bytes() == (second / "index.html.gz").read_bytes()
    assert (first / "_headers").read_bytes() == (second / "_headers").read_bytes()


def test_the_preview_gets_no_host_files(tmp_path):
    out = build_site(tmp_path, preview=True)
    assert not (out / "_headers").exists() and not list(out.rglob("*.gz"))


def test_a_warm_build_reuses_the_compressed_files_of_unchanged_pages(tmp_path):
    content = make_content(tmp_path, {"tips/rest.md": tip(title="Rest")})
    project, out, cache = Project.at(ROOT, content), tmp_path / "dist", tmp_path / ".cache"

    def warm_build():
        build(project, out, speedups=Warm(bodies=BodyCache.load(cache / "b.pickle"), pages=SavedPages.load(cache, "d", out)))

    warm_build()
    warm_build()   # the second build is the first to start from a spare site
    before = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*.br")}
    (content / "tips" / "rest.md").write_text(tip(title="Rest", body="## One\n\nRest a day.\n"), encoding="utf-8")
    warm_build()
    after = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*.br")}
    assert after["tips/warm-up/index.html.br"] == before["tips/warm-up/index.html.br"]   # the same file: not made again
    assert after["tips/rest/index.html.br"] != before["tips/rest/index.html.br"]
    assert b"Rest a day." in brotli.decompress((out / "tips/rest/index.html.br").read_bytes())


def test_docs_nginx_conf_is_the_generated_block_for_the_real_site(tmp_path):
    build(Project.at(ROOT), tmp_path / "dist")
    generated = nginx_server(policies_in(tmp_path / "dist"), "/", "/var/www/guidance", "guidance.lifeeffect.example")
    assert (ROOT / "docs" / "nginx.conf").read_text(encoding="utf-8") == generated, (
        "docs/nginx.conf is out of date: build, then run\n  .venv/bin/python -m signpost.hosting dist / "
        "/var/www/guidance guidance.lifeeffect.example > docs/nginx.conf")


def test_nginx_block_sends_a_pages_own_policy_and_the_usual_one_to_the_rest():
    block = nginx_server({"index.html": DEFAULT, "tips/index.html": DEFAULT, "search/index.html": SEARCH},
                         "/guidance/", "/srv/www", brotli_static=False)
    assert f'    default "{header_policy(DEFAULT)}";\n    "/guidance/search/index.html" "{header_policy(SEARCH)}";\n}}' in block
    assert "error_page 404 /guidance/404.html;" in block and "brotli_static" not in block
    assert 'location ~ "^/guidance/.*\\.html$"' in block


def test_the_pages_workflow_passes_actionlint():
    if not ACTIONLINT.exists():
        pytest.skip("actionlint is not installed: pip install -r requirements-dev.txt")
    workflow = ROOT / ".github" / "workflows" / "pages.yml"
    result = subprocess.run([str(ACTIONLINT), "-no-color", str(workflow)], capture_output=True, text=True,
                            cwd=ROOT, env={"PATH": "/usr/bin:/bin"}, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
