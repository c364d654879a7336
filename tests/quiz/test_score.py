"""The reference scorer, checked against hand-worked examples of each instrument's published scoring."""
from __future__ import annotations

import pytest

from signpost.quiz.model import ScoreBetween, ScoreCounts
from signpost.quiz.score import (AnswerError, Facts, ItemPoints, ScoreValue, decimal_text, evaluate, percent_units,
                                 score_answers, score_within)
from tests.quiz.helpers import CLINIC_QUIZ, fixture, load_file

STARTBACK_ITEMS = ["leg-pain", "neck-pain", "walking", "dressing", "not-safe", "worrying", "never-better", "enjoyment"]
OSWESTRY = [f"section-{i}" for i in range(1, 11)]
OREBRO = ["duration", "intensity", "tense", "low-mood", "work-chance", "persist", "stop-when-worse",
          "no-normal-work", "light-work", "sleep"]
NO_RED_FLAGS = {"emergency-signs": ["none"], "urgent-signs": ["none"], "gp-signs": ["none"], "age": ["20-to-49"]}
CALM = {**NO_RED_FLAGS, "how-long": ["under-a-week"], "runs": ["no"], "leg": ["no"], "bother": ["a-little"],
        "worry": ["no"]}


def startback(agreed: set[int], bothersome: str):
    """Score the STarT Back-like fixture: the 1-based items agreed with, and item 9's answer."""
    answers = {item: ["agree" if n in agreed else "disagree"] for n, item in enumerate(STARTBACK_ITEMS, 1)}
    return score_answers(fixture("startback-like.yml"), {**answers, "bothersome": [bothersome]})


@pytest.mark.parametrize("agreed, bothersome, total, psych, outcome", [
    (set(), "not-at-all", 0, 0, "low"),
    ({5, 6, 7}, "slightly", 3, 3, "low"),            # total 3 is low risk, whatever the subscale
    ({1, 2, 3, 4}, "moderately", 4, 0, "medium"),    # "moderately" is not one of item 9's two strongest
    ({1, 2, 5, 6}, "extremely", 5, 3, "medium"),
    ({1, 5, 6, 7}, "very-much", 5, 4, "high"),
    ({5, 6, 7, 8}, "extremely", 5, 5, "high"),
    ({1, 2, 3, 4, 5, 6, 7, 8}, "very-much", 9, 5, "high"),
])
def test_startback_like_scoring(agreed, bothersome, total, psych, outcome):
    result = startback(agreed, bothersome)
    assert (result.scores["total"].total, result.scores["psych"].total, result.outcome) == (total, psych, outcome)


def oswestry(levels: list[int | None]):
    """Score the Oswestry-like fixture; None skips a section."""
    answers = {s: [f"level-{v}"] for s, v in zip(OSWESTRY, levels) if v is not None}
    return score_answers(fixture("oswestry-like.yml"), answers)


@pytest.mark.parametrize("levels, percent, shown, outcome", [
    ([2, 2, 2, 2, 2, 2, 1, 1, 1, 1], 32.0, "32%", "moderate"),        # 16 / 50 x 100
    ([2, 2, 2, 2, 2, 2, 1, 1, 2, None], 16 / 45 * 100, "36%", "moderate"),  # one section skipped: 16 / 45 = 35.6%
    ([1, 1, 1, 1, 1, 1, 1, 1, None, None], 20.0, "20%", "minimal"),  # 8 / 40: 20% is not above 20
    ([2, 1, 1, 1, 1, 1, 1, 1, None, None], 22.5, "23%", "moderate"),  # 9 / 40: above 20; half rounds up
    ([2, 2, 2, 2, 2, 2, 2, 2, None, None], 40.0, "40%", "moderate"),  # 16 / 40: 40% is not above 40
    ([3, 2, 2, 2, 2, 2, 2, 2, None, None], 42.5, "43%", "severe"),    # 17 / 40
    ([3, 3, 3, 3, 3, 3, 3, 3, 3, 3], 60.0, "60%", "severe"),
    ([4, 4, 4, 4, 4, 4, 4, 4, 4, 4], 80.0, "80%", "crippled"),
    ([5, 4, 4, 4, 4, 4, 4, 4, 4, 4], 82.0, "82%", "bed-bound"),       # more than 80
    ([5] * 10, 100.0, "100%", "bed-bound"),
    ([0] * 10, 0.0, "0%", "minimal"),
])
def test_oswestry_like_scoring(levels, percent, shown, outcome):
    result = oswestry(levels)
    assert result.scores["odi"].value == pytest.approx(percent)
    assert (result.scores["odi"].shown, result.outcome) == (shown, outcome)


@pytest.mark.parametrize("levels", [[5, 5, 5, 5, 5, 5, 5, None, None, None], [None] * 10, [0, None] * 5],
                         ids=["seven-sections", "none", "five-sections"])
def test_oswestry_like_gives_the_neutral_result_below_eight_sections(levels):
    result = oswestry(levels)
    odi = result.scores["odi"]
    answered = sum(level is not None for level in levels)
    assert (odi.answered, odi.answered_max, odi.counted, odi.shown) == (answered, 5 * answered, False, None)
    # Not the worst band (the catch-all) nor self-care: a neutral result that names no answer.
    assert (result.outcome, result.urgency, result.reasons) == ("too-few-answers", "neutral", ())


def percent_value(total: int, most: int, decimals: int = 1, counted: bool = True) -> ScoreValue:
    return ScoreValue("p", total, 1, most, counted, percent=True, decimals=decimals)


@pytest.mark.parametrize("total, most, limits, expected", [
    (16, 40, {"above": 40}, False),                 # exactly 40% is not more than 40
    (16, 40, {"at_least": 40}, True),
    (17, 40, {"above": 42}, True),                  # 42.5%
    (17, 40, {"below": 43}, True),
    (17, 40, {"above": 42, "below": 43}, True),     # between two whole percents
    (1, 3, {"above": 33, "below": 34}, True),       # 33.33...%, which no float states exactly
    (2, 3, {"above": 66, "at_most": 66}, False),    # 66.66...%
    (1, 3, {"at_least": 34}, False),
    (8, 40, {"below": 20}, False),                  # exactly 20% is not less than 20
    (8, 40, {"at_most": 20}, True),
    (0, 40, {"below": 1}, True),
])
def test_percent_limits_compare_exactly(total, most, limits, expected):
    condition = ScoreBetween("p", limits.get("at_least"), limits.get("at_most"), 1, limits.get("above"),
                             limits.get("below"))
    assert score_within(percent_value(total, most), condition) is expected


@pytest.mark.parametrize("total, limits, expected", [
    (4, {"above": 3}, True), (3, {"above": 3}, False), (3, {"below": 4}, True), (4, {"below": 4}, False),
    (4, {"above": 3, "below": 5}, True), (5, {"above": 3, "below": 5}, False),
    (-1, {"below": 0}, True), (0, {"above": -1, "at_most": 0}, True),
])
def test_whole_number_limits(total, limits, expected):
    condition = ScoreBetween("t", limits.get("at_least"), limits.get("at_most"), 1, limits.get("above"),
                             limits.get("below"))
    assert score_within(ScoreValue("t", total, 1, 5, True), condition) is expected


def test_no_limit_holds_for_a_score_that_does_not_count():
    condition = ScoreBetween("p", None, None, 1, above=-1)
    assert score_within(percent_value(3, 5), condition) is True
    assert score_within(percent_value(3, 5, counted=False), condition) is False


@pytest.mark.parametrize("counted, counts, expected", [(True, True, True), (True, False, False),
                                                       (False, True, False), (False, False, True)])
def test_counts_tests_whether_the_score_counts(counted, counts, expected):
    facts = Facts(scores={"p": percent_value(3, 5, counted=counted)})
    assert evaluate(ScoreCounts("p", counts, 1), facts) is expected
    assert evaluate(ScoreCounts("q", counts, 1), facts) is False    # a score the facts don't have


@pytest.mark.parametrize("total, most, decimals, units, shown", [
    (17, 40, 0, 43, "43%"),          # 42.5 rounds up, where Python's round() gives 42
    (9, 40, 0, 23, "23%"),           # 22.5: round() gives 22
    (1, 80, 1, 13, "1.3%"),          # 1.25: round(1.25, 1) gives 1.2
    (107, 4000, 2, 268, "2.68%"),    # 2.675: round(2.675, 2) gives 2.67 (the float is just below)
    (1, 3, 1, 333, "33.3%"),
    (2, 3, 1, 667, "66.7%"),
    (2, 3, 2, 6667, "66.67%"),
    (16, 40, 1, 400, "40.0%"),       # one decimal always shows it
    (0, 40, 0, 0, "0%"),
    (0, 40, 2, 0, "0.00%"),
    (40, 40, 1, 1000, "100.0%"),
    (1, 400, 0, 0, "0%"),            # 0.25
    (-17, 40, 0, -42, "-42%"),       # -42.5: half rounds up, towards the larger number
    (-1, 80, 1, -12, "-1.2%"),       # -1.25
    (-1, 30, 1, -33, "-3.3%"),
])
def test_percents_round_half_up_exactly(total, most, decimals, units, shown):
    assert percent_units(total, most, decimals) == units
    value = percent_value(total, most, decimals)
    assert value.shown == shown
    assert value.rounded == (units if decimals == 0 else units / 10 ** decimals)


@pytest.mark.parametrize("units, decimals, text", [(425, 1, "42.5"), (43, 0, "43"), (5, 2, "0.05"),
                                                   (-5, 1, "-0.5"), (0, 1, "0.0"), (100, 0, "100")])
def test_decimal_text(units, decimals, text):
    assert decimal_text(units, decimals) == text


def test_plain_scores_show_their_total_and_nothing_when_they_do_not_count():
    assert (ScoreValue("t", 7, 1, 5, True).shown, ScoreValue("t", 7, 1, 5, True).rounded) == ("7", None)
    assert ScoreValue("t", 7, 1, 5, False).shown is None


def orebro(normal: int, reversed_answer: int):
    """Score the Orebro-like fixture with one answer for the normal items and one for the reversed ones."""
    reversed_items = {"work-chance", "light-work", "sleep"}
    answers = {item: [str(reversed_answer if item in reversed_items else normal)] for item in OREBRO}
    return score_answers(fixture("orebro-like.yml"), answers)


def test_each_answered_item_is_kept_with_its_points_after_reverse_scoring():
    risk = orebro(3, 8).scores["risk"]
    assert risk.items[:2] == (ItemPoints("duration", ("3",), 3, 3), ItemPoints("intensity", ("3",), 3, 3))
    assert [(i.question, i.value, i.points) for i in risk.items if i.value != i.points] == [
        ("work-chance", 8, 2), ("light-work", 8, 2), ("sleep", 8, 2)]
    assert sum(i.points for i in risk.items) == risk.total == 7 * 3 + 3 * 2


@pytest.mark.parametrize("normal, reversed_answer, total, outcome", [
    (0, 0, 30, "lower-risk"),      # reversed items: 10 - 0 = 10 each
    (10, 10, 70, "higher-risk"),
    (5, 5, 50, "higher-risk"),     # the cut-off is "50 or more"
    (5, 6, 47, "lower-risk"),      # 7 x 5 + 3 x (10 - 6)
    (0, 10, 0, "lower-risk"),
    (10, 0, 100, "higher-risk"),
])
def test_orebro_like_reverse_scoring(normal, reversed_answer, total, outcome):
    result = orebro(normal, reversed_answer)
    assert (result.scores["risk"].total, result.outcome) == (total, outcome)


@pytest.fixture(scope="module")
def clinic():
    return load_file(CLINIC_QUIZ)


def test_an_emergency_answer_ends_the_quiz_at_once(clinic):
    result = score_answers(clinic, {"emergency-signs": ["chest", "bladder"]})
    assert (result.outcome, result.urgency, result.stopped) == ("call-999", "emergency", True)
    assert result.asked == ("emergency-signs",)
    assert result.reasons == (("emergency-signs", "bladder"), ("emergency-signs", "chest"))


def test_an_urgent_answer_ends_the_quiz_once_nothing_later_can_be_an_emergency(clinic):
    result = score_answers(clinic, {"emergency-signs": ["none"], "urgent-signs": ["fall"]})
    assert (result.outcome, result.stopped, result.asked) == ("urgent-help", True, ("emergency-signs", "urgent-signs"))


def test_a_settled_result_ends_the_quiz_and_later_answers_are_refused(clinic):
    answers = {**NO_RED_FLAGS, "how-long": ["over-3-weeks"]}
    result = score_answers(clinic, answers)
    assert (result.outcome, result.stopped, result.asked[-1]) == ("book", True, "how-long")
    with pytest.raises(AnswerError) as caught:
        score_answers(clinic, {**answers, "runs": ["no"]})
    assert caught.value.messages == ["Question 'runs' is not asked: the quiz ends at the answer to 'how-long', "
                                     "because the result can no longer change."]


def test_a_self_care_result_is_never_settled_before_the_last_question(clinic):
    result = score_answers(clinic, CALM)
    assert (result.outcome, result.stopped, result.asked[-1]) == ("self-care", False, "worry")


def test_not_sure_counts_as_yes_for_emergency(clinic):
    result = score_answers(clinic, {"emergency-signs": ["not-sure"]})
    assert result.outcome == "call-999" and result.flags == ("emergency",)


def test_urgent_beats_everything_but_emergency(clinic):
    result = score_answers(clinic, {"emergency-signs": ["none"], "urgent-signs": ["not-sure"]})
    assert (result.outcome, result.flags) == ("urgent-help", ("urgent",))
    assert result.reasons == (("urgent-signs", "not-sure"),)


@pytest.mark.parametrize("changes, outcome, reasons", [
    ({"age": ["under-16"]}, "see-gp", [("age", "under-16")]),
    ({"age": ["16-to-19"]}, "see-gp", [("age", "16-to-19")]),
    ({"age": ["65-or-over"], "new-pain": ["yes"]}, "see-gp", [("new-pain", "yes")]),
    ({"age": ["50-to-64"], "new-pain": ["not-sure"]}, "see-gp", [("new-pain", "not-sure")]),
    ({"age": ["50-to-64"], "new-pain": ["no"]}, "self-care", []),
    ({"gp-signs": ["daily-life", "coping"]}, "see-gp", [("gp-signs", "daily-life"), ("gp-signs", "coping")]),
    ({"gp-signs": ["pregnant", "no-better"]}, "midwife-or-gp", [("gp-signs", "pregnant")]),
    ({"how-long": ["over-3-weeks"]}, "book", [("how-long", "over-3-weeks")]),
    ({"runs": ["yes"], "running-worse": ["yes"]}, "book", [("running-worse", "yes")]),
    ({"leg": ["not-sure"]}, "book", [("leg", "not-sure")]),
    ({"bother": ["quite-a-lot"]}, "book", [("bother", "quite-a-lot")]),
    ({"worry": ["a-lot"]}, "book", [("worry", "a-lot")]),
    ({"runs": ["yes"], "running-worse": ["not-tried"]}, "self-care", []),
    ({}, "self-care", []),
])
def test_clinic_routing(clinic, changes, outcome, reasons):
    answers = {**CALM, **changes}
    result = score_answers(clinic, {q: a for q, a in answers.items() if q in asked_before_the_end(clinic, answers)})
    assert result.outcome == outcome and list(result.reasons) == reasons


def asked_before_the_end(quiz, answers) -> set[str]:
    """The questions a person with these answers is asked: the quiz may end before the last."""
    asked = set()
    for question in quiz.questions:
        if question.id in answers:
            asked.add(question.id)
            try:
                if score_answers(quiz, {q: a for q, a in answers.items() if q in asked}).stopped:
                    break
            except AnswerError:
                continue
    return asked


def test_branching_shows_the_running_question_only_to_runners(clinic):
    assert "running-worse" not in score_answers(clinic, CALM).asked
    assert "running-worse" in score_answers(clinic, {**CALM, "runs": ["yes"], "running-worse": ["no"]}).asked


@pytest.mark.parametrize("answers, errors", [
    ({**CALM, "runs": ["no"], "running-worse": ["yes"]},
     ["Question 'running-worse' is hidden by its show_if with these answers, so it cannot be answered."]),
    ({**CALM, "runs": ["yes"]}, ["Question 'running-worse' needs an answer."]),
    ({k: v for k, v in CALM.items() if k != "emergency-signs"}, ["Question 'emergency-signs' needs an answer."]),
    ({**CALM, "emergency-signs": ["none", "chest"]},
     ["Question 'emergency-signs': 'none' cannot be chosen with other options."] +
     [f"Question '{q}' is not asked: the quiz ends at the answer to 'emergency-signs', because the result can "
      "no longer change." for q in ("urgent-signs", "gp-signs", "age", "how-long", "runs", "leg", "bother", "worry")]),
    ({**CALM, "age": ["20-to-49", "65-or-over"], "new-pain": ["no"]}, ["Question 'age' takes one answer, got 2."]),
    ({**CALM, "agee": ["x"], "leg": ["maybe"]},
     ["Unknown question 'agee'. Did you mean 'age'?", "Question 'leg' has no option 'maybe'."]),
    ({**CALM, "bother": ["alittle"]}, ["Question 'bother' has no option 'alittle'. Did you mean 'a-little'?"]),
])
def test_answers_that_do_not_fit_are_all_reported(clinic, answers, errors):
    with pytest.raises(AnswerError) as caught:
        score_answers(clinic, answers)
    assert caught.value.messages == errors
