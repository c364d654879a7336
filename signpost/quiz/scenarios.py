"""Clinical scenarios: the clinician's test suite for a quiz, written as patients in YAML.

A scenarios file sits beside its quiz (content/quiz/<slug>.scenarios.yml). Each scenario
describes a patient in words, gives their answers and the outcome the guidance expects.
Every build runs every scenario through the reference scorer; one that gets another
outcome is a build error. `check` adds coverage: outcomes and red-flag answers that no
scenario tries are warnings.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..problems import RUN_BUILD, Problem, problem
from ..yamlfile import YamlList, YamlMap, check_keys, load_yaml, read_text, suggest
from .analyse import describe
from .model import BUILT_IN_FLAGS, Quiz
from .score import AnswerError, Result, score_answers

SCENARIO_KEYS = ("patient", "answers", "expect", "guidance")
SUFFIX = ".scenarios.yml"


@dataclass(frozen=True)
class Scenario:
    """One patient: who they are, how they answer, and the outcome the guidance expects."""

    patient: str
    answers: tuple[tuple[str, tuple[str, ...]], ...]   # (question id, option ids), as written
    expect: str
    guidance: str
    line: int

    @property
    def answer_map(self) -> dict[str, list[str]]:
        """The answers as the scorer takes them."""
        return {qid: list(options) for qid, options in self.answers}

    @property
    def command_answers(self) -> str:
        """The answers in `build.py quiz --answers` form, to paste."""
        return describe(self.answers)


@dataclass(frozen=True)
class ScenarioRun:
    """What the reference scorer gave one scenario: a result, or why its answers don't fit."""

    scenario: Scenario
    result: Result | None
    errors: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.result is not None and self.result.outcome == self.scenario.expect


def scenarios_path(quiz_path: str) -> str:
    """content/quiz/x.yml → content/quiz/x.scenarios.yml"""
    return quiz_path[:-len(".yml")] + SUFFIX


def load_scenarios(text: str, path: str, quiz: Quiz) -> tuple[tuple[Scenario, ...], list[Problem]]:
    """Read and check one scenarios file against its quiz (ids of questions, options, outcomes)."""
    data, problems = load_yaml(text, path)
    hint = "Start with 'scenarios:', then one '- patient: …' block for each patient."
    if data is None:
        return (), problems or [problem(path, 1, "The scenarios file is empty", hint)]
    if not isinstance(data, YamlMap) or not isinstance(data.get("scenarios"), YamlList):
        return (), problems + [problem(path, getattr(data, "line", 1), "A scenarios file must have a "
                                       "'scenarios:' list", hint)]
    check_keys(data, ("scenarios",), path, problems, " in a scenarios file")
    scenarios = []
    items = data["scenarios"]
    for index, item in enumerate(items):
        if not isinstance(item, YamlMap):
            problems.append(problem(path, items.line_of(index), f"Each scenario must be a set of 'key: value' lines, "
                                    f"got '{item}'", hint))
            continue
        scenario = read_scenario(item, path, problems, quiz)
        if scenario is not None:
            scenarios.append(scenario)
    return tuple(scenarios), problems


def read_scenario(data: YamlMap, path: str, problems: list[Problem], quiz: Quiz) -> Scenario | None:
    """One '- patient: …' block."""
    check_keys(data, SCENARIO_KEYS, path, problems, " in a scenario")
    patient = read_text(data, "patient", path, problems, required=True, where=" from this scenario")
    expect = read_text(data, "expect", path, problems, required=True, where=f" from scenario '{patient}'")
    known = [o.id for o in quiz.outcomes]
    if expect and expect not in known:
        problems.append(problem(path, data.line_of("expect"), f"Scenario '{patient}' expects outcome '{expect}', "
                                "which the quiz does not have", suggest(expect, known) or
                                "Use the 'id' of one of the quiz's outcomes: " + ", ".join(known) + "."))
        return None
    answers = read_answers(data, path, problems, patient)
    if answers is None or not patient or not expect:
        return None
    return Scenario(patient, answers, expect, read_text(data, "guidance", path, problems), data.line)


def read_answers(data: YamlMap, path: str, problems: list[Problem],
                 patient: str) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    """'answers:' as {question: option} or {question: [option, option]}; ids stay as written."""
    node = data.get("answers")
    if not isinstance(node, YamlMap) or not node:
        problems.append(problem(path, data.line_of("answers") if "answers" in data else data.line,
                                f"Scenario '{patient}' needs 'answers:', one 'question: option' line per answer",
                                "For example: 'emergency-signs: none', or 'urgent-signs: [weight, rest-night]'."))
        return None
    answers: list[tuple[str, tuple[str, ...]]] = []
    for qid, value in node.items():
        options = value if isinstance(value, list) else [value]
        if not options or not all(isinstance(o, (str, int)) and not isinstance(o, bool) for o in options):
            shown = str(value).lower() if isinstance(value, bool) else value
            problems.append(problem(path, node.line_of(qid), f"Scenario '{patient}': the answer to '{qid}' must "
                                    f"be an option id or a list of them, got '{shown}'",
                                    "Put yes and no in quotes: \"yes\"."))
            return None
        answers.append((str(qid), tuple(str(o) for o in options)))
    return tuple(answers)


def run_scenarios(quiz: Quiz, scenarios: Iterable[Scenario]) -> tuple[ScenarioRun, ...]:
    """Each scenario through the reference scorer."""
    runs: list[ScenarioRun] = []
    for scenario in scenarios:
        try:
            runs.append(ScenarioRun(scenario, score_answers(quiz, scenario.answer_map)))
        except AnswerError as error:
            runs.append(ScenarioRun(scenario, None, tuple(error.messages)))
    return tuple(runs)


def failures(quiz: Quiz, runs: Iterable[ScenarioRun], path: str, quiz_path: str) -> list[Problem]:
    """A build error for each scenario that does not get its expected outcome."""
    problems: list[Problem] = []
    for run in runs:
        scenario = run.scenario
        try_it = f"Try it: {RUN_BUILD} quiz {quiz_path} --answers \"{scenario.command_answers}\""
        if run.result is None:
            problems.append(problem(path, scenario.line, f"Scenario '{scenario.patient}': these answers do not fit "
                                    f"the quiz: {' '.join(run.errors)}", try_it))
        elif not run.passed:
            got, want = titled(quiz, run.result.outcome), titled(quiz, scenario.expect)
            problems.append(problem(path, scenario.line, f"Scenario '{scenario.patient}' gets {got} "
                                    f"but expects {want}",
                                    f"Check the quiz's rules and flags, or this scenario. {try_it}"))
    return problems


def titled(quiz: Quiz, outcome_id: str) -> str:
    """'id' (title), or just 'id' for an outcome the quiz lacks (already reported where it is named)."""
    outcome = quiz.outcome(outcome_id)
    return f"'{outcome_id}' ({outcome.title})" if outcome else f"'{outcome_id}'"


def coverage(quiz: Quiz, runs: Iterable[ScenarioRun], path: str) -> list[Problem]:
    """Warnings for each outcome no scenario expects and each flagged answer no scenario gives."""
    problems: list[Problem] = []
    expected = {run.scenario.expect for run in runs}
    for outcome in quiz.outcomes:
        if outcome.id not in expected:
            problems.append(problem(path, None, f"No scenario expects outcome '{outcome.id}' ({outcome.title})",
                                    "Add a patient who should get this result.", severity="warning"))
    given = {(qid, option) for run in runs for qid, options in run.scenario.answers for option in options}
    for question in quiz.questions:
        for option in question.options:
            if set(option.raises) & set(BUILT_IN_FLAGS) and (question.id, option.id) not in given:
                problems.append(problem(path, None, f"No scenario answers '{option.id}' to '{question.id}' "
                                        f"({option.label})", "Add a patient who gives this answer.",
                                        severity="warning"))
    return problems
