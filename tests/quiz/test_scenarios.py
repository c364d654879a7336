"""Clinical scenarios: patients in YAML, run through the reference scorer on every build."""
from __future__ import annotations

import pytest

from signpost.problems import BuildFailed
from signpost.quiz.scenarios import failures, load_scenarios, run_scenarios
from tests.quiz.helpers import CLINIC_QUIZ, load_file, load_text, messages
from tests.quiz.test_load import BASE
from tests.sitekit import build_site, snapshot

PATH = "content/quiz/test.scenarios.yml"
GOOD = """\
scenarios:
  - patient: "40, numb around the bottom"
    answers: {red: numb}
    expect: emergency
    guidance: "NHS.UK Back pain: call 999"
  - patient: "30, bad pain, nothing else"
    answers:
      red: none
      pain: bad
    expect: book
"""


def scenarios_of(text: str):
    quiz, problems = load_text(BASE)
    assert problems == []
    scenarios, problems = load_scenarios(text, PATH, quiz)
    return quiz, scenarios, problems


def test_scenarios_load_and_pass():
    quiz, scenarios, problems = scenarios_of(GOOD)
    assert problems == []
    assert [(s.patient, s.answers, s.expect, s.line) for s in scenarios] == [
        ("40, numb around the bottom", (("red", ("numb",)),), "emergency", 2),
        ("30, bad pain, nothing else", (("red", ("none",)), ("pain", ("bad",))), "book", 6)]
    assert all(run.passed for run in run_scenarios(quiz, scenarios))


def test_a_failing_scenario_names_the_patient_both_outcomes_and_the_answers_to_paste():
    quiz, scenarios, _ = scenarios_of(GOOD.replace("expect: book", "expect: self-care"))
    assert messages(failures(quiz, run_scenarios(quiz, scenarios), PATH, "content/quiz/test.yml")) == [
        "content/quiz/test.scenarios.yml:6: Scenario '30, bad pain, nothing else' gets 'book' (Book) but expects "
        "'self-care' (Look after yourself). Hint: Check the quiz's rules and flags, or this scenario. Try it: "
        ".venv/bin/python build.py quiz content/quiz/test.yml --answers \"red=none,pain=bad\""]


def test_answers_that_do_not_fit_the_quiz_fail_the_scenario_with_the_scorers_words():
    quiz, scenarios, _ = scenarios_of(GOOD.replace("pain: bad", "pain: bda"))
    assert messages(failures(quiz, run_scenarios(quiz, scenarios), PATH, "content/quiz/test.yml")) == [
        "content/quiz/test.scenarios.yml:6: Scenario '30, bad pain, nothing else': these answers do not fit the "
        "quiz: Question 'pain' has no option 'bda'. Did you mean 'bad'? Hint: Try it: .venv/bin/python build.py quiz "
        "content/quiz/test.yml --answers \"red=none,pain=bda\""]


@pytest.mark.parametrize("text, expected", [
    (GOOD.replace("expect: book", "expect: bok"),
     ["content/quiz/test.scenarios.yml:10: Scenario '30, bad pain, nothing else' expects outcome 'bok', which the "
      "quiz does not have. Hint: Did you mean 'book'?"]),
    (GOOD.replace("    expect: book\n", ""),
     ["content/quiz/test.scenarios.yml:6: 'expect' is missing from scenario '30, bad pain, nothing else'. "
      "Hint: Add a line 'expect: …'."]),
    (GOOD.replace("    answers: {red: numb}\n", ""),
     ["content/quiz/test.scenarios.yml:2: Scenario '40, numb around the bottom' needs 'answers:', one "
      "'question: option' line per answer. Hint: For example: 'emergency-signs: none', or "
      "'urgent-signs: [weight, rest-night]'."]),
    (GOOD.replace("expect: emergency", "expect: emergency\n    expected: emergency"),
     ["content/quiz/test.scenarios.yml:5: Unknown key 'expected' in a scenario. Hint: Did you mean 'expect'?"]),
    (GOOD.replace("pain: bad", "pain: {x: 1}"),
     ["content/quiz/test.scenarios.yml:9: Scenario '30, bad pain, nothing else': the answer to 'pain' must be an "
      "option id or a list of them, got '{'x': 1}'. Hint: Put yes and no in quotes: \"yes\"."]),
    ("scenarios: none\n",
     ["content/quiz/test.scenarios.yml:1: A scenarios file must have a 'scenarios:' list. Hint: Start with "
      "'scenarios:', then one '- patient: …' block for each patient."]),
    ("",
     ["content/quiz/test.scenarios.yml:1: The scenarios file is empty. Hint: Start with 'scenarios:', then one "
      "'- patient: …' block for each patient."]),
])
def test_mistakes_in_a_scenarios_file_are_named_at_their_line(text, expected):
    _, _, problems = scenarios_of(text)
    assert messages(problems) == expected


def test_the_clinic_quiz_ships_with_at_least_40_passing_scenarios_covering_it():
    quiz = load_file(CLINIC_QUIZ)
    text = CLINIC_QUIZ.with_name("should-i-see-someone.scenarios.yml").read_text(encoding="utf-8")
    scenarios, problems = load_scenarios(text, PATH, quiz)
    runs = run_scenarios(quiz, scenarios)
    assert problems == [] and len(runs) >= 40 and all(run.passed for run in runs)
    expected = {run.scenario.expect for run in runs}
    assert expected == {o.id for o in quiz.outcomes}
    # Patients who must not be escalated: self-care with a simple sore back, at the boundaries.
    calm = [run for run in runs if run.result.outcome == "self-care"]
    assert len(calm) >= 5
    assert any(dict(run.scenario.answers)["how-long"] == ("1-to-3-weeks",) for run in calm)


def test_a_failing_scenario_fails_the_build_and_leaves_the_site(tmp_path):
    quiz_text = BASE.replace("tips: [rest]", "tips: [warm-up]")
    out = build_site(tmp_path, {"quiz/test.yml": quiz_text, "quiz/test.scenarios.yml": GOOD})
    before = snapshot(out)
    with pytest.raises(BuildFailed) as failed:
        build_site(tmp_path, {"quiz/test.yml": quiz_text,
                              "quiz/test.scenarios.yml": GOOD.replace("expect: book", "expect: self-care")})
    assert [p.message for p in failed.value.problems] == [
        "Scenario '30, bad pain, nothing else' gets 'book' (Book) but expects 'self-care' (Look after yourself)."]
    assert snapshot(out) == before


def test_a_scenarios_file_without_its_quiz_is_reported(tmp_path):
    with pytest.raises(BuildFailed) as failed:
        build_site(tmp_path, {"quiz/renamed.scenarios.yml": GOOD})
    assert [str(p) for p in failed.value.problems] == [
        "content/quiz/renamed.scenarios.yml: There is no quiz 'renamed.yml' for these scenarios. "
        "Hint: Rename the file to match its quiz: <quiz name>.scenarios.yml."]
