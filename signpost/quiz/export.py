"""The validated quiz as plain JSON-able data: exactly what assets/js/quiz.js reads.

Everything the browser needs to decide is worked out here once (points after reverse
scoring, the flags each option really raises, each question's maximum), so the browser
never re-derives what the build has already validated and proved.
"""
from __future__ import annotations

from .model import (STOP_FLAG, AllOf, Always, AnswerIs, AnyOf, Condition, FlagRaised, NotTrue, Question, Quiz,
                    ScoreBetween, ScoreCounts)

FORMAT_VERSION = 1


def quiz_data(quiz: Quiz) -> dict[str, object]:
    """The quiz for the browser: what scoring needs. Wording stays in the page's HTML."""
    return {
        "format": FORMAT_VERSION,
        "slug": quiz.slug,
        "stop_flag": STOP_FLAG,
        "flags": list(quiz.flags),
        "questions": [export_question(q) for q in quiz.questions],
        "scores": [{"id": s.id, "label": s.label, "percent": s.percent, "min_answered": s.min_answered,
                    "round": s.decimals} for s in quiz.scores],
        "rules": [{"when": export_condition(r.when), "outcome": r.outcome} for r in quiz.rules],
        "outcomes": [{"id": o.id, "urgency": o.urgency, "show_scores": o.show_scores}
                     for o in quiz.outcomes],
        "settled": {qid: list(outcomes) for qid, outcomes in quiz.settled},
    }


def export_question(question: Question) -> dict[str, object]:
    """One question with its options' points and raised flags.

    Keys that would only say "none" (no scores, no points, no flags, not exclusive, always
    shown) are left out: the quiz page must fit its 14 KB budget, and quiz.js reads a
    missing key as that "none".
    """
    return without_nones({
        "id": question.id,
        "choose": question.choose,
        "required": question.required,
        "scores": list(question.scores),
        "max_points": question.max_points,
        "show_if": export_condition(question.show_if) if question.show_if is not None else None,
        "options": [without_nones({"id": o.id, "points": o.points, "raises": list(o.raises),
                                   "exclusive": o.exclusive}) for o in question.options],
    }, keep=("id", "choose", "required", "options"))


def without_nones(data: dict[str, object], keep: tuple[str, ...] = ("id",)) -> dict[str, object]:
    """`data` without the keys whose value is empty, zero, false or None (except those in `keep`)."""
    return {key: value for key, value in data.items() if key in keep or value not in (None, False, 0, [])}


def export_condition(condition: Condition | object) -> dict[str, object]:
    """A condition as the same small JSON shapes the YAML uses. (Any object: AllOf, AnyOf and NotTrue
    hold theirs untyped in model.py, so anything else is refused here.)"""
    if isinstance(condition, FlagRaised):
        return {"flag": condition.flag}
    if isinstance(condition, AnswerIs):
        return {"question": condition.question, "is": list(condition.options)}
    if isinstance(condition, ScoreBetween):
        return {"score": condition.score, "at_least": condition.at_least, "at_most": condition.at_most,
                "above": condition.above, "below": condition.below}
    if isinstance(condition, ScoreCounts):
        return {"score": condition.score, "counts": condition.counts}
    if isinstance(condition, AllOf):
        return {"all": [export_condition(c) for c in condition.items]}
    if isinstance(condition, AnyOf):
        return {"any": [export_condition(c) for c in condition.items]}
    if isinstance(condition, NotTrue):
        return {"not": export_condition(condition.item)}
    if isinstance(condition, Always):
        return {"always": True}
    raise TypeError(f"not a condition: {condition!r}")
