"""The proofs: exhaustive over every answer set, and failures named at the right line."""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace

from signpost.quiz.analyse import possible_answers, prove_quiz
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
    for quiz in (load_text(BASE)[0], load_text(BRANCHING)[0], fixture("startback-like.yml")):
        report, problems = prove_quiz(quiz, PATH)
        assert problems == []
        expected = brute_force_outcomes(quiz)
        assert report.combinations == sum(expected.values())
        assert {k: v for k, v in report.outcomes.items() if v} == dict(expected)


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
    assert quiz.settled_after("emergency-signs") == ("call-999",)
    assert "urgent-help" in quiz.settled_after("urgent-signs")
    assert {"midwife-or-gp", "see-gp"} <= set(quiz.settled_after("gp-signs"))
    assert "self-care" not in {o for _, outcomes in quiz.settled for o in outcomes}
    assert quiz.settled_after("worry") == ()   # after the last question the quiz ends anyway


def test_a_result_that_shows_scores_is_never_settled_early():
    assert fixture("orebro-like.yml").settled == () and fixture("startback-like.yml").settled == ()
