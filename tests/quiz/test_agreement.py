"""quiz.js and the Python scorer give the same result for the same answers.

Every answer set for small quizzes; 10,000 seeded random ones for the large ones, plus each
distinct case the proofs found. Node runs once per batch, so this stays fast; Chromium then
checks the real browser on the JSON the built page really embeds.
"""
from __future__ import annotations

import json
import random
import shutil

import pytest

from signpost.quiz.analyse import named_options, walk_states
from signpost.quiz.export import quiz_data
from tests.quiz.helpers import (CLINIC_QUIZ, FIXTURES, every_answer_set, fixture, load_file, node_results,
                                python_result, random_answer_set, shipped_quiz_js)
from tests.quiz.helpers import load_text
from tests.quiz.test_analyse import BRANCHING, LIMITS

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
RANDOM_SETS = 10_000


def assert_agree(quiz, answer_sets) -> None:
    """Score every set both ways and compare, showing the first disagreement."""
    data = json.loads(json.dumps(quiz_data(quiz)))   # exactly what the page embeds
    ours = [python_result(quiz, answers) for answers in answer_sets]
    theirs = node_results(data, answer_sets)
    assert len(theirs) == len(answer_sets)
    for answers, expected, got in zip(answer_sets, ours, theirs):
        assert got == expected, f"answers {answers}"


def random_sets(quiz, seed: int, count: int = RANDOM_SETS) -> list[dict]:
    rng = random.Random(seed)
    return [random_answer_set(quiz, rng) for _ in range(count)]


def proof_cases(quiz) -> list[dict]:
    """One example answer set for each distinct case the proofs checked."""
    states = walk_states(quiz, named_options(quiz))
    return [{qid: list(answer) for qid, answer in example if answer} for _, example in states.values()]


@pytest.mark.parametrize("make, count", [(lambda: fixture("startback-like.yml"), 1280),
                                         (lambda: load_text(BRANCHING)[0], 11), (lambda: load_text(LIMITS)[0], 288)],
                         ids=["startback-like", "branching", "limits"])
def test_every_answer_set_of_small_quizzes(make, count):
    quiz = make()
    sets = list(every_answer_set(quiz))
    assert len(sets) == count   # branching: 14 ways, 3 fewer as its urgent answers end the quiz
    assert_agree(quiz, sets)


def oswestry_rounded(decimals: int):
    """The Oswestry-like fixture with its percent shown to `decimals` decimals."""
    text = (FIXTURES / "oswestry-like.yml").read_text(encoding="utf-8").replace("round: 0", f"round: {decimals}")
    quiz, problems = load_text(text, "tests/quiz/fixtures/oswestry-like.yml", tips=())
    assert problems == [] and quiz.score("odi").decimals == decimals
    return quiz


@pytest.mark.parametrize("decimals", [0, 1, 2])
def test_both_show_percents_with_the_same_digits(decimals):
    # 8, 9 or 10 sections answered: totals over 40 (halves: 42.5), 45 (repeating: 35.55...) and 50.
    quiz = oswestry_rounded(decimals)
    sets = random_sets(quiz, 5 + decimals, 3_000) + proof_cases(quiz)
    assert_agree(quiz, sets)
    shown = {python_result(quiz, s)["scores"]["odi"][4] for s in sets}
    examples = {0: ["43%", "36%", None], 1: ["42.5%", "35.6%", None], 2: ["42.50%", "35.56%", None]}[decimals]
    assert set(examples) <= shown


@pytest.mark.parametrize("name, seed", [("oswestry-like.yml", 1), ("orebro-like.yml", 2)])
def test_random_answer_sets_of_large_instruments(name, seed):
    quiz = fixture(name)
    assert_agree(quiz, random_sets(quiz, seed) + proof_cases(quiz))


def one_scale(lowest: int, highest: int, decimals: int) -> str:
    """A quiz of one question scored lowest..highest, as a percent of `highest` shown to `decimals` decimals."""
    options = "".join(f"      - {{id: v{v + 10_000}, label: '{v}', value: {v}}}\n" for v in range(lowest, highest + 1))
    return (f"title: One scale\nreviewed: 2026-11-01\nnext_review: 2027-11-01\n"
            f"scores:\n  - {{id: p, label: P, percent: true, round: {decimals}}}\n"
            f"questions:\n  - id: scale\n    question: How much?\n    scores: [p]\n    options:\n{options}"
            f"rules:\n  - otherwise: done\noutcomes:\n  - {{id: done, urgency: self-care, title: Done}}\n")


@pytest.mark.parametrize("lowest, highest, decimals", [(-8, 8, 0), (-30, 30, 1), (-16, 16, 2), (0, 4000, 1),
                                                       (0, 4000, 2)])
def test_both_round_every_percent_of_a_scale_the_same_way(lowest, highest, decimals):
    # Out of 4000, 6 is 0.15% and 107 is 2.675%: halves that no float holds exactly, so a scorer
    # rounding the float (toFixed, or Python's round) would show 0.1% and 2.67%.
    quiz, problems = load_text(one_scale(lowest, highest, decimals))
    assert problems == []
    sets = [{"scale": [option.id]} for option in quiz.question("scale").options[:401]]   # 0% to 10% of 4000
    assert_agree(quiz, sets)
    shown = [python_result(quiz, s)["scores"]["p"][4] for s in sets]
    if highest == 4000:
        assert shown[6] == ("0.2%" if decimals == 1 else "0.15%") and shown[107] == ("2.7%", "2.68%")[decimals - 1]
    else:
        assert shown[0] == "-100" + ("." + "0" * decimals if decimals else "") + "%"


def test_clinic_quiz_random_and_proof_cases():
    quiz = load_file(CLINIC_QUIZ)
    cases = proof_cases(quiz)
    assert len(cases) == 24
    sets = random_sets(quiz, 3) + cases
    results = [python_result(quiz, s) for s in sets]
    assert {r["outcome"] for r in results if "error" not in r} == {o.id for o in quiz.outcomes}
    assert not [s for s, r in zip(sets, results) if "error" in r]
    assert {r["stopped"] for r in results} == {True, False}
    assert_agree(quiz, sets)


def test_both_refuse_the_same_bad_answers():
    quiz = load_file(CLINIC_QUIZ)
    good = {"emergency-signs": ["none"], "urgent-signs": ["none"], "gp-signs": ["none"], "age": ["20-to-49"],
            "how-long": ["under-a-week"], "runs": ["no"], "leg": ["no"], "bother": ["a-little"], "worry": ["no"]}
    bad = [
        {**good, "runs": ["no"], "running-worse": ["yes"]},
        {**good, "runs": ["yes"]},
        {k: v for k, v in good.items() if k != "age"},
        {**good, "emergency-signs": ["none", "chest"]},
        {**good, "emergency-signs": ["chest"]},
        {**good, "age": ["20-to-49", "65-or-over"]},
        {**good, "how-long": ["over-3-weeks"]},      # the quiz ends there: the answers after it are refused
        {**good, "nope": ["x"]},
        {**good, "leg": ["maybe"]},
        {**good, "leg": ["no", "no"]},
    ]
    assert all(python_result(quiz, answers) == {"error": True} for answers in bad)
    assert python_result(quiz, good)["outcome"] == "self-care"
    assert_agree(quiz, bad + [good])


def chromium_results(page, data: dict, answer_sets: list[dict]) -> list[dict]:
    """quiz.js's results computed inside Chromium (a blank page, no CSP), normalised like python_result."""
    page.goto("about:blank")
    page.add_script_tag(content="var module = {exports: {}};")
    page.add_script_tag(path=str(shipped_quiz_js()))
    raw = page.evaluate("([data, sets]) => sets.map((answers) => module.exports.scoreAnswers(data, answers))",
                        [data, answer_sets])
    return [{"error": True} if r["errors"] else {
        "outcome": r["outcome"], "urgency": r["urgency"], "flags": r["flags"],
        "scores": {k: [v["total"], v["answered"], v["answered_max"], v["counted"], v["shown"]]
                   for k, v in r["scores"].items()},
        "reasons": r["reasons"], "asked": r["asked"], "stopped": r["stopped"]} for r in raw]


@pytest.mark.browser
def test_chromium_agrees_on_the_data_the_page_really_embeds(page, site_url):
    quiz = load_file(CLINIC_QUIZ)
    page.goto(f"{site_url}/{quiz.slug}/")
    embedded = json.loads(page.locator("script[data-quiz-rules]").text_content())
    assert embedded == json.loads(json.dumps(quiz_data(quiz)))
    sets = random_sets(quiz, 4, 2_000) + proof_cases(quiz)
    assert chromium_results(page, embedded, sets) == [python_result(quiz, s) for s in sets]


@pytest.mark.browser
def test_chromium_agrees_on_every_startback_like_answer_set(page):
    quiz = fixture("startback-like.yml")
    sets = list(every_answer_set(quiz))
    data = json.loads(json.dumps(quiz_data(quiz)))
    assert chromium_results(page, data, sets) == [python_result(quiz, s) for s in sets]


@pytest.mark.browser
def test_chromium_agrees_on_score_limits_counts_and_rounding(page):
    limits = load_text(LIMITS)[0]
    scale = load_text(one_scale(0, 4000, 2))[0]
    cases = [(limits, list(every_answer_set(limits))),
             (scale, [{"scale": [option.id]} for option in scale.question("scale").options[:401]]),
             (oswestry_rounded(0), proof_cases(oswestry_rounded(0)))]
    for quiz, sets in cases:
        data = json.loads(json.dumps(quiz_data(quiz)))
        assert chromium_results(page, data, sets) == [python_result(quiz, s) for s in sets]
