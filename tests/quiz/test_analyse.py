"""The proofs: exhaustive over every answer set, and failures named at the right line."""
from __future__ import annotations

from collections import Counter
from fractions import Fraction
from math import comb

from signpost.quiz.analyse import prove_quiz
from signpost.quiz.score import score_answers
from tests.quiz.helpers import CLINIC_QUIZ, every_answer_set, fixture, load_file, load_text, messages
from tests.quiz.test_load import BASE

PATH = "content/quiz/test.yml"
SWAPPED = BASE.replace("  - when: {flag: emergency}\n    outcome: emergency\n  - when: {flag: urgent}\n    outcome: urgent\n",
                       "  - when: {flag: urgent}\n    outcome: urgent\n  - when: {flag: emergency}\n    outcome: emergency\n")
# Adds an optional question shown only after a "bad" answer, a rule on it, and its outcome.
BRANCHING = BASE.replace("rules:\n", """\
  - id: leg
    question: Does it spread to your leg?
    required: false
    show_if: {question: pain, is: mild}
    options:
      - {id: "yes", label: "Yes"}
      - {id: "no", label: "No"}
rules:
""").replace("  - otherwise: self-care\n", "  - when: {question: leg, is: \"yes\"}\n    outcome: leg-outcome\n"
             "  - otherwise: self-care\n") + "  - {id: leg-outcome, urgency: non-urgent, title: Leg}\n"

# Every kind of score test on three optional questions (a negative value, a reverse-scored scale,
# a checklist): 4 x 8 x 9 = 288 answer sets, few enough to score one by one.
LIMITS = """\
title: Score limits
reviewed: 2026-11-01
next_review: 2027-11-01
scores:
  - {id: part, label: Part, percent: true, min_answered: 2, round: 2}
  - {id: sum, label: Sum, min_answered: 1}
questions:
  - id: first
    question: First?
    required: false
    scores: [part, sum]
    options:
      - {id: low, label: Low, value: -2}
      - {id: mid, label: Mid, value: 1}
      - {id: high, label: High, value: 5}
  - id: scale
    question: How much?
    required: false
    scores: [part, sum]
    reverse: true
    options:
      - {id: "0", label: "0", value: 0}
      - {id: "1", label: "1", value: 1}
      - {id: "2", label: "2", value: 2}
      - {id: "3", label: "3", value: 3}
      - {id: "4", label: "4", value: 4}
      - {id: "5", label: "5", value: 5}
      - {id: "6", label: "6", value: 6}
  - id: ticks
    question: Which of these?
    choose: many
    required: false
    scores: [part]
    options:
      - {id: a, label: A, value: 1}
      - {id: b, label: B, value: 2}
      - {id: c, label: C, value: 4}
      - {id: none, label: None of these, value: 0, exclusive: true}
rules:
  - when: {score: part, counts: false}
    outcome: unscored
  - when: {all: [{score: part, above: 50}, {score: sum, below: 8}]}
    outcome: high
  - when: {score: part, above: 10, at_most: 50}
    outcome: middle
  - when: {any: [{score: part, below: 1}, {not: {score: sum, counts: true}}]}
    outcome: nothing
  - otherwise: low
outcomes:
  - {id: unscored, urgency: neutral, title: Not enough answers to score, show_scores: true}
  - {id: high, urgency: non-urgent, title: High, show_scores: true}
  - {id: middle, urgency: non-urgent, title: Middle, show_scores: true}
  - {id: nothing, urgency: self-care, title: Nothing, show_scores: true}
  - {id: low, urgency: self-care, title: Low, show_scores: true}
"""


def prove_text(text: str):
    quiz, problems = load_text(text)
    assert problems == [], messages(problems)
    return prove_quiz(quiz, PATH)


def brute_force_outcomes(quiz) -> Counter:
    """Outcome counts by scoring every answer set one by one (small quizzes only)."""
    return Counter(score_answers(quiz, answers).outcome for answers in every_answer_set(quiz))


def test_clinic_quiz_is_proved_over_every_combination():
    quiz = load_file(CLINIC_QUIZ)
    report, problems = prove_quiz(quiz, "content/quiz/should-i-see-someone.yml")
    assert problems == []
    # Emergency checklist: 255 ways to tick a symptom or "not sure" (each ends the quiz at once),
    # or "none". Then urgent 2^6-1+1 = 64, see-a-GP 2^9-1+1 = 512, age 3, how long 3,
    # runs yes (3 follow-up answers) or no = 4, leg 3, bother 4, worry 3.
    assert report.combinations == 255 + 64 * 512 * 3 * 3 * 4 * 3 * 4 * 3 == 42_467_583
    # 1296 = 3 * 3 * 4 * 3 * 4 * 3 ways to answer the questions after the checklists.
    assert report.outcomes == {"call-999": 255, "urgent-help": 63 * 512 * 1296,
                               "see-gp": 512 * 1296 - 816 - 48, "book": 816, "self-care": 48}
    assert report.red_flag_options == 14 and report.seconds < 1
    assert report.summary.startswith("proved 42,467,583 answer combinations (33 distinct cases, ")
    assert report.summary.endswith("every outcome reachable, red flags (14 answers) always route to urgent care")


def test_clinic_quiz_self_care_and_booking_counts_by_hand():
    report, _ = prove_quiz(load_file(CLINIC_QUIZ), "x")
    # No red flag at all, 16 or over (2 of 3 age bands), and no answer raising 'care':
    # how long 2 of 3, runs no (1) or yes + no/not tried (2) = 3, leg no (1), bother 2 of 4, worry 2 of 3.
    assert report.outcomes["self-care"] == 2 * 2 * 3 * 1 * 2 * 2 == 48
    assert report.outcomes["book"] == 2 * (3 * 4 * 3 * 4 * 3) - 48 == 816


def test_state_merging_counts_match_brute_force():
    for quiz in (load_text(BASE)[0], load_text(BRANCHING)[0], load_text(LIMITS)[0], fixture("startback-like.yml")):
        report, problems = prove_quiz(quiz, PATH)
        assert problems == []
        expected = brute_force_outcomes(quiz)
        assert report.combinations == sum(expected.values())
        assert {k: v for k, v in report.outcomes.items() if v} == dict(expected)


def test_score_limits_and_counts_are_proved_exactly():
    quiz, problems = load_text(LIMITS)
    assert problems == []
    report, problems = prove_quiz(quiz, PATH)
    assert problems == [] and report.combinations == 4 * 8 * 9 == 288
    expected = brute_force_outcomes(quiz)
    assert report.outcomes == dict(expected) and len(expected) == 5
    # Fewer than 2 of the 3 questions answered: skip all (1), or answer just one (3 + 7 + 8).
    assert expected["unscored"] == 1 + 3 + 7 + 8


def oswestry_outcomes_by_counting() -> dict:
    """The Oswestry-like fixture's outcomes, counted without the prover or the scorer.

    For k answered sections (chosen in C(10, k) ways), the ways to reach each total are the
    coefficients of (1 + x + ... + x^5)^k; the percent is total / 5k, compared as a fraction.
    """
    counts = Counter()
    for k in range(11):
        ways = [1]
        for _ in range(k):
            ways = [sum(ways[t - level] for level in range(6) if 0 <= t - level < len(ways))
                    for t in range(len(ways) + 5)]
        for total, n in enumerate(ways):
            percent = Fraction(100 * total, 5 * k) if k else None
            if k < 8:
                band = "too-few-answers"
            else:
                band = next(b for b, above in (("bed-bound", 80), ("crippled", 60), ("severe", 40), ("moderate", 20),
                                               ("minimal", -1)) if percent > above)
            counts[band] += comb(10, k) * n
    return dict(counts)


def test_oswestry_like_neutral_result_and_bands_counted_independently():
    report, problems = prove_quiz(fixture("oswestry-like.yml"), PATH)
    assert problems == []
    expected = oswestry_outcomes_by_counting()
    assert report.outcomes == expected
    assert expected["too-few-answers"] == sum(comb(10, k) * 6 ** k for k in range(8))
    assert sum(expected.values()) == report.combinations == 7 ** 10


def test_a_red_flag_can_never_end_at_a_neutral_result():
    # "Not enough answers" first: an emergency answer ends the quiz before 'pain', so the score does
    # not count and the emergency would get the neutral result. Caught, at each red-flag option.
    optional = (BASE.replace("    label: Total\n", "    label: Total\n    min_answered: 1\n")
                .replace("    scores: [total]\n", "    scores: [total]\n    required: false\n")
                + "  - {id: unscored, urgency: neutral, title: Not enough answers}\n")
    neutral_rule = "  - when: {score: total, counts: false}\n    outcome: unscored\n"
    _, problems = prove_text(optional.replace("rules:\n", "rules:\n" + neutral_rule))
    assert messages(problems) == [
        "content/quiz/test.yml:36: Outcome 'emergency' can never be reached: no combination of answers leads to it "
        "(its rule is on line 28). Hint: Check the rules above it: an earlier rule catches every answer set that "
        "would match, or no answers can match it.",
        "content/quiz/test.yml:14: Choosing 'numb' in question 'red' raises the emergency flag, but these answers "
        "lead to outcome 'unscored' (neutral): red=numb. Hint: Put a rule '- when: {flag: emergency}' leading to "
        "an emergency outcome before the other rules.",
        "content/quiz/test.yml:15: Choosing 'fever' in question 'red' raises the urgent flag, but these answers "
        "lead to outcome 'unscored' (neutral): red=fever. Hint: Put a rule '- when: {flag: urgent}' leading to an "
        "urgent outcome before the other rules.",
        "content/quiz/test.yml:16: Choosing 'not-sure' in question 'red' raises the emergency flag, but these "
        "answers lead to outcome 'unscored' (neutral): red=not-sure. Hint: Put a rule '- when: {flag: emergency}' "
        "leading to an emergency outcome before the other rules."]
    # After the red-flag rules, the neutral result is only for those without one: proved.
    report, problems = prove_text(optional.replace("    outcome: urgent\n", "    outcome: urgent\n" + neutral_rule))
    assert problems == []
    # The checklist: 6 ticks with numb or not-sure; fever alone, then pain mild, bad or skipped; or none.
    assert report.outcomes == {"emergency": 6, "urgent": 3, "book": 1, "self-care": 1, "unscored": 1}


def test_instruments_prove_quickly_whatever_their_size():
    expectations = {"startback-like.yml": 2 ** 8 * 5, "oswestry-like.yml": 7 ** 10, "orebro-like.yml": 11 ** 10}
    for name, combinations in expectations.items():
        report, problems = prove_quiz(fixture(name), PATH)
        assert problems == [] and report.combinations == combinations
        assert report.states < 1000 and report.seconds < 1
        assert "red flags" not in report.summary


def test_a_dead_outcome_is_named_at_its_line():
    dead = BASE.replace("  - when: {score: total, at_least: 2}\n",
                        "  - when: {flag: care}\n    outcome: self-care\n  - when: {score: total, at_least: 2}\n")
    report, problems = prove_text(dead)
    assert not report.proved
    assert messages(problems) == [
        "content/quiz/test.yml:36: Outcome 'book' can never be reached: no combination of answers leads to it "
        "(its rule is on line 30). Hint: Check the rules above it: an earlier rule catches every answer set "
        "that would match, or no answers can match it."]
    assert problems[0].severity == "error"


def test_an_emergency_answer_routed_below_emergency_is_named_at_the_option():
    report, problems = prove_text(SWAPPED)
    assert report.summary == "proofs failed over 10 answer combinations (6 distinct cases)"
    assert messages(problems) == [
        "content/quiz/test.yml:13: Choosing 'numb' in question 'red' raises the emergency flag, but these answers "
        "lead to outcome 'urgent' (urgent): red=numb+fever. Hint: Put a rule '- when: {flag: emergency}' leading "
        "to an emergency outcome before the other rules.",
        "content/quiz/test.yml:15: Choosing 'not-sure' in question 'red' raises the emergency flag, but these "
        "answers lead to outcome 'urgent' (urgent): red=not-sure. Hint: Put a rule '- when: {flag: emergency}' "
        "leading to an emergency outcome before the other rules."]


def test_an_urgent_answer_routed_to_self_care_is_named_at_the_option():
    text = (BASE.replace("  - when: {flag: urgent}\n    outcome: urgent\n", "")
            .replace("  - {id: urgent, urgency: urgent, title: Urgent GP}\n", ""))
    _, problems = prove_text(text)
    assert messages(problems) == [
        "content/quiz/test.yml:14: Choosing 'fever' in question 'red' raises the urgent flag, but these answers "
        "lead to outcome 'self-care' (self-care): red=fever,pain=mild. Hint: Put a rule '- when: {flag: urgent}' "
        "leading to an urgent outcome before the other rules."]


def test_an_emergency_hidden_behind_a_score_rule_is_caught():
    # A score rule first: harmless while the quiz stops at the emergency answer before any score...
    text = BASE.replace("  - when: {flag: emergency}\n", "  - when: {score: total, at_most: 0}\n    outcome: self-care\n"
                        "  - when: {flag: emergency}\n")
    _, problems = prove_text(text)
    # ...but an emergency answer leaves the score at 0, so it would say "self-care": caught, for the
    # urgent answer too (fever then "mild" scores 0), and the emergency outcome is now dead.
    assert [p.line for p in problems] == [34, 13, 14, 15]
    assert all("lead to outcome 'self-care'" in p.message for p in problems[1:])
    assert problems[0].message.startswith("Outcome 'emergency' can never be reached")


def test_too_long_a_checklist_is_refused_rather_than_half_proved():
    many = "\n".join(f"      - {{id: s{i}, label: S{i}, flags: [urgent]}}" for i in range(16))
    text = BASE.replace("      - {id: fever, label: Fever, flags: [urgent]}", many)
    report, problems = prove_text(text)
    assert messages(problems) == ["content/quiz/test.yml:9: Question 'red' has 19 options, too many to prove every "
                                  "combination (at most 16). Hint: Split it into two checklists."]
    assert not report.proved
