"""Every clinical scenario of the clinic's quiz, clicked through quiz.js in Debian's Chromium.

The build already runs each scenario through the Python scorer; this runs the same patients
through the real page, as a person would: Start, tick their answers, Continue, then "See my
result" (or straight to the result after an emergency answer), and reads the result's title.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from signpost.quiz.scenarios import load_scenarios, scenarios_path
from tests.quiz.helpers import CLINIC_QUIZ, ROOT, load_file

pytestmark = pytest.mark.browser
QUIZ = load_file(CLINIC_QUIZ)
SCENARIOS_FILE = ROOT / scenarios_path(CLINIC_QUIZ.relative_to(ROOT).as_posix())
SCENARIOS, PROBLEMS = load_scenarios(SCENARIOS_FILE.read_text(encoding="utf-8"), "scenarios", QUIZ)


def test_the_scenarios_file_loads():
    assert PROBLEMS == [] and len(SCENARIOS) >= 40


def click_through(page: Page, answers) -> None:
    """Answer each question as it comes, in the page's own order, and open the result."""
    for question, options in answers:
        step = page.locator("[data-step]:visible")
        expect(step).to_have_attribute("data-step", question)
        for option in options:
            page.locator(f"#{question}-{option}").check()
        step.get_by_role("button", name="Continue").click()
    see_result = page.locator("[data-step='check']:visible").get_by_role("button", name="See my result")
    if see_result.count():
        see_result.click()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.patient for s in SCENARIOS])
def test_each_scenario_gets_its_outcome_in_chromium(page: Page, site_url, scenario):
    page.goto(f"{site_url}/{QUIZ.slug}/")
    page.get_by_role("button", name="Start now").click()
    click_through(page, scenario.answers)
    result = page.locator("[data-step]:visible")
    expect(result).to_have_attribute("data-step", f"result-{scenario.expect}")
    expect(result.locator("h1 [data-title]")).to_have_text(QUIZ.outcome(scenario.expect).title)
