"""The reference scorer: answers in, flags, scores and the outcome out.

assets/js/quiz.js does the same in the browser; tests/quiz/test_agreement.py checks that
both give the same result for the same answers. Keep the two in step, rule for rule.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..yamlfile import suggest
from .model import (STOP_FLAG, AllOf, Always, AnswerIs, AnyOf, FlagRaised, NotTrue, Question,
                    Quiz, Score, ScoreBetween, ScoreCounts)


class AnswerError(ValueError):
    """The answers don't fit the quiz; `messages` says every way in which they don't."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass(frozen=True)
class ItemPoints:
    """One answered question's part in a score, for a reviewer to check each step."""

    question: str
    options: tuple[str, ...]        # the options chosen
    value: int                      # their values as written
    points: int                     # what they add, after reverse scoring


@dataclass(frozen=True)
class ScoreValue:
    """A score after the answers: its total, how many of its questions were answered, and their maximum."""

    id: str
    total: int
    answered: int
    answered_max: int
    counted: bool
    percent: bool = False
    decimals: int = 1
    items: tuple[ItemPoints, ...] = ()

    @property
    def value(self) -> float:
        """The total, or the percent of the answered maximum as an unrounded float (rules never use it)."""
        if not self.percent:
            return self.total
        return self.total * 100 / self.answered_max if self.answered_max else 0.0

    @property
    def rounded(self) -> int | float | None:
        """The percent as the result page shows it, as a number; None when it does not count."""
        if not (self.percent and self.counted):
            return None
        units = percent_units(self.total, self.answered_max, self.decimals)
        return units / 10 ** self.decimals if self.decimals else units

    @property
    def shown(self) -> str | None:
        """The score as the result page shows it ('43%', '7'); None when it does not count."""
        if not self.counted:
            return None
        if not self.percent:
            return str(self.total)
        return decimal_text(percent_units(self.total, self.answered_max, self.decimals), self.decimals) + "%"


def percent_units(total: int, most: int, decimals: int) -> int:
    """total / most as a percent in units of 10**-decimals, rounded half up (42.5 → 43).

    Whole numbers only: Python's round() rounds halves to even and floats misstate some
    halves, and quiz.js must give the very same digits.
    """
    return (200 * total * 10 ** decimals + most) // (2 * most)


def decimal_text(units: int, decimals: int) -> str:
    """A count of 10**-decimals units as text: (425, 1) → '42.5', (43, 0) → '43'."""
    whole, part = divmod(abs(units), 10 ** decimals)
    return ("-" if units < 0 else "") + str(whole) + (f".{part:0{decimals}d}" if decimals else "")


@dataclass(frozen=True)
class Facts:
    """What conditions can see: flags raised, options chosen, scores."""

    flags: frozenset = frozenset()
    chosen: dict = field(default_factory=dict)    # question id -> frozenset of option ids
    scores: dict = field(default_factory=dict)    # score id -> ScoreValue


@dataclass(frozen=True)
class Result:
    """What the reference scorer decided, and why."""

    outcome: str
    urgency: str
    flags: tuple[str, ...]
    scores: dict
    reasons: tuple[tuple[str, str], ...]   # (question id, option id) pairs that led to the outcome
    asked: tuple[str, ...]                 # the questions shown, in order
    stopped: bool                          # the quiz ended early: an emergency answer, or a settled result


def evaluate(condition, facts: Facts) -> bool:
    """Whether a validated condition holds for these facts."""
    if isinstance(condition, Always):
        return True
    if isinstance(condition, FlagRaised):
        return condition.flag in facts.flags
    if isinstance(condition, AnswerIs):
        return bool(facts.chosen.get(condition.question, frozenset()) & set(condition.options))
    if isinstance(condition, ScoreBetween):
        return score_within(facts.scores.get(condition.score), condition)
    if isinstance(condition, ScoreCounts):
        value = facts.scores.get(condition.score)
        return value is not None and value.counted == condition.counts
    if isinstance(condition, AllOf):
        return all(evaluate(item, facts) for item in condition.items)
    if isinstance(condition, AnyOf):
        return any(evaluate(item, facts) for item in condition.items)
    if isinstance(condition, NotTrue):
        return not evaluate(condition.item, facts)
    raise TypeError(f"not a condition: {condition!r}")


def score_within(value: ScoreValue | None, limits: ScoreBetween) -> bool:
    """Whether a counted score meets every limit; percents compare exactly, without rounding."""
    if value is None or not value.counted:
        return False
    scaled, scale = (value.total * 100, value.answered_max) if value.percent else (value.total, 1)
    return not ((limits.at_least is not None and scaled < limits.at_least * scale)
                or (limits.above is not None and scaled <= limits.above * scale)
                or (limits.at_most is not None and scaled > limits.at_most * scale)
                or (limits.below is not None and scaled >= limits.below * scale))


def raised_by(question: Question, picked) -> set[str]:
    """The flags that these chosen options of one question raise."""
    return {flag for option in question.options if option.id in picked for flag in option.raises}


def walk_answers(quiz: Quiz, answers: dict) -> tuple[list[str], list[str], set[str], dict, bool]:
    """Go through the questions as a person would: (errors, asked, flags, chosen, stopped)."""
    errors = [f"Unknown question '{qid}'. {suggest(qid, [q.id for q in quiz.questions])}".rstrip()
              for qid in answers if quiz.question(qid) is None]
    asked: list[str] = []
    flags: set[str] = set()
    chosen: dict[str, frozenset[str]] = {}
    stopped_at = None
    for question in quiz.questions:
        picked = list(answers.get(question.id) or [])
        if stopped_at is not None:
            if picked:
                errors.append(f"Question '{question.id}' is not asked: the quiz ends at the answer to "
                              f"'{stopped_at}', because the result can no longer change.")
            continue
        if question.show_if is not None and not evaluate(question.show_if, Facts(frozenset(flags), chosen)):
            if picked:
                errors.append(f"Question '{question.id}' is hidden by its show_if with these answers, "
                              "so it cannot be answered.")
            continue
        asked.append(question.id)
        errors += check_picked(question, picked)
        picked = [p for p in picked if question.option(p) is not None]
        chosen[question.id] = frozenset(picked)
        raised = raised_by(question, picked)
        flags |= raised
        if STOP_FLAG in raised or settled_now(quiz, question, Facts(frozenset(flags), chosen)):
            stopped_at = question.id
    return errors, asked, flags, chosen, stopped_at is not None


def settled_now(quiz: Quiz, question: Question, facts: Facts) -> bool:
    """Whether the answers so far give an outcome that no later answer can change (quiz.settled)."""
    settled = quiz.settled_after(question.id)
    if not settled:
        return False
    rule = choose_outcome(quiz, Facts(facts.flags, facts.chosen, total_scores(quiz, facts.chosen)))
    return rule is not None and rule.outcome in settled


def check_picked(question: Question, picked: list[str]) -> list[str]:
    """Every way in which the options picked for one shown question are not a valid answer."""
    errors = []
    ids = [o.id for o in question.options]
    for option_id in picked:
        if option_id not in ids:
            errors.append(f"Question '{question.id}' has no option '{option_id}'. {suggest(option_id, ids)}".rstrip())
    if len(set(picked)) != len(picked):
        errors.append(f"Question '{question.id}': an option is given twice.")
    if not picked and question.required:
        errors.append(f"Question '{question.id}' needs an answer.")
    if len(picked) > 1 and not question.many:
        errors.append(f"Question '{question.id}' takes one answer, got {len(picked)}.")
    exclusive = [o.id for o in question.options if o.exclusive and o.id in picked]
    if exclusive and len(picked) > 1 and question.many:
        errors.append(f"Question '{question.id}': '{exclusive[0]}' cannot be chosen with other options.")
    return errors


def total_scores(quiz: Quiz, chosen: dict) -> dict:
    """Every score's value from the chosen options of the questions that were asked."""
    return {score.id: total_score(quiz, score, chosen) for score in quiz.scores}


def total_score(quiz: Quiz, score: Score, chosen: dict) -> ScoreValue:
    """One score: the sum of points over its answered questions."""
    items, answered_max = [], 0
    for question in quiz.questions:
        picked = [o for o in question.options if o.id in chosen.get(question.id, ())]
        if score.id not in question.scores or not picked:
            continue
        items.append(ItemPoints(question.id, tuple(o.id for o in picked), sum(o.value or 0 for o in picked),
                                sum(o.points or 0 for o in picked)))
        answered_max += question.max_points
    total, answered = sum(item.points for item in items), len(items)
    counted = answered >= score.min_answered and (not score.percent or (answered > 0 and answered_max > 0))
    return ScoreValue(score.id, total, answered, answered_max, counted, score.percent, score.decimals, tuple(items))


def explain(condition, facts: Facts, quiz: Quiz) -> set[tuple[str, str]]:
    """The chosen (question, option) pairs that made a true condition true."""
    if isinstance(condition, FlagRaised):
        return {(q.id, o.id) for q in quiz.questions for o in q.options
                if o.id in facts.chosen.get(q.id, ()) and condition.flag in o.raises}
    if isinstance(condition, AnswerIs):
        return {(condition.question, o) for o in facts.chosen.get(condition.question, ()) if o in condition.options}
    if isinstance(condition, ScoreBetween):
        return {(q.id, o) for q in quiz.questions if condition.score in q.scores
                for o in facts.chosen.get(q.id, ())}
    # ScoreCounts names nothing: a score that does not count is about the answers not given.
    if isinstance(condition, (AllOf, AnyOf)):
        return set().union(*(explain(item, facts, quiz) for item in condition.items if evaluate(item, facts)))
    return set()


def order_reasons(quiz: Quiz, pairs: set) -> tuple[tuple[str, str], ...]:
    """Reasons in the order the questions and options appear."""
    return tuple((q.id, o.id) for q in quiz.questions for o in q.options if (q.id, o.id) in pairs)


def choose_outcome(quiz: Quiz, facts: Facts):
    """The first rule whose condition holds; None only if the quiz has no catch-all."""
    return next((rule for rule in quiz.rules if evaluate(rule.when, facts)), None)


def score_answers(quiz: Quiz, answers: dict[str, list[str]]) -> Result:
    """Score one set of answers, {question id: [option ids]}; raises AnswerError if they don't fit."""
    errors, asked, flags, chosen, stopped = walk_answers(quiz, answers)
    if errors:
        raise AnswerError(errors)
    facts = Facts(frozenset(flags), chosen, total_scores(quiz, chosen))
    rule = choose_outcome(quiz, facts)
    if rule is None:
        raise AnswerError(["No rule matched these answers and the quiz has no catch-all."])
    outcome = quiz.outcome(rule.outcome)
    assert outcome is not None, "load.py refuses a rule naming an unknown outcome"
    return Result(
        outcome=outcome.id,
        urgency=outcome.urgency,
        flags=tuple(f for f in quiz.flags if f in flags),
        scores=facts.scores,
        reasons=order_reasons(quiz, explain(rule.when, facts, quiz)),
        asked=tuple(asked),
        stopped=stopped,
    )
