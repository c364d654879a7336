"""The phone-first finish in Debian's Chromium: a one-row header that never changes height between
pages, the quiz's Start on a phone's first screen, the result's answers and booking line, share."""
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
PAGES = ["", "tips/warm-up/", "tips/", "should-i-see-someone/", "about/"]
QUIZ = "should-i-see-someone/"
TO_BOOKING = [("emergency-signs", "none"), ("urgent-signs", "none"), ("gp-signs", "none"),
              ("age", "20-to-49"), ("how-long", "over-3-weeks")]


MENU = ["Tips", "Should I see someone about my back pain?", "Topics", "About Life Effect"]


def box(locator) -> dict:
    return locator.bounding_box()


def menu_links_read_out(page: Page) -> list[str]:
    """The menu's links as Chromium gives them to a screen reader (its accessibility tree, not
    Playwright's idea of it): none while folded, and never the phone's and the wide screens' both."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    nav = cdp.send("DOM.querySelector", {"nodeId": root, "selector": ".site-header nav"})["nodeId"]
    nodes = cdp.send("Accessibility.queryAXTree", {"nodeId": nav, "role": "link"})["nodes"]
    return [n["name"]["value"] for n in nodes if not n.get("ignored")]


@pytest.mark.parametrize("width", [360, 768, 1280])
def test_the_header_is_as_tall_on_every_page(page: Page, site_url, width):
    page.set_viewport_size({"width": width, "height": 800})
    heights = set()
    for path in PAGES:   # the quiz and about pages once made it a row taller: their bold menu link wrapped
        page.goto(f"{site_url}/{path}")
        heights.add(round(box(page.locator(".site-header"))["height"]))
    assert len(heights) == 1, heights
    assert heights.pop() <= (70 if width == 360 else 100)   # today: 63 and 92 px; it was 260 on a phone


def test_on_a_phone_the_menu_is_one_row_that_opens_over_the_page(page: Page, site_url, check_axe):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{site_url}/tips/warm-up/")
    header, name, menu = page.locator(".site-header"), page.locator(".site-name"), page.locator(".menu summary")
    assert abs(box(name)["y"] + box(name)["height"] / 2 - box(menu)["y"] - box(menu)["height"] / 2) < 4  # one row
    links = page.get_by_role("navigation", name="Main").get_by_role("link")
    expect(links.first).to_be_hidden()
    assert menu_links_read_out(page) == []
    height = box(header)["height"]
    menu.focus()
    page.keyboard.press("Enter")   # a <details>: works with the keyboard, and without JavaScript
    expect(links).to_have_count(4)
    for i in range(4):
        expect(links.nth(i)).to_be_visible()
    assert menu_links_read_out(page) == MENU   # once each: the wide screens' bar is not read out too
    assert box(header)["height"] == height   # open, it lies over the page instead of pushing it down
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    check_axe(page)


@pytest.mark.parametrize("width", [768, 1280])
def test_on_wider_screens_the_menu_is_open_on_one_row(page: Page, site_url, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{site_url}/about/")
    expect(page.locator(".menu summary")).to_be_hidden()
    links = page.get_by_role("navigation", name="Main").get_by_role("link")
    tops = {round(box(links.nth(i))["y"]) for i in range(links.count())}
    assert links.count() == 4 and len(tops) == 1
    assert menu_links_read_out(page) == MENU   # and a screen reader has them, once each
    expect(page.get_by_role("link", name="About Life Effect")).to_have_attribute("aria-current", "page")


def test_the_quiz_start_button_is_on_a_phones_first_screen(page: Page, site_url):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{site_url}/{QUIZ}")
    start = box(page.get_by_role("button", name="Start now"))
    assert start["y"] + start["height"] <= 800   # was about 1,090 px down: below the privacy note, under a 260 px header


def see_booking_result(page: Page, site_url, width: int):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{site_url}/{QUIZ}")
    page.get_by_role("button", name="Start now").click()
    for question, option in TO_BOOKING:
        page.locator(f"#{question}-{option}").check()
        page.locator(f'[data-step="{question}"]').get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="See my result").click()
    return page.locator(".quiz-result:visible")


def test_the_results_answers_use_the_width(page: Page, site_url):
    result = see_booking_result(page, site_url, 1280)
    rows = result.locator(".summary-row")
    expect(rows).to_have_count(5)
    for i in range(5):
        row, question, answer = box(rows.nth(i)), box(rows.nth(i).locator("dt")), box(rows.nth(i).locator("dd"))
        assert question["width"] > row["width"] * 0.4 and answer["width"] > row["width"] * 0.4
        assert answer["x"] + answer["width"] > row["x"] + row["width"] - 40   # no empty column to its right
    expect(rows.nth(2).locator("dd")).to_have_text("No, none of these apply to me")
    assert round(box(rows.nth(2).locator("dd"))["height"]) < 40   # on one line (it wrapped in 2fr of 5)


@pytest.mark.parametrize("width", [360, 1280])
def test_or_call_is_spaced_from_the_booking_button_and_prints(page: Page, site_url, width):
    line = see_booking_result(page, site_url, width).locator(".book")
    button, call = box(line.locator("a.button")), box(line.locator("span"))
    if width == 360:   # below the button, with room between them
        assert call["y"] >= button["y"] + button["height"] + 10
    else:              # beside it, centred on it
        assert call["x"] >= button["x"] + button["width"] + 10
        assert abs(call["y"] + call["height"] / 2 - button["y"] - button["height"] / 2) < 3
    page.emulate_media(media="print")
    expect(line).to_have_text("Book a free discovery visit or call 0161 000 0000")
    expect(line.locator("a.button")).to_be_visible()   # on paper a link, with its address after it
    after = line.locator("a.button").evaluate("e => getComputedStyle(e, '::after').content")
    assert "https://www.lifeeffect.example/book-a-free-discovery-visit" in after


def test_a_tip_prints_its_booking_line_whole(page: Page, site_url):
    page.goto(f"{site_url}/tips/warm-up/")
    page.emulate_media(media="print")
    line = page.locator(".cta .book")
    expect(line.locator("a.button")).to_be_visible()
    expect(line.locator("span")).to_have_text("or call 0161 000 0000")


def test_share_offers_whatsapp_and_no_share_sheet_where_the_browser_has_none(page: Page, site_url):
    page.goto(f"{site_url}/tips/warm-up/")
    share = page.locator(".share")
    expect(share.get_by_role("link", name="WhatsApp")).to_have_attribute(
        "href", "https://wa.me/?text=Warm%20up%20before%20every%20run%20"
                "https%3A%2F%2Fguidance.lifeeffect.example%2Ftips%2Fwarm-up%2F")
    assert page.evaluate("typeof navigator.share") == "undefined"   # Chromium on Linux has no share sheet
    expect(share.get_by_role("button", name="Share with an app")).to_be_hidden()
    expect(share.get_by_role("button", name="Copy link")).to_be_visible()


def test_share_opens_the_phones_share_sheet(page: Page, site_url, check_axe):
    # A stand-in for the one browser API this machine's Chromium lacks (phones have it): it records the call.
    page.add_init_script("navigator.share = (data) => { window.shared = data; return Promise.reject(new Error('closed')); }")
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{site_url}/tips/warm-up/")
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    button = page.locator(".share").get_by_role("button", name="Share with an app")
    expect(button).to_be_visible()
    button.click()
    page.wait_for_function("window.shared !== undefined")
    assert page.evaluate("window.shared.url") == "https://guidance.lifeeffect.example/tips/warm-up/"
    assert page.evaluate("window.shared.title").startswith("Warm up before every run")
    assert errors == []   # a closed share sheet is no error
    check_axe(page)
