"""Nothing an editor writes in a quiz's text can change what the proved quiz does in the browser.

Found in review: quiz.js found its rules by id, and an id in an outcome's Markdown (which comes
before the real rules in the page) replaced them: a cauda equina answer then got self-care,
while the build still said "proved". Now ids in quiz text are dropped and the rules are found
by a data- attribute no editor's text can carry.
"""
from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import serve_folder
from tests.quiz.helpers import CLINIC_QUIZ, ROOT
from tests.sitekit import build_site

pytestmark = pytest.mark.browser

FAKE_RULES = json.dumps({"format": 1, "slug": "should-i-see-someone", "stop_flag": "none", "flags": [],
                         "questions": [], "scores": [], "outcomes": [{"id": "self-care", "urgency": "self-care"}],
                         "rules": [{"when": {"always": True}, "outcome": "self-care"}], "settled": {}})
ATTACKS = [f'<div id="quiz-data">{FAKE_RULES}</div>',
           f'<script type="application/json" id="quiz-data" data-quiz-rules>{FAKE_RULES}</script>',
           f'<p data-quiz-rules>{FAKE_RULES}</p>']


@pytest.fixture(scope="module")
def tampered_site(tmp_path_factory):
    """The clinic's content with every attack pasted into the intro and the self-care result's text."""
    folder = tmp_path_factory.mktemp("tampered")
    text = CLINIC_QUIZ.read_text(encoding="utf-8")
    for indent, where in (("      ", "Your answers do not show any sign"), ("  ", "Answer a few short questions")):
        pasted = f"\n\n{indent}".join(ATTACKS)   # each a raw HTML block in the Markdown
        text = text.replace(f"{indent}{where}", f"{indent}{pasted}\n\n{indent}{where}")
    files = {path.relative_to(ROOT / "content").as_posix(): path.read_text(encoding="utf-8")
             for path in (ROOT / "content").rglob("*") if path.is_file() and path.suffix in (".md", ".yml", ".svg")}
    out = build_site(folder, {**files, "quiz/should-i-see-someone.yml": text})
    server, url = serve_folder(out)
    yield out, url
    server.shutdown()


def test_the_page_carries_the_proved_rules_once_and_no_copied_id(tampered_site):
    out, _ = tampered_site
    html = (out / "should-i-see-someone" / "index.html").read_text(encoding="utf-8")
    marked = ElementsWith(html)
    assert marked.rules == ["script"] and marked.ids == []   # the build's own script, nothing pasted
    assert html.count('"stop_flag": "none"') >= 2   # the pasted text is still there, as harmless text


class ElementsWith(HTMLParser):
    """The tags carrying data-quiz-rules, and any id="quiz-data", in a page."""

    def __init__(self, html: str):
        super().__init__()
        self.rules: list[str] = []
        self.ids: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if "data-quiz-rules" in names:
            self.rules.append(tag)
        if names.get("id") == "quiz-data":
            self.ids.append(tag)


def test_a_cauda_equina_answer_still_sends_to_999(page: Page, tampered_site):
    _, url = tampered_site
    page.goto(f"{url}/should-i-see-someone/")
    page.get_by_role("button", name="Start now").click()
    page.locator("#emergency-signs-bladder").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("[data-step]:visible h1")).to_have_text("Emergency: Call 999 or go to A&E now")
