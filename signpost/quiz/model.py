"""The quiz as plain frozen data: questions, options, scores, rules and outcomes.

Nothing here reads files or decides anything; load.py builds these, score.py and
analyse.py read them, export.py turns them into the JSON that quiz.js reads.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

# Urgency levels, most urgent first. The care-card style on the page follows them. "neutral" is for
# results that advise nothing (e.g. too few answers to score): a plain panel, not a care card, and
# the least urgent of all, so the proofs' red-flag floors can never end there.
URGENCIES = ("emergency", "urgent", "non-urgent", "self-care", "neutral")

# Flags every quiz knows without declaring them. "gp" means "see a GP".
BUILT_IN_FLAGS = ("emergency", "urgent", "gp")

# A raised flag guarantees at least this urgency; the proofs check it for every answer.
FLAG_FLOORS = {"emergency": "emergency", "urgent": "urgent"}

# An answer raising this flag ends the quiz at once with the result of the rules so far.
STOP_FLAG = "emergency"

# How an outcome shows the clinic's booking link: "main" is the big button (written
# `booking: true`); "secondary" is a plain link after the next steps, for results whose
# main action is someone else's, such as seeing a GP.
BOOKING_STYLES = ("main", "secondary")


def urgency_rank(urgency: str) -> int:
    """0 for emergency, 4 for neutral: smaller is more urgent."""
    return URGENCIES.index(urgency)


@dataclass(frozen=True)
class Source:
    """A guidance page the quiz rests on; red-flag options cite it by id."""

    id: str                         # "" for a source written as plain text (it cannot be cited)
    title: str
    line: int
    url: str = ""


@dataclass(frozen=True)
class Citation:
    """Where one red-flag option comes from: a source, and which list on that page."""

    source: str                     # a Source id
    list: str                       # the list's heading or wording on that page
    line: int


@dataclass(frozen=True)
class Option:
    """One answer a person can choose."""

    id: str
    label: str
    line: int
    hint: str = ""
    short: str = ""                 # a short plain wording for lists of warning signs; the label if empty
    value: int | None = None        # as written in the YAML
    points: int | None = None       # what it adds to the question's scores (after reverse scoring)
    flags: tuple[str, ...] = ()     # as written
    raises: tuple[str, ...] = ()    # flags actually raised: flags, plus sibling red flags when not_sure
    exclusive: bool = False         # "none of these": only valid on its own
    not_sure: bool = False          # counts as yes for the question's emergency/urgent/gp options
    source: Citation | None = None  # the guidance behind a red flag

    @property
    def listed_as(self) -> str:
        """How the option reads in a list of warning signs: its short wording, else its label."""
        return self.short or self.label


@dataclass(frozen=True)
class Question:
    """One step of the quiz: a question with its options."""

    id: str
    text: str
    line: int
    options: tuple[Option, ...]
    choose: str = "one"             # "one" (radios) or "many" (checkboxes)
    hint: str = ""
    required: bool = True
    scores: tuple[str, ...] = ()    # score ids this question feeds
    reverse: bool = False
    show_if: Condition | None = None

    @property
    def many(self) -> bool:
        """True for a checklist (checkboxes)."""
        return self.choose == "many"

    def option(self, option_id: str) -> Option | None:
        """The option with this id, or None."""
        return next((o for o in self.options if o.id == option_id), None)

    @cached_property
    def min_points(self) -> int:
        """The least this question can add to a score when answered."""
        return min(self._answer_totals(), default=0)

    @cached_property
    def max_points(self) -> int:
        """The most this question can add to a score when answered."""
        return max(self._answer_totals(), default=0)

    def _answer_totals(self) -> list[int]:
        """Totals of the extreme answers: single options, and for checklists all positives or all negatives."""
        totals = [o.points or 0 for o in self.options]
        if self.many:
            shared = [o.points or 0 for o in self.options if not o.exclusive]
            if shared:
                totals.append(sum(p for p in shared if p > 0) or max(shared))
                totals.append(sum(p for p in shared if p < 0) or min(shared))
        return totals


@dataclass(frozen=True)
class Score:
    """A named sum of option points over the questions that feed it."""

    id: str
    label: str
    line: int
    questions: tuple[str, ...] = ()
    percent: bool = False           # report total as a percent of the answered questions' maximum
    min_answered: int = 0           # fewer answered questions than this: the score does not count
    minimum: int = 0                # the lowest possible value (a percent score: 0)
    maximum: int = 0                # the highest possible value (a percent score: 100)
    decimals: int = 1               # a percent is shown rounded half up to this many decimals ('round')


# ---- Conditions: validated YAML structures, never strings to evaluate ----

@dataclass(frozen=True)
class FlagRaised:
    """True when any chosen option raises the flag."""

    flag: str
    line: int


@dataclass(frozen=True)
class AnswerIs:
    """True when any of these options of the question was chosen."""

    question: str
    options: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class ScoreBetween:
    """True when the score counts and meets every limit given (None: no such limit).

    at_least and at_most include their number; above and below don't. The loader allows at
    most one lower limit (at_least or above) and one upper limit (at_most or below).
    """

    score: str
    at_least: int | None
    at_most: int | None
    line: int
    above: int | None = None
    below: int | None = None


@dataclass(frozen=True)
class ScoreCounts:
    """True when whether the score counts (enough of its questions answered) is `counts`."""

    score: str
    counts: bool
    line: int


@dataclass(frozen=True)
class AllOf:
    items: tuple
    line: int


@dataclass(frozen=True)
class AnyOf:
    items: tuple
    line: int


@dataclass(frozen=True)
class NotTrue:
    item: object
    line: int


@dataclass(frozen=True)
class Always:
    """The catch-all."""

    line: int


Condition = FlagRaised | AnswerIs | ScoreBetween | ScoreCounts | AllOf | AnyOf | NotTrue | Always


@dataclass(frozen=True)
class Rule:
    """If `when` holds (and no earlier rule did), the result is `outcome`."""

    when: Condition
    outcome: str
    line: int

    @property
    def catch_all(self) -> bool:
        return isinstance(self.when, Always)


@dataclass(frozen=True)
class Outcome:
    """One result: an NHS-style care card."""

    id: str
    urgency: str
    title: str
    line: int
    body: str = ""                  # Markdown as written
    body_html: str = ""             # trusted HTML rendered from body
    how_soon: str = ""
    next_steps: tuple[str, ...] = ()
    tips: tuple[str, ...] = ()      # tip slugs
    booking: str = ""               # "", or one of BOOKING_STYLES
    show_scores: bool = False


@dataclass(frozen=True)
class Quiz:
    """A whole quiz from content/quiz/<slug>.yml, validated."""

    slug: str
    title: str
    source: str
    questions: tuple[Question, ...]
    scores: tuple[Score, ...]
    rules: tuple[Rule, ...]
    outcomes: tuple[Outcome, ...]
    summary: str = ""
    intro_html: str = ""
    safety_net_html: str = ""
    flags: tuple[str, ...] = BUILT_IN_FLAGS
    reviewed: dt.date | None = None
    next_review: dt.date | None = None
    reviewed_by: str = ""
    sources: tuple[Source, ...] = field(default=())
    notes: str = ""                 # for clinicians: choices made and why (not shown to patients)
    # Where the result can no longer change: ((question id, outcomes settled once it is answered), ...).
    # Worked out from every reachable state by analyse.settled_outcomes; the quiz ends there.
    settled: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Links to headings in its Markdown texts (model.HeadingLink): checked by the pipeline against
    # the headings of the tips and pages, as links in those are.
    heading_links: tuple = ()

    def question(self, question_id: str) -> Question | None:
        """The question with this id, or None."""
        return next((q for q in self.questions if q.id == question_id), None)

    def outcome(self, outcome_id: str) -> Outcome | None:
        """The outcome with this id, or None."""
        return next((o for o in self.outcomes if o.id == outcome_id), None)

    def settled_after(self, question_id: str) -> tuple[str, ...]:
        """The outcomes that, once reached after this question, no later answer can change."""
        return next((outcomes for qid, outcomes in self.settled if qid == question_id), ())

    def find_source(self, source_id: str) -> Source | None:
        """The cited source with this id, or None."""
        return next((s for s in self.sources if s.id and s.id == source_id), None)

    def score(self, score_id: str) -> Score | None:
        """The score with this id, or None."""
        return next((s for s in self.scores if s.id == score_id), None)

    def red_flags(self) -> list[tuple[Question, Option, str]]:
        """(question, option, its most urgent flag) for each option written with an emergency or urgent flag."""
        return [(q, o, flag) for q in self.questions for o in q.options
                if (flag := next((f for f in FLAG_FLOORS if f in o.flags), None))]

    def warning_signs(self, flag: str) -> tuple[str, ...]:
        """The wording, for a list, of every option whose most urgent built-in flag is `flag`.

        The safety net, the no-JavaScript advice and the tip pages' urgent-help box all list
        these, so each warning sign is written once, in its option. "Not sure" and "none of
        these" answers are not signs; an option flagged both emergency and urgent is listed
        once, under emergency.
        """
        return tuple(option.listed_as for question in self.questions for option in question.options
                     if not (option.not_sure or option.exclusive) and most_urgent_flag(option) == flag)

    @property
    def has_warning_signs(self) -> bool:
        """True when some option is an emergency or urgent sign."""
        return any(self.warning_signs(flag) for flag in FLAG_FLOORS)


def most_urgent_flag(option: Option) -> str | None:
    """The first of the built-in flags (emergency, urgent, gp) the option is written with."""
    return next((flag for flag in BUILT_IN_FLAGS if flag in option.flags), None)
