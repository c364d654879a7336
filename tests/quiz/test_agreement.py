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
from tests.quiz.helpers import (CLINIC_QUIZ, ROOT, every_answer_set, fixture, load_file, node_results, python_result,
                                random_answer_set)
from tests.quiz.helpers import load_text
from tests.quiz.test_analyse import BRANCHING

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


@pytest.mark.parametrize("make", [lambda: fixture("startback-like.yml"), lambda: load_text(BRANCHING)[0]],
                         ids=["startback-like", "branching"])
def test_every_answer_set_of_small_quizzes(make):
    quiz = make()
    sets = list(every_answer_set(quiz))
    assert len(sets) in (1280, 11)   # branching: 14 ways, 3 fewer as its urgent answers end it
    assert_agree(quiz, sets)


@pytest.mark.parametrize("name, seed", [("oswestry-like.yml", 1), ("orebro-like.yml", 2)])
def test_random_answer_sets_of_large_instruments(name, seed):
    quiz = fixture(name)
    assert_agree(quiz, random_sets(quiz, seed) + proof_cases(quiz))


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
    page.add_script_tag(path=str(ROOT / "assets" / "js" / "quiz.js"))
    raw = page.evaluate("([data, sets]) => sets.map((answers) => module.exports.scoreAnswers(data, answers))",
                        [data, answer_sets])
    return [{"error": True} if r["errors"] else {
        "outcome": r["outcome"], "urgency": r["urgency"], "flags": r["flags"],
        "scores": {k: [v["total"], v["answered"], v["answered_max"], v["counted"]] for k, v in r["scores"].items()},
        "reasons": r["reasons"], "asked": r["asked"], "stopped": r["stopped"]} for r in raw]


@pytest.mark.browser
def test_chromium_agrees_on_the_data_the_page_really_embeds(page, site_url):
    quiz = load_file(CLINIC_QUIZ)
    page.goto(f"{site_url}/{quiz.slug}/")
    embedded = json.loads(page.locator("#quiz-data").text_content())
    assert embedded == json.loads(json.dumps(quiz_data(quiz)))
    sets = random_sets(quiz, 4, 2_000) + proof_cases(quiz)
    assert chromium_results(page, embedded, sets) == [python_result(quiz, s) for s in sets]


@pytest.mark.browser
def test_chromium_agrees_on_every_startback_like_answer_set(page):
    quiz = fixture("startback-like.yml")
    sets = list(every_answer_set(quiz))
    data = json.loads(json.dumps(quiz_data(quiz)))
    assert chromium_results(page, data, sets) == [python_result(quiz, s) for s in sets]
