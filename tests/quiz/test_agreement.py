"""quiz.js and the Python scorer give the same result for the same answers.

Every answer set for small quizzes; 10,000 seeded random ones for the large ones, plus each
distinct case the proofs found. Node runs once per batch, so this stays fast.
"""
from __future__ import annotations

import json
import random
import shutil

import pytest

from signpost.quiz.analyse import named_options, walk_states
from signpost.quiz.export import quiz_data
from tests.quiz.helpers import (CLINIC_QUIZ, every_answer_set, fixture, load_file, node_results, python_result,
                                random_answer_set)
from tests.quiz.test_analyse import BRANCHING
from tests.quiz.helpers import load_text

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
    assert len(sets) in (1280, 14)
    assert_agree(quiz, sets)


@pytest.mark.parametrize("name, seed", [("oswestry-like.yml", 1), ("orebro-like.yml", 2)])
def test_random_answer_sets_of_large_instruments(name, seed):
    quiz = fixture(name)
    assert_agree(quiz, random_sets(quiz, seed) + proof_cases(quiz))


def test_clinic_quiz_random_and_proof_cases():
    quiz = load_file(CLINIC_QUIZ)
    cases = proof_cases(quiz)
    assert len(cases) == 33
    sets = random_sets(quiz, 3) + cases
    assert {python_result(quiz, s)["outcome"] for s in sets} == {"call-999", "urgent-help", "see-gp", "book",
                                                                 "self-care"}
    assert_agree(quiz, sets)


def test_both_refuse_the_same_bad_answers():
    quiz = load_file(CLINIC_QUIZ)
    good = {"emergency-signs": ["none"], "urgent-signs": ["none"], "gp-signs": ["none"], "age": ["16-to-64"],
            "how-long": ["under-a-week"], "runs": ["no"], "leg": ["no"], "bother": ["a-little"], "worry": ["no"]}
    bad = [
        {**good, "runs": ["no"], "running-worse": ["yes"]},
        {**good, "runs": ["yes"]},
        {k: v for k, v in good.items() if k != "age"},
        {**good, "emergency-signs": ["none", "chest"]},
        {**good, "emergency-signs": ["chest"]},
        {**good, "age": ["16-to-64", "65-or-over"]},
        {**good, "nope": ["x"]},
        {**good, "leg": ["maybe"]},
        {**good, "leg": ["no", "no"]},
    ]
    assert all(python_result(quiz, answers) == {"error": True} for answers in bad)
    assert_agree(quiz, bad + [good])
