"""Site search: the Pagefind index made with the site, and the search page in Chromium on the real content."""
import json
import re
import shutil
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from signpost.bodies import BodyCache
from signpost.incremental import Warm
from signpost.memo import SavedPages
from signpost.pipeline import Project, build
from signpost.problems import BuildFailed
from signpost.search import INDEX_FOLDER, index_pages
from signpost.write import listed_in_marker
from tests.conftest import ROOT, serve_folder
from tests.sitekit import SITE_YML, build_site, make_content, tip
from tests.test_serve import preview_server

DEFAULT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
               "object-src 'none'; base-uri 'none'; form-action 'self'")
CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def indexed_pages(out) -> int:
    """How many pages the index in `out` holds, as Pagefind's entry file says."""
    entry = json.loads((out / INDEX_FOLDER / "pagefind-entry.json").read_text())
    return sum(language["page_count"] for language in entry["languages"].values())


def test_the_index_is_listed_and_holds_the_tips_and_pages_only(built_site):
    listed = listed_in_marker(built_site)
    index = {p.relative_to(built_site).as_posix() for p in (built_site / INDEX_FOLDER).rglob("*") if p.is_file()}
    assert "pagefind/pagefind.js" in index and any(path.endswith(".pf_fragment") for path in index)
    assert index <= listed
    tips, pages = len(list((ROOT / "content/tips").glob("*.md"))), len(list((ROOT / "content/pages").glob("*.md")))
    assert indexed_pages(built_site) == tips + pages   # not the home page, quiz, topics, search or 404
    assert not (built_site / INDEX_FOLDER / "pagefind-ui.js").exists()   # our own result list instead


def test_only_the_search_page_may_run_webassembly_and_forms_go_only_to_the_site(built_site):
    policies = {page.relative_to(built_site).as_posix(): CSP.findall(page.read_text())
                for page in built_site.rglob("*.html")}
    expected = {"search/index.html": DEFAULT_CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")}
    assert {path: found for path, found in policies.items() if found != [expected.get(path, DEFAULT_CSP)]} == {}


def test_a_site_without_tips_or_pages_has_no_index_and_builds(tmp_path):
    out = tmp_path / "dist"
    build(Project.at(ROOT, make_content(tmp_path, {"site.yml": SITE_YML}, with_defaults=False)), out)
    assert (out / "search/index.html").exists() and not (out / INDEX_FOLDER).exists()


def test_a_missing_pagefind_is_a_problem_and_the_old_site_stays(tmp_path, monkeypatch):
    out = build_site(tmp_path)
    before = (out / "index.html").read_bytes()
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with pytest.raises(BuildFailed) as failure:
        build(Project.at(ROOT, tmp_path / "content"), out)
    assert "The search index could not be made" in str(failure.value)
    assert (out / "index.html").read_bytes() == before and (out / INDEX_FOLDER / "pagefind.js").exists()


def test_index_pages_indexes_only_marked_pages_held_in_memory():
    page = '<html lang="en"><body><h1>{0}</h1><div{1}><p>{0} words</p></div></body></html>'
    files = {"a/index.html": page.format("Zebra", " data-pagefind-body").encode(),
             "b/index.html": page.format("Giraffe", "").encode(), "css/x.css": b"p{}"}
    index = index_pages(files)
    entry = json.loads(index["pagefind/pagefind-entry.json"])
    assert entry["languages"]["en"]["page_count"] == 1 and "pagefind/pagefind.js" in index


# In Chromium, on the real content ----------------------------------------------------------------

def search_for(page, site_url: str, words: str) -> list[str]:
    """Search on the search page as a reader does; the titles of the results, best first."""
    page.goto(f"{site_url}/search/")
    page.get_by_label("Search the tips").fill(words)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_contain_text("match")
    return page.locator(".search-list h2").all_inner_texts()


def watch_console(page) -> list[str]:
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type in ("error", "warning") else None)
    return errors


@pytest.mark.browser
@pytest.mark.parametrize("words, best, also", [
    ("shoes", "Choose the right running shoes", []),
    ("warm up", "Warm up before every run", []),
    ("sciatica", None, ["When to get help for back pain", "About Life Effect"]),
])
def test_searching_the_real_site_finds_the_right_tips(page, site_url, check_axe, words, best, also):
    errors = watch_console(page)
    titles = search_for(page, site_url, words)
    if best:
        assert titles[0] == best, titles
    assert set(also) <= set(titles), titles
    assert re.fullmatch(rf"{len(titles)} tips? match(es)? “{words}”\.", page.get_by_role("status").inner_text())
    assert page.locator(".search-list mark").count() >= 1   # the words found, highlighted in the excerpts
    page.locator(".search-list a").first.click()
    expect(page.locator("h1")).to_have_text(titles[0])
    page.go_back()
    expect(page.locator(".search-list h2").first).to_have_text(titles[0])   # ?q= kept: the results come back
    check_axe(page)
    assert errors == []   # no CSP refusal, no failed load


@pytest.mark.browser
def test_nothing_found_is_said_plainly(page, site_url):
    assert search_for(page, site_url, "xylophone") == []
    expect(page.get_by_role("status")).to_have_text("No tips match “xylophone”. Try other words, or browse all tips.")


@pytest.mark.browser
@pytest.mark.parametrize("words, found", [("unsure", []), ("facebook", []), ("linkedin", []),
                                          ("discovery", ["About Life Effect", "When to get help for back pain"])])
def test_what_every_tip_repeats_is_not_searchable(page, site_url, words, found):
    """Words in the tips' disclaimer ('if you are unsure'), share links and booking box ('free
    discovery visit'): on every tip page, but found only where a tip's or page's own text has them."""
    assert sorted(search_for(page, site_url, words)) == found


@pytest.mark.browser
def test_the_home_page_box_goes_to_the_search_page_and_pagefind_loads_only_there(page, site_url):
    loaded = []
    page.on("request", lambda request: loaded.append(request.url))
    page.goto(f"{site_url}/")
    page.get_by_label("Search the tips").fill("shoes")
    page.get_by_label("Search the tips").press("Enter")
    page.wait_for_url("**/search/?q=shoes")
    expect(page.locator(".search-list h2").first).to_have_text("Choose the right running shoes")
    pagefind = [url for url in loaded if "/pagefind/" in url]
    assert pagefind and all(url.startswith(f"{site_url}/pagefind/") for url in pagefind)
    first = loaded.index(pagefind[0])
    assert any(url.endswith("/search/?q=shoes") for url in loaded[:first])   # not before the search page


@pytest.mark.browser
def test_without_javascript_the_box_sends_to_the_tips_list(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/")
        page.get_by_label("Search the tips").fill("shoes")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url("**/tips/?q=shoes")
        expect(page.locator("h1")).to_have_text("All tips")
        page.goto(f"{site_url}/search/")
        expect(page.locator(".search-no-js")).to_be_visible()
    finally:
        context.close()


@pytest.mark.browser
def test_search_works_under_a_path_prefix(page, tmp_path, check_axe):
    page.emulate_media(color_scheme="dark")   # and the highlighted words keep their contrast in dark mode
    build(Project.at(ROOT), tmp_path / "www" / "guidance", base_url="https://clinic.example/guidance/")
    server, url = serve_folder(tmp_path / "www")
    try:
        errors = watch_console(page)
        page.goto(f"{url}/guidance/")
        page.get_by_label("Search the tips").fill("sciatica")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url("**/guidance/search/?q=sciatica")
        expect(page.get_by_role("status")).to_contain_text("match")
        hrefs = page.locator(".search-list a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert "/guidance/tips/when-to-get-help/" in hrefs and all(h.startswith("/guidance/") for h in hrefs)
        check_axe(page)
        assert errors == []
    finally:
        server.shutdown()


def add_words(tip_file, words: str) -> None:
    text = tip_file.read_text(encoding="utf-8")
    tip_file.write_text(text + f"\nAsk us about {words} too.\n", encoding="utf-8")


@contextmanager
def served(folder):
    server, url = serve_folder(folder)
    try:
        yield url
    finally:
        server.shutdown()


@pytest.mark.browser
def test_a_warm_build_finds_a_tip_by_its_new_words(page, tmp_path):
    content, out, caches = tmp_path / "content", tmp_path / "www" / "dist", tmp_path / "cache"
    shutil.copytree(ROOT / "content", content)

    def warm_build():
        build(Project.at(ROOT, content), out, speedups=Warm(bodies=BodyCache.load(caches / "bodies.pickle"),
                                                            pages=SavedPages.load(caches, "dist", out)))

    warm_build()
    warm_build()   # now with a spare site and reused pages, as every later build
    with served(out) as url:
        assert search_for(page, url, "trampolining") == []
        add_words(content / "tips" / "shoes.md", "trampolining")
        warm_build()
        assert search_for(page, url, "trampolining") == ["Choose the right running shoes"]
        add_words(content / "tips" / "rest.md", "trampolining")
        warm_build()   # the spare this build starts from holds the index before the last one
        assert sorted(search_for(page, url, "trampolining")) == ["Choose the right running shoes",
                                                                 "Rest between runs"]


@pytest.mark.browser
def test_the_preview_finds_a_tip_by_its_new_words(page, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    with preview_server(tmp_path, content) as (_, port):
        url = f"http://127.0.0.1:{port}"
        assert search_for(page, url, "trampolining") == []
        page.wait_for_function("() => window.signpostReload === 'listening'", timeout=10_000)
        add_words(content / "tips" / "shoes.md", "trampolining")
        # the preview reloads the open search page, which searches again for the words in its address
        expect(page.locator(".search-list h2")).to_have_text(["Choose the right running shoes"], timeout=20_000)


@pytest.mark.browser
def test_markup_in_a_tips_text_is_shown_as_text_in_the_results(page, tmp_path):
    # An editor's `<img onerror>` written as code is text on the tip page; the excerpt keeps it text.
    body = "## Try\n\nType `<img src=x onerror=alert(1)>` and `<b>zebra</b>` into nothing.\n"
    out = build_site(tmp_path, {"tips/odd.md": tip(title="Odd", body=body)})
    with served(out) as url:
        assert search_for(page, url, "zebra") == ["Odd"]
        excerpt = page.locator(".search-list p").first
        assert "<b>zebra</b>" in excerpt.inner_text()
        assert excerpt.locator("img, b").count() == 0 and excerpt.locator("mark").count() >= 1


def test_a_page_cannot_take_the_search_index_address(tmp_path):
    with pytest.raises(BuildFailed) as failure:
        build_site(tmp_path, {"pages/pagefind.md": "---\ntitle: Find\n---\n\nText.\n"})
    assert [str(p) for p in failure.value.problems] == [
        "content/pages/pagefind.md: This would be written to pagefind/index.html, which the site's "
        "search index already uses. Hint: Rename one of the two files."]
