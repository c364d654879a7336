"""Proofs over every combination of answers: every outcome reachable, red flags always routed.

How it stays exhaustive without listing billions of answer sets one by one:

1. Rules and show_if conditions can only see a few things about an answer: the flags it
   raises, the points it adds to each score, and whether it chose an option that some
   condition names. Answers that agree on those are interchangeable, so each question's
   answers are grouped into classes, each with a count of the real answers in it
   (e.g. the 255 ways to tick symptoms in the emergency checklist are one class).
2. The questions are then walked in order, keeping a table {state: count}, where the
   state is everything the rules can see so far (flags raised, chosen named options,
   each score's total, answered count and answered maximum, stopped or not). Two answer
   sets that reach the same state get the same outcome, whatever comes after, so they
   are merged and only their number is kept.
3. At the end, each state's outcome is decided by the reference scorer's own rule code,
   and the properties are checked; the counts add up to the number of answer sets.

The work grows with the number of distinct states (a few thousand for the clinic quiz,
561 for a 10-section percent index), not with the product of the options. But the classes
of different questions multiply when the rules can tell their answers apart: two checklists
whose 11 options a rule names make 2,048 × 2,048 states (60 to 170 s and 3 to 4 GB; a
MemoryError at 12 options). So every walk (the proofs', and settled_outcomes' for the loader)
counts the (state, answer class) pairs it is about to visit before building them, and stops
with TooBig, naming the questions that multiply, once they would pass MAX_SITUATIONS. Listing a
checklist's subsets (2^n for n options) is capped too.
"""
from __future__ import annotations

import functools
import itertools
import time
from dataclasses import dataclass, field, replace

from ..problems import Problem, problem
from .model import FLAG_FLOORS, STOP_FLAG, AllOf, AnswerIs, AnyOf, NotTrue, Outcome, Question, Quiz, urgency_rank
from .score import Facts, ScoreValue, choose_outcome, evaluate

MAX_CHECKLIST_OPTIONS = 16     # 65,536 subsets: beyond that, split the checklist
MAX_ANSWER_CLASSES = 4_096     # kinds of answer the rules tell apart in one question (12 named options)
MAX_SITUATIONS = 100_000       # (state, kind of answer) pairs one walk visits: about 2 s and 100 MB at most
FEWER_KINDS = ("Each option a rule or show_if names by its id is told apart from every other: name fewer of them "
               "(let those options raise one flag and test the flag instead), or split the checklist.")

Answer = tuple[str, ...]                     # option ids chosen in one question; () when skipped
Example = tuple[tuple[str, Answer], ...]     # one answer set: (question id, answer) in quiz order
# A kind of answer to one question, as the rules see it: (flags raised, named options chosen,
# points, or None when skipped; how many real answers are of this kind, one of them).
AnswerClass = tuple[frozenset[str], frozenset[str], int | None, int, Answer]


@dataclass(frozen=True)
class ProofReport:
    """What the proofs covered and how long they took."""

    combinations: int              # answer sets, counted exactly (each a different way to fill in the quiz)
    states: int                    # distinct states actually checked
    outcomes: dict[str, int] = field(default_factory=dict)   # outcome id -> number of answer sets leading to it
    seconds: float = 0.0
    proved: bool = True
    red_flag_options: int = 0      # options raising emergency/urgent, each proved to route high enough

    @property
    def summary(self) -> str:
        """One line for the build log."""
        if not self.proved:
            return f"proofs failed over {self.combinations:,} answer combinations ({self.states:,} distinct cases)"
        red = (f", red flags ({self.red_flag_options} answers) always route to urgent care"
               if self.red_flag_options else "")
        return (f"proved {self.combinations:,} answer combinations ({self.states:,} distinct cases, "
                f"{self.seconds:.2f} s): every outcome reachable{red}")


@dataclass(frozen=True)
class State:
    """Everything the rules can see after some questions."""

    flags: frozenset[str]
    chosen: tuple[tuple[str, frozenset[str]], ...]   # (question id, named options chosen) per question
    totals: tuple[tuple[int, int, int], ...]         # per score: (total, answered, answered maximum)
    stopped: bool = False


class TooBig(Exception):
    """A walk would visit more than MAX_SITUATIONS pairs, or a question has too many kinds of answer."""

    def __init__(self, question: Question, multipliers: list[tuple[str, int]]):
        super().__init__(question.id)
        self.question, self.multipliers = question, multipliers

    def problem(self, path: str) -> Problem:
        """The problem at the question where the walk stopped, naming the questions that multiply."""
        if len(self.multipliers) == 1 and self.multipliers[0][1] > MAX_ANSWER_CLASSES:
            return problem(path, self.question.line, f"Question '{self.question.id}' has {self.multipliers[0][1]:,} "
                           f"kinds of answer that the rules tell apart, more than the {MAX_ANSWER_CLASSES:,} that can "
                           "be proved", FEWER_KINDS)
        biggest = sorted(sorted(self.multipliers, key=lambda m: -m[1])[:3], key=self.multipliers.index)
        named = [f"'{qid}' ({kinds:,}{' kinds of answer' if index == 0 else ''})"
                 for index, (qid, kinds) in enumerate(biggest)]
        listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
        more = len(self.multipliers) - len(biggest)
        others = f", with {more} more question{'s' if more != 1 else ''}," if more else ""
        return problem(path, self.question.line, f"Question{'s' if len(biggest) > 1 else ''} {listed}{others} together "
                       f"make more than {MAX_SITUATIONS:,} situations to prove", FEWER_KINDS)


@dataclass
class Budget:
    """The pairs of (state, kind of answer) one walk may still visit, and the questions that multiplied them."""

    left: int = MAX_SITUATIONS
    multipliers: list[tuple[str, int]] = field(default_factory=list)   # (question id, kinds of answer)

    def spend(self, question: Question, states: int, kinds: int) -> None:
        """Count a question's pairs before they are built; raise TooBig past the limit."""
        if kinds > MAX_ANSWER_CLASSES:
            raise TooBig(question, [(question.id, kinds)])
        if kinds > 1:
            self.multipliers.append((question.id, kinds))
        self.left -= states * kinds
        if self.left < 0:
            raise TooBig(question, self.multipliers)


def prove_quiz(quiz: Quiz, display_path: str) -> tuple[ProofReport, list[Problem]]:
    """Prove the routing properties over every answer set; each failure is a Problem at its line."""
    started = time.perf_counter()
    named = named_options(quiz)
    problems = check_sizes(quiz, display_path)
    if problems:
        return ProofReport(0, 0, proved=False), problems
    try:
        states = walk_states(quiz, named)
    except TooBig as too_big:
        return ProofReport(0, 0, proved=False), [too_big.problem(display_path)]
    outcomes, unrouted, floors_broken = judge_states(quiz, states)
    problems += report_unrouted(quiz, unrouted, display_path)
    problems += report_dead(quiz, outcomes, display_path)
    if floors_broken:
        problems += pinpoint_red_flags(quiz, named, display_path)
    report = ProofReport(
        combinations=sum(count for count, _ in states.values()),
        states=len(states),
        outcomes=outcomes,
        seconds=time.perf_counter() - started,
        proved=not problems,
        red_flag_options=sum(1 for q in quiz.questions for o in q.options if set(o.raises) & set(FLAG_FLOORS)),
    )
    return report, problems


def named_options(quiz: Quiz) -> dict[str, frozenset[str]]:
    """For each question, the options that some rule or show_if names (the rest are interchangeable)."""
    named: dict[str, set[str]] = {}

    def visit(condition: object) -> None:   # object: AllOf, AnyOf and NotTrue hold theirs untyped
        if isinstance(condition, AnswerIs):
            named.setdefault(condition.question, set()).update(condition.options)
        elif isinstance(condition, (AllOf, AnyOf)):
            for item in condition.items:
                visit(item)
        elif isinstance(condition, NotTrue):
            visit(condition.item)

    for rule in quiz.rules:
        visit(rule.when)
    for question in quiz.questions:
        if question.show_if is not None:
            visit(question.show_if)
    return {qid: frozenset(ids) for qid, ids in named.items()}


def check_sizes(quiz: Quiz, path: str) -> list[Problem]:
    """Checklists too long to list every subset of."""
    return [problem(path, q.line, f"Question '{q.id}' has {len(q.options)} options, too many to prove every "
                    f"combination (at most {MAX_CHECKLIST_OPTIONS})", "Split it into two checklists.")
            for q in quiz.questions if q.many and len(q.options) > MAX_CHECKLIST_OPTIONS]


def possible_answers(question: Question) -> list[tuple[str, ...]]:
    """Every valid answer to a shown question; () means skipped (only when optional)."""
    ids = [o.id for o in question.options]
    if not question.many:
        answers: list[tuple[str, ...]] = [(i,) for i in ids]
    else:
        shared = [o.id for o in question.options if not o.exclusive]
        answers = [combo for size in range(1, len(shared) + 1) for combo in itertools.combinations(shared, size)]
        answers += [(o.id,) for o in question.options if o.exclusive]
    return answers + ([()] if not question.required else [])


def answer_classes(quiz: Quiz, question: Question, named: frozenset[str],
                   must_include: str | None = None) -> list[AnswerClass]:
    """Group a question's answers by what the rules can see: [(raises, named chosen, points, count, example)]."""
    classes: dict[tuple[frozenset[str], frozenset[str], int | None], tuple[int, Answer]] = {}
    for answer in possible_answers(question):
        if must_include is not None and must_include not in answer:
            continue
        picked = [o for o in question.options if o.id in answer]
        raises = frozenset(f for o in picked for f in o.raises)
        points = sum(o.points or 0 for o in picked)
        key = (raises, frozenset(answer) & named, points if answer else None)
        count, example = classes.get(key, (0, answer))
        classes[key] = (count + 1, example)
    return [(*key, count, example) for key, (count, example) in classes.items()]


def start_state(quiz: Quiz) -> State:
    """Nothing answered yet."""
    return State(frozenset(), (), tuple((0, 0, 0) for _ in quiz.scores))


def walk_states(quiz: Quiz, named: dict[str, frozenset[str]], restrict: tuple[str, str] | None = None,
                ended: set[tuple[str, str | None]] | None = None) -> dict[State, tuple[int, Example]]:
    """Walk the questions in order: {final state: (count of answer sets, one example answer set)}.

    The quiz ends where the person's quiz ends: at an emergency answer, or once the result is
    settled (quiz.settled). With restrict=(question id, option id), only answer sets that show
    that question and choose that option are kept: used to name the exact option that breaks a
    red-flag rule. With `ended`, the (question id, outcome id) pairs where some quiz ends early
    are added to it.
    """
    states: dict[State, tuple[int, Example]] = {start_state(quiz): (1, ())}
    budget = Budget()
    for question in quiz.questions:
        only = restrict[1] if restrict and restrict[0] == question.id else None
        classes = answer_classes(quiz, question, named.get(question.id, frozenset()), only)
        settled = quiz.settled_after(question.id)
        asked = {state: asks(quiz, question, state) for state in states}
        budget.spend(question, sum(asked.values()), len(classes))
        following: dict[State, tuple[int, Example]] = {}
        for state, (count, example) in states.items():
            if not asked[state]:
                if only is None:
                    merge(following, state, count, example)
                continue
            for raises, chosen, points, many, answer in classes:
                after = advance(quiz, question, state, raises, chosen, points)
                if settled and not after.stopped and (now := outcome_id(quiz, after)) in settled:
                    after = replace(after, stopped=True)
                    if ended is not None:
                        ended.add((question.id, now))
                merge(following, after, count * many, example + ((question.id, answer),))
        states = following
    return states


def settled_outcomes(quiz: Quiz) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """After each question, the outcomes that no later answer can change: there the quiz may end.

    Every reachable state is walked question by question (ending only at emergency answers),
    keeping which states each one leads to; then, from the last question back, the outcomes
    still possible from a state are those possible from the states after it. An outcome is
    settled after a question when every state reached by answering that question, whose
    rules already give that outcome, can end in nothing else.
    """
    named = named_options(quiz)

    @functools.cache
    def current(state: State) -> str | None:
        return outcome_id(quiz, state)

    level, budget = {start_state(quiz)}, Budget()
    steps: list[dict[State, tuple[bool, tuple[State, ...]]]] = []
    for question in quiz.questions:
        classes = answer_classes(quiz, question, named.get(question.id, frozenset()))
        asked = {state: asks(quiz, question, state) for state in level}
        budget.spend(question, sum(asked.values()), len(classes))   # raises TooBig before the tables grow
        step: dict[State, tuple[bool, tuple[State, ...]]] = {}     # state -> (answered here, the states it leads to)
        for state in level:
            if not asked[state]:
                step[state] = (False, (state,))
            else:
                step[state] = (True, tuple(advance(quiz, question, state, raises, chosen, points)
                                           for raises, chosen, points, _, _ in classes))
        steps.append(step)
        level = {after for _, nexts in step.values() for after in nexts}
    possible: dict[State, set[str | None]] = {state: {current(state)} for state in level}
    settled: list[tuple[str, tuple[str, ...]]] = []
    for question, step in zip(reversed(quiz.questions), reversed(steps)):
        answered = {after for asked, nexts in step.values() if asked for after in nexts}
        unsettled = {current(state) for state in answered if possible[state] != {current(state)}}
        given = {current(state) for state in answered}
        # A result that shows scores is never settled early: later answers still change what it shows.
        outcomes = tuple(o.id for o in quiz.outcomes if o.id in given - unsettled and not o.show_scores)
        if outcomes and question is not quiz.questions[-1]:   # after the last, the quiz ends anyway
            settled.append((question.id, outcomes))
        possible = {state: set().union(*(possible[after] for after in nexts)) for state, (_, nexts) in step.items()}
    return where_quizzes_end(quiz, named, tuple(reversed(settled)))


def where_quizzes_end(quiz: Quiz, named: dict[str, frozenset[str]],
                      settled: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`settled` without the pairs no quiz ever ends at (e.g. an urgent result after a later question:
    those quizzes already ended at the urgent answer), so the page carries only what it uses."""
    ended: set[tuple[str, str | None]] = set()
    walk_states(replace(quiz, settled=settled), named, ended=ended)
    kept = ((qid, tuple(o for o in outcomes if (qid, o) in ended)) for qid, outcomes in settled)
    return tuple((qid, outcomes) for qid, outcomes in kept if outcomes)


def outcome_id(quiz: Quiz, state: State) -> str | None:
    """The id of the outcome the rules give in this state (None without a catch-all)."""
    outcome = outcome_of(quiz, state)
    return outcome.id if outcome else None


def merge(table: dict[State, tuple[int, Example]], state: State, count: int, example: Example) -> None:
    """Add answer sets reaching `state`, keeping the first example."""
    old_count, old_example = table.get(state, (0, example))
    table[state] = (old_count + count, old_example)


def asks(quiz: Quiz, question: Question, state: State) -> bool:
    """Whether the person in this state is asked the question: the quiz goes on and shows it."""
    return not state.stopped and shown(quiz, question, state)


def shown(quiz: Quiz, question: Question, state: State) -> bool:
    """Whether the question is asked in this state (show_if uses earlier answers and flags only)."""
    if question.show_if is None:
        return True
    return evaluate(question.show_if, Facts(state.flags, dict(state.chosen)))


def advance(quiz: Quiz, question: Question, state: State, raises: frozenset[str], chosen: frozenset[str],
            points: int | None) -> State:
    """The state after answering one question with an answer of one class."""
    totals = list(state.totals)
    if points is not None:
        for index, score in enumerate(quiz.scores):
            if score.id in question.scores:
                total, answered, most = totals[index]
                totals[index] = (total + points, answered + 1, most + question.max_points)
    picked = state.chosen + (((question.id, chosen),) if chosen else ())
    return State(state.flags | raises, picked, tuple(totals), STOP_FLAG in raises)


def facts_of(quiz: Quiz, state: State) -> Facts:
    """The facts the rules see in a final state, built the way the scorer builds them."""
    scores: dict[str, ScoreValue] = {}
    for score, (total, answered, most) in zip(quiz.scores, state.totals):
        counted = answered >= score.min_answered and (not score.percent or (answered > 0 and most > 0))
        scores[score.id] = ScoreValue(score.id, total, answered, most, counted, score.percent)
    return Facts(state.flags, dict(state.chosen), scores)


def outcome_of(quiz: Quiz, state: State) -> Outcome | None:
    """The outcome the rules give in this state, or None."""
    rule = choose_outcome(quiz, facts_of(quiz, state))
    return quiz.outcome(rule.outcome) if rule else None


def breaks_floor(state: State, outcome: Outcome) -> bool:
    """A raised red flag whose outcome is less urgent than the flag demands."""
    return any(flag in state.flags and urgency_rank(outcome.urgency) > urgency_rank(floor)
               for flag, floor in FLAG_FLOORS.items())


def judge_states(quiz: Quiz, states: dict[State, tuple[int, Example]]) -> tuple[dict[str, int], list[Example], bool]:
    """Decide every final state: (answer sets per outcome, states with no outcome, any red flag mis-routed)."""
    reached = {o.id: 0 for o in quiz.outcomes}
    unrouted: list[Example] = []
    broken = False
    for state, (count, example) in states.items():
        outcome = outcome_of(quiz, state)
        if outcome is None:
            unrouted.append(example)
            continue
        reached[outcome.id] += count
        broken = broken or breaks_floor(state, outcome)
    return reached, unrouted, broken


def describe(example: Example) -> str:
    """An example answer set in the CLI's own syntax: id=option,id=option+option."""
    return ",".join(f"{qid}={'+'.join(answer)}" for qid, answer in example if answer) or "(no answers)"


def report_unrouted(quiz: Quiz, unrouted: list[Example], path: str) -> list[Problem]:
    """Answer sets for which no rule gives a result."""
    if not unrouted:
        return []
    line = quiz.rules[-1].line if quiz.rules else 1
    return [problem(path, line, f"{len(unrouted)} kinds of answers get no result, for example: "
                    f"{describe(unrouted[0])}", "End the rules with '- otherwise: outcome-id'.")]


def report_dead(quiz: Quiz, reached: dict[str, int], path: str) -> list[Problem]:
    """Outcomes that no answer set reaches."""
    problems = []
    for outcome in quiz.outcomes:
        if reached.get(outcome.id):
            continue
        rule = next((r for r in quiz.rules if r.outcome == outcome.id), None)
        where = f" (its rule is on line {rule.line})" if rule else ""
        problems.append(problem(path, outcome.line, f"Outcome '{outcome.id}' can never be reached: no combination "
                                f"of answers leads to it{where}", "Check the rules above it: an earlier rule "
                                "catches every answer set that would match, or no answers can match it."))
    return problems


def pinpoint_red_flags(quiz: Quiz, named: dict[str, frozenset[str]], path: str) -> list[Problem]:
    """For each red-flag option, prove it routes high enough; name the option and an example if not."""
    problems = []
    for question in quiz.questions:
        for option in question.options:
            floors = {f: FLAG_FLOORS[f] for f in option.raises if f in FLAG_FLOORS}
            if not floors:
                continue
            for state, (_count, example) in walk_states(quiz, named, (question.id, option.id)).items():
                outcome = outcome_of(quiz, state)
                flag = min(floors, key=lambda f: urgency_rank(floors[f]))
                if outcome is not None and urgency_rank(outcome.urgency) > urgency_rank(floors[flag]):
                    problems.append(problem(
                        path, option.line,
                        f"Choosing '{option.id}' in question '{question.id}' raises the {flag} flag, but these "
                        f"answers lead to outcome '{outcome.id}' ({outcome.urgency}): {describe(example)}",
                        f"Put a rule '- when: {{flag: {flag}}}' leading to an {floors[flag]} outcome before the "
                        "other rules."))
                    break
    return problems
