"""Pictures in Debian's Chromium: they keep their place while they load, the browser picks a modern
format at a phone's size, axe passes on tips with pictures, and printed pictures stay whole."""
from __future__ import annotations

import pytest

from tests.conftest import serve_folder
from tests.sitekit import build_site, picture, tip

PHONE = {"width": 360, "height": 740}
BOXES = "() => [...document.querySelectorAll('main img')].map(i => { const r = i.getBoundingClientRect();" \
        " return [Math.round(r.width), Math.round(r.height)]; })"
# A function, not an expression: Playwright evaluates an expression with eval(), which our CSP refuses
ALL_LOADED = "() => [...document.querySelectorAll('main img')].every(i => i.complete && i.naturalWidth > 0)"
LAYOUT_SHIFT = """() => new Promise(done => {
  let total = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) total += e.value; })
    .observe({type: 'layout-shift', buffered: true});
  setTimeout(() => done(total), 300);
})"""


@pytest.fixture
def picture_site(tmp_path):
    body = ("## One\n\nSome text before the pictures.\n\n![A hill at dawn](../images/hill.jpg)\n\n"
            "More text.\n\n![A square](../images/square.svg)\n\nThe end.\n")
    out = build_site(tmp_path, {
        "tips/warm-up.md": tip(body=body, hero="../images/track.png", hero_alt="A running track"),
        "images/hill.jpg": picture(1600, 900, (40, 120, 200), fmt="JPEG"),
        "images/track.png": picture(1200, 400, (200, 60, 40)),
        "images/square.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 300">'
                             '<rect width="300" height="300" fill="#007f3b"/></svg>'})
    server, url = serve_folder(out)
    yield url
    server.shutdown()


@pytest.mark.browser
def test_pictures_keep_their_place_while_they_load(page, picture_site):
    page.set_viewport_size(PHONE)
    held = []
    page.route("**/images/**", lambda route: held.append(route))   # no picture arrives until the text has been laid out
    page.goto(f"{picture_site}/tips/warm-up/", wait_until="domcontentloaded")
    page.wait_for_timeout(100)
    before = page.evaluate(BOXES)
    assert len(before) == 3 and all(height > 0 for _, height in before), before
    assert before[0] == [328, 109] and before[1] == [328, 185], before   # sized from width/height, in proportion
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")   # the lazy ones are now wanted
    page.wait_for_timeout(200)
    for route in held:
        route.continue_()
    page.route("**/images/**", lambda route: route.continue_())
    page.wait_for_function(ALL_LOADED)
    assert page.evaluate(BOXES) == before
    assert page.evaluate(LAYOUT_SHIFT) == 0
    sources = page.evaluate("[...document.querySelectorAll('main img')].map(i => i.currentSrc)")
    assert sources[0].endswith(".avif") and ".480." in sources[0] and sources[2].endswith(".svg"), sources


@pytest.mark.browser
@pytest.mark.parametrize("slug", ["running-form", "warm-up", "stretching"])
def test_real_tips_with_pictures_pass_axe_and_show_them(page, site_url, check_axe, slug):
    page.set_viewport_size(PHONE)
    page.goto(f"{site_url}/tips/{slug}/")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function(ALL_LOADED)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.get_by_role("img").count() == 1 and page.get_by_role("img").get_attribute("alt")
    check_axe(page)


@pytest.mark.browser
def test_printed_pictures_stay_whole_and_in_proportion(page, picture_site):
    page.set_viewport_size(PHONE)   # the lazy pictures are far below the fold, not yet wanted
    page.goto(f"{picture_site}/tips/warm-up/")
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")   # as printing does
    assert page.evaluate("() => document.querySelectorAll('img[loading=lazy]').length") == 0
    # An image not yet loaded has no box in print (width and height auto): measure once all have come
    page.wait_for_function(ALL_LOADED)
    boxes = page.evaluate(BOXES)
    cm12 = 12 / 2.54 * 96
    for (width, height), (natural_w, natural_h) in zip(boxes, [(1200, 400), (1440, 810), (300, 300)]):
        assert 0 < height <= cm12 + 1 and abs(width / height - natural_w / natural_h) < 0.02, boxes
