"""The proofs: exhaustive over every answer set, and failures named at the right line."""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from fractions import Fraction
from math import comb

from signpost.quiz.analyse import TooBig, possible_answers, prove_quiz
from signpost.quiz.score import raised_by, score_answers
from tests.quiz.helpers import (CLINIC_QUIZ, every_answer_set, fixture, load_file, load_text, messages,
                                shown_now, up_to_the_end)
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
    assert report.combinations == 511 + 4095 + 16 + 21 + 117 + 72 == 4_832
    assert report.outcomes == {"call-999": 511, "urgent-help": 4095, "midwife-or-gp": 16, "see-gp": 21,
                               "book": 117, "self-care": 72}
    assert report.red_flag_options == 21 and report.seconds < 1
    assert report.summary.startswith("proved 4,832 answer combinations (24 distinct cases, ")
    assert report.summary.endswith("every outcome reachable, red flags (21 answers) always route to urgent care")


def test_clinic_quiz_counts_by_hand():
    """Each way of filling in the quiz counted once, ending where the person's quiz ends."""
    report, _ = prove_quiz(load_file(CLINIC_QUIZ), "x")
    # Emergency checklist: 8 signs and "not sure" tick in 2^9 - 1 ways, each ending the quiz at once.
    assert report.outcomes["call-999"] == 2 ** 9 - 1
    # Urgent checklist, after "none" above: 11 signs and "not sure", 2^12 - 1 ways; nothing later
    # can raise an emergency, so each ends the quiz there.
    assert report.outcomes["urgent-help"] == 2 ** 12 - 1
    # GP checklist: 4 signs and "not sure" tick in 31 ways; the 16 with "pregnant" go to the midwife.
    assert report.outcomes["midwife-or-gp"] == 2 ** 4
    # The other 15, then age under 16 or 16-19 (2), then 50+ (2 bands) with new or not sure (2 answers).
    assert report.outcomes["see-gp"] == 15 + 2 + 2 * 2
    # Three ways on without a flag: 20-49, or 50+ (2) and not new. Then how long 2 of 3, runs no (1)
    # or yes + no/not tried (2), leg no, bother 2 of 4, worry 2 of 3: 3 * 2 * 3 * 1 * 2 * 2 = 72.
    assert report.outcomes["self-care"] == 3 * 2 * 3 * 1 * 2 * 2 == 72
    # Each care answer ends the quiz where it is given: over 3 weeks (3), running worse (3 * 2),
    # leg yes or not sure (3 * 2 * 3 * 2), bother a lot (3 * 2 * 3 * 2), worry a lot (3 * 2 * 3 * 2).
    assert report.outcomes["book"] == 3 + 6 + 36 + 36 + 36 == 117


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
    # The checklist: 6 ticks with numb or not-sure; fever alone, which ends the quiz (nothing later can be
    # an emergency); or none, then pain mild, bad or skipped.
    assert report.outcomes == {"emergency": 6, "urgent": 1, "book": 1, "self-care": 1, "unscored": 1}


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
    assert report.summary == "proofs failed over 9 answer combinations (5 distinct cases)"
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


def test_ending_early_never_changes_the_result():
    """Score each full answer set on the quiz without early endings, then only the answers given
    before the quiz really ends: the outcome is the same (every set of the small quizzes, and
    20,000 random sets of the clinic's)."""
    rng = random.Random(5)
    clinic = load_file(CLINIC_QUIZ)
    cases = [(quiz, list(every_answer_set(replace(quiz, settled=()))))
             for quiz in (load_text(BASE)[0], load_text(BRANCHING)[0], fixture("startback-like.yml"))]
    cases.append((clinic, [full_answer_set(clinic, rng) for _ in range(20_000)]))
    ended_early = 0
    for quiz, answer_sets in cases:
        whole = replace(quiz, settled=())
        for answers in answer_sets:
            given = up_to_the_end(quiz, answers)
            assert score_answers(quiz, given).outcome == score_answers(whole, answers).outcome, answers
            ended_early += given != answers
    assert ended_early > 10_000   # the clinic's quiz mostly ends early: the test is not vacuous


def full_answer_set(quiz, rng: random.Random) -> dict:
    """Answers to every question shown, ignoring early endings; checklists mostly say "none of
    these", so that the questions after them are reached."""
    answers = {}
    for question in quiz.questions:
        if not shown_now(quiz, question, answers):
            continue
        none = [o.id for o in question.options if o.exclusive]
        answers[question.id] = none if none and rng.random() < 0.75 else list(rng.choice(possible_answers(question)))
        if "emergency" in raised_by(question, answers[question.id]):
            break
    return answers


def test_the_clinic_quiz_ends_once_its_result_is_settled():
    quiz = load_file(CLINIC_QUIZ)
    # Only where some quiz really ends: an emergency answer ends it by itself, and an urgent
    # result is never listed after the urgent checklist, where every such quiz has already ended.
    assert quiz.settled == (("urgent-signs", ("urgent-help",)), ("gp-signs", ("midwife-or-gp", "see-gp")),
                            ("age", ("see-gp",)), ("new-pain", ("see-gp",)), ("how-long", ("book",)),
                            ("running-worse", ("book",)), ("leg", ("book",)), ("bother", ("book",)))
    assert quiz.settled_after("worry") == ()   # after the last question the quiz ends anyway


def test_a_result_that_shows_scores_is_never_settled_early():
    assert fixture("orebro-like.yml").settled == () and fixture("startback-like.yml").settled == ()


# ---- Quizzes too big to prove (adversarial review, item 6) ----

def named_checklists(options: int, lists: int = 2) -> str:
    """A quiz with `lists` checklists of `options` options each (plus 'none'), every option named in a rule."""
    questions, rules = [], []
    for q in range(lists):
        ids = [f"o{i}" for i in range(options)]
        questions.append(f"  - id: q{q}\n    question: Which apply?\n    choose: many\n    options:\n"
                         + "".join(f"      - {{id: {i}, label: {i}}}\n" for i in ids)
                         + "      - {id: none, label: None of these, exclusive: true}\n")
        rules.append(f"  - when: {{question: q{q}, is: [{', '.join(ids)}]}}\n    outcome: seen\n")
    return ("title: Big\nreviewed: 2026-01-01\nnext_review: 2027-01-01\nquestions:\n" + "".join(questions)
            + "rules:\n" + "".join(rules) + "  - otherwise: other\noutcomes:\n"
            "  - {id: seen, urgency: non-urgent, title: Seen}\n  - {id: other, urgency: self-care, title: Other}\n")


TOO_MANY = ("content/quiz/test.yml:{line}: Questions 'q0' ({kinds:,} kinds of answer) and 'q1' ({kinds:,}) together make "
            "more than 100,000 situations to prove. Hint: Each option a rule or show_if names by its id is told apart "
            "from every other: name fewer of them (let those options raise one flag and test the flag instead), or "
            "split the checklist.")


def test_checklists_that_multiply_past_the_limit_are_a_problem_not_minutes_and_gigabytes():
    # Two checklists of 11 named options took 60 s and 2.9 GB, and 12 a MemoryError; here 9 (5 s and
    # 260 MB before) so the test stays cheap when it fails.
    quiz, problems = load_text(named_checklists(9))
    assert quiz is None and messages(problems) == [TOO_MANY.format(line=19, kinds=512)]
    _, problems = load_text(named_checklists(12))
    assert messages(problems) == [TOO_MANY.format(line=22, kinds=4096)]


def test_the_proof_stops_at_the_same_limit(monkeypatch):
    """prove_quiz walks the same states as the loader: bounded by the same count, with the same problem."""
    monkeypatch.setattr("signpost.quiz.load.settled_outcomes", lambda quiz: ())
    quiz, problems = load_text(named_checklists(9))
    assert problems == []
    report, problems = prove_quiz(quiz, PATH)
    assert not report.proved and messages(problems) == [TOO_MANY.format(line=19, kinds=512)]


def test_a_question_with_too_many_kinds_of_answer_is_named():
    _, problems = load_text(named_checklists(13, lists=1))
    assert messages(problems) == [
        "content/quiz/test.yml:5: Question 'q0' has 8,192 kinds of answer that the rules tell apart, more than the "
        "4,096 that can be proved. Hint: Each option a rule or show_if names by its id is told apart from every "
        "other: name fewer of them (let those options raise one flag and test the flag instead), or split the "
        "checklist."]


def test_the_biggest_multipliers_are_named_and_the_rest_counted():
    question = load_file(CLINIC_QUIZ).questions[-1]
    too_big = TooBig(question, [("a", 2), ("b", 300), ("c", 3), ("d", 40), ("e", 300)])
    assert too_big.problem(PATH).message == ("Questions 'b' (300 kinds of answer), 'd' (40) and 'e' (300), with 2 "
                                             "more questions, together make more than 100,000 situations to prove.")
