"""Warning signs are written once, in the quiz's options, and listed from there in the safety
net, the no-JavaScript advice and the tip pages' urgent-help box; results act by urgency."""
from __future__ import annotations

import re

import pytest

from tests.quiz.helpers import load_text
from tests.sitekit import build_site

QUIZ = """\
title: Test quiz
reviewed: 2026-11-01
next_review: 2027-11-01
questions:
  - id: red
    question: Any of these?
    choose: many
    options:
      - id: numb
        label: New numbness or tingling around your genitals, bottom or inner thighs
        short: {short}
        flags: [emergency]
      - {{id: fever, label: A high temperature, flags: [urgent]}}
      - {{id: not-sure, label: Not sure, not_sure: true}}
      - {{id: none, label: None of these, exclusive: true}}
  - id: how-long
    question: How long?
    options:
      - {{id: weeks, label: A few weeks}}
      - {{id: months, label: Months, flags: [gp]}}
rules:
  - when: {{flag: emergency}}
    outcome: emergency
  - when: {{flag: urgent}}
    outcome: urgent
  - when: {{flag: gp}}
    outcome: see-gp
  - otherwise: self-care
outcomes:
  - {{id: emergency, urgency: emergency, title: Call 999 now}}
  - {{id: urgent, urgency: urgent, title: Get help today}}
  - {{id: see-gp, urgency: non-urgent, title: See a GP, booking: secondary}}
  - {{id: self-care, urgency: self-care, title: Look after yourself, booking: true}}
"""
MOOD_QUIZ = """\
title: Mood
reviewed: 2026-11-01
next_review: 2027-11-01
questions:
  - id: mood
    question: How do you feel?
    options:
      - {id: fine, label: Fine}
      - {id: low, label: Low, flags: [gp]}
rules:
  - when: {flag: gp}
    outcome: see-gp
  - otherwise: fine
outcomes:
  - {id: see-gp, urgency: non-urgent, title: See a GP}
  - {id: fine, urgency: self-care, title: Carry on}
"""
BOOKING_LINK = 'href="https://clinic.example/book"'


def quiz_site(tmp_path, short="numbness around your genitals or bottom"):
    """A small site with one tip and the quiz above; returns the output folder."""
    return build_site(tmp_path, {"quiz/check.yml": QUIZ.format(short=short)})


def read(out, path) -> str:
    return (out / path).read_text(encoding="utf-8")


def between(html: str, start: str, end: str) -> str:
    """The HTML from `start` up to the next `end`."""
    return html.split(start, 1)[1].split(end, 1)[0]


def result(html: str, outcome: str) -> str:
    """One result step of the quiz page."""
    return between(html, f'data-step="result-{outcome}"', "</section>")


def warning_signs(html: str) -> str:
    """The one block of warning signs: the no-JavaScript advice, and the safety net under results."""
    return between(html, "data-warning-signs", "</section>")


def test_warning_signs_are_the_flagged_options_in_their_short_wording():
    text = QUIZ.format(short="numbness around your genitals or bottom").replace(
        "      - {id: not-sure,", "      - {id: both, label: Both kinds, flags: [urgent, emergency]}\n"
                                 "      - {id: not-sure,")
    quiz, problems = load_text(text)
    assert problems == []
    assert quiz.warning_signs("emergency") == ("numbness around your genitals or bottom", "Both kinds")
    assert quiz.warning_signs("urgent") == ("A high temperature",)     # no short: the label
    assert quiz.warning_signs("gp") == ("Months",)
    assert quiz.has_warning_signs


def test_a_quiz_without_red_flags_has_no_warning_signs():
    quiz, problems = load_text(MOOD_QUIZ)
    assert problems == [] and not quiz.has_warning_signs
    assert quiz.warning_signs("emergency") == () and quiz.warning_signs("gp") == ("Low",)


def test_a_changed_short_wording_shows_wherever_the_signs_are_listed(tmp_path):
    for short, old in [("numbness around your genitals or bottom", None),
                       ("a numb bottom or genitals", "numbness around your genitals or bottom")]:
        out = quiz_site(tmp_path / short.replace(" ", "-"), short)
        quiz = read(out, "check/index.html")
        places = {"tip box": between(read(out, "tips/warm-up/index.html"), 'class="help-box"', "</aside>"),
                  "home box": between(read(out, "index.html"), 'class="help-box"', "</aside>"),
                  "the quiz's no-JS advice and safety net": warning_signs(quiz)}
        assert quiz.count("data-warning-signs") == 1   # written once; quiz.js shows it under the results
        for place, html in places.items():
            assert f"<li>{short}</li>" in html, place
            assert "<li>A high temperature</li>" in html, place
            assert "<li>Not sure</li>" not in html and "<li>None of these</li>" not in html, place
        if old:
            assert all(old not in read(out, page) for page in ("check/index.html", "tips/warm-up/index.html"))


def test_the_safety_net_says_what_to_do_for_each_list(tmp_path):
    emergency, urgent = warning_signs(read(quiz_site(tmp_path), "check/index.html")).split("care-card--")[1:]
    assert "numbness" in emergency and 'href="tel:999"' in emergency and 'href="tel:111"' not in emergency
    assert "A high temperature" in urgent and 'href="tel:111"' in urgent and 'href="https://111.nhs.uk/"' in urgent


def test_every_emergency_and_urgent_result_has_its_phone_links_and_no_booking(tmp_path):
    html = read(quiz_site(tmp_path), "check/index.html")   # the outcomes have no body: the template acts
    emergency, urgent = result(html, "emergency"), result(html, "urgent")
    assert 'href="tel:999"' in emergency and "Find your nearest A&amp;E" in emergency
    assert 'href="tel:111"' not in emergency
    assert 'href="tel:111"' in urgent and 'href="https://111.nhs.uk/"' in urgent and 'href="tel:999"' in urgent
    assert BOOKING_LINK not in emergency and BOOKING_LINK not in urgent
    assert "tel:999" not in result(html, "self-care")   # the safety net is outside the result steps


def test_see_a_gp_shows_the_booking_as_a_plain_link_after_the_steps(tmp_path):
    html = read(quiz_site(tmp_path), "check/index.html")
    see_gp, self_care = result(html, "see-gp"), result(html, "self-care")
    assert f'<a class="button" {BOOKING_LINK}>' in self_care
    assert BOOKING_LINK in see_gp and 'class="button"' not in see_gp
    assert f'You can also <a {BOOKING_LINK}>book a free discovery visit with Test Clinic</a>' in see_gp


@pytest.mark.parametrize("files", [{}, {"quiz/mood.yml": MOOD_QUIZ}], ids=["no quiz", "a quiz without red flags"])
def test_without_red_flags_the_urgent_help_box_lists_no_signs(tmp_path, files):
    box = between(read(build_site(tmp_path, files), "tips/warm-up/index.html"), 'class="help-box"', "</aside>")
    assert 'href="tel:999"' in box and 'href="tel:111"' in box and 'href="https://111.nhs.uk/"' in box
    assert "<ul>" not in box


def test_the_clinic_quizs_no_js_advice_is_care_cards_that_speak_of_no_answers(built_site):
    advice = warning_signs(read(built_site, "should-i-see-someone/index.html"))
    cards = re.findall(r'<div class="care-card care-card--(\w+)">\s*<div class="care-card-heading-box">\s*'
                       r'<h3 class="care-card-heading"><span class="visually-hidden">(\w+): </span>', advice)
    assert cards == [("emergency", "Emergency"), ("urgent", "Urgent")]
    assert "answer" not in re.sub(r"<[^>]+>", "", advice).lower()
    assert "<li>chest pain</li>" in advice and 'href="tel:999"' in advice and 'href="tel:111"' in advice


def test_a_short_wording_is_shown_as_text_never_as_html(tmp_path):
    out = quiz_site(tmp_path, "numb <script>alert(1)</script> & more")
    for page in ("check/index.html", "tips/warm-up/index.html"):
        html = read(out, page)
        assert "<script>alert(1)" not in html
        assert "<li>numb &lt;script&gt;alert(1)&lt;/script&gt; &amp; more</li>" in html
