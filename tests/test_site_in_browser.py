"""The built site in Debian's Chromium: accessibility at phone and desktop widths, and valid HTML."""
import json
import subprocess

import pytest

from tests.conftest import ROOT

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("path", ["", "tips/warm-up/", "tips/", "tags/cool-down/", "about/", "404.html", "search/"])
def test_pages_have_no_wcag_violations(page, site_url, check_axe, path, viewport):
    page.set_viewport_size(viewport)
    page.goto(f"{site_url}/{path}")
    check_axe(page)


@pytest.mark.browser
def test_tip_reads_at_320px_without_sideways_scrolling(page, site_url):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{site_url}/tips/running-form/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.get_by_role("heading", level=1).count() == 1


@pytest.mark.browser
def test_skip_link_is_first_and_moves_focus_to_main(page, site_url):
    page.goto(f"{site_url}/tips/shoes/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.browser
def test_pages_make_no_third_party_requests(page, site_url):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    for path in ["", "tips/warm-up/", "about/"]:
        page.goto(f"{site_url}/{path}")
    assert requests and all(url.startswith(site_url) for url in requests), requests
    assert page.context.cookies() == []


def vnu_errors(folder) -> list[dict]:
    """The Nu HTML Checker's errors for every .html file under folder."""
    result = subprocess.run(["java", "-jar", str(VNU_JAR), "--skip-non-html", "--errors-only", "--format", "json",
                             str(folder)], capture_output=True, text=True, timeout=180)
    return [m for m in json.loads(result.stderr)["messages"] if m["type"] in ("error", "non-document-error")]


def test_every_built_page_is_valid_html(built_site):
    errors = vnu_errors(built_site)
    assert errors == [], "\n".join(f"{e['url']}:{e.get('lastLine')}: {e['message']}" for e in errors)


def test_the_html_checker_does_report_errors(tmp_path):
    (tmp_path / "bad.html").write_text("<!doctype html><html><title>x</title><p><div></p>")
    assert vnu_errors(tmp_path)


@pytest.mark.browser
def test_tip_prints_without_navigation_and_with_link_addresses(page, site_url, tmp_path):
    page.goto(f"{site_url}/tips/when-to-get-help/")
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.site-header nav', '.share', '.toc', '.breadcrumbs', '.skip-link']
        .map(s => document.querySelector(s)).filter(Boolean)
        .filter(e => getComputedStyle(e).display !== 'none').map(e => e.className || e.tagName)""")
    assert hidden == []
    booking = page.evaluate("getComputedStyle(document.querySelector('.cta a.button'), '::after').content")
    assert "https://" in booking  # the address is printed after the link text
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    (tmp_path / "tip.pdf").write_bytes(pdf)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["", "tips/warm-up/", "should-i-see-someone/"])
def test_colour_contrast_holds_in_light_and_dark_mode(page, site_url, axe_violations, scheme, path):
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{site_url}/{path}")
    contrast = [v for v in axe_violations(page) if v["id"] == "color-contrast"]
    assert contrast == []
