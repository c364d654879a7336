"""`python build.py quiz FILE --answers …`: results, JSON for tools, and clear errors (never a traceback)."""
from __future__ import annotations

import json
import resource
import subprocess
import sys

import pytest

from signpost.quiz.cli import main
from tests.quiz.helpers import CLINIC_QUIZ, FIXTURES, ROOT

QUIZ = str(CLINIC_QUIZ)
CALM = ("emergency-signs=none,urgent-signs=none,gp-signs=none,age=20-to-49,how-long=under-a-week,runs=no,"
        "leg=no,bother=a-little,worry=no")


def run(capsys, *argv):
    """Run the command in-process: (exit status, stdout, stderr)."""
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_prints_the_outcome_flags_and_reasons(capsys):
    status, out, err = run(capsys, QUIZ, "--answers", CALM.replace(",bother=a-little,worry=no", ",bother=very-much"))
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        "Outcome: book (non-urgent): Book an assessment with Life Effect",
        "The quiz ended after 'bother': no later answer could change this result.",
        "Flags raised: care",
        "Because of: bother=very-much",
    ]


def test_an_emergency_answer_stops_the_quiz(capsys):
    status, out, _ = run(capsys, QUIZ, "--answers", "emergency-signs=numb-saddle+chest")
    assert status == 0
    assert out.splitlines()[:2] == ["Outcome: call-999 (emergency): Call 999 or go to A&E now",
                                    "The quiz stopped at the emergency answer."]


def test_json_for_tools_with_scores(capsys):
    answers = ",".join(f"section-{i}=level-2" for i in range(1, 10))
    status, out, _ = run(capsys, str(FIXTURES / "oswestry-like.yml"), "--answers", answers, "--json")
    assert status == 0
    result = json.loads(out)
    assert list(result) == ["outcome", "urgency", "flags", "scores", "reasons", "asked", "stopped"]
    assert result["outcome"] == "moderate"
    assert result["scores"]["odi"] == {
        "total": 18, "answered": 9, "answered_max": 45, "counted": True, "percent": 40,
        "items": [{"question": f"section-{i}", "options": ["level-2"], "value": 2, "points": 2} for i in range(1, 10)]}


def test_json_percent_is_rounded_half_up_as_the_page_shows_it(capsys, tmp_path):
    answers = "section-1=level-3," + ",".join(f"section-{i}=level-2" for i in range(2, 9))   # 17 / 40 = 42.5%
    quiz = FIXTURES / "oswestry-like.yml"
    one_decimal = tmp_path / "quiz" / "one-decimal.yml"
    one_decimal.parent.mkdir()
    one_decimal.write_text(quiz.read_text().replace("    round: 0\n", "    round: 1\n"))
    whole = json.loads(run(capsys, str(quiz), "--answers", answers, "--json")[1])["scores"]["odi"]
    tenths = json.loads(run(capsys, str(one_decimal), "--answers", answers, "--json")[1])["scores"]["odi"]
    assert (whole["percent"], tenths["percent"]) == (43, 42.5)
    assert run(capsys, str(quiz), "--answers", answers)[1].splitlines()[2] == "Score odi: 43% from 8 answered question(s)"


@pytest.mark.parametrize("answers", ["section-1=level-5", ""], ids=["one-section", "none"])
def test_json_percent_is_null_when_the_score_does_not_count(capsys, answers):
    status, out, _ = run(capsys, str(FIXTURES / "oswestry-like.yml"), "--answers", answers, "--json")
    result = json.loads(out)
    assert (status, result["outcome"], result["urgency"], result["reasons"]) == (0, "too-few-answers", "neutral", [])
    odi = result["scores"]["odi"]
    assert (odi["counted"], odi["percent"]) == (False, None)
    assert odi["items"] == ([{"question": "section-1", "options": ["level-5"], "value": 5, "points": 5}]
                            if answers else [])


def test_json_items_show_reverse_scoring_step_by_step(capsys):
    items = ["duration", "intensity", "tense", "low-mood", "work-chance", "persist", "stop-when-worse",
             "no-normal-work", "light-work", "sleep"]
    answers = ",".join(f"{item}={n}" for n, item in enumerate(items))
    status, out, _ = run(capsys, str(FIXTURES / "orebro-like.yml"), "--answers", answers, "--json")
    risk = json.loads(out)["scores"]["risk"]
    assert status == 0
    assert [(i["question"], i["options"], i["value"], i["points"]) for i in risk["items"]] == [
        ("duration", ["0"], 0, 0), ("intensity", ["1"], 1, 1), ("tense", ["2"], 2, 2), ("low-mood", ["3"], 3, 3),
        ("work-chance", ["4"], 4, 6), ("persist", ["5"], 5, 5), ("stop-when-worse", ["6"], 6, 6),
        ("no-normal-work", ["7"], 7, 7), ("light-work", ["8"], 8, 2), ("sleep", ["9"], 9, 1)]
    assert (risk["total"], risk["percent"]) == (33, None)      # a plain score has no percent


def test_json_items_of_a_checklist_add_up_the_ticked_options(capsys, tmp_path):
    quiz = tmp_path / "quiz" / "checklist.yml"
    quiz.parent.mkdir()
    quiz.write_text(CHECKLIST)
    status, out, err = run(capsys, str(quiz), "--answers", "signs=a+c", "--json")
    assert (status, err) == (0, "")
    assert json.loads(out)["scores"]["count"]["items"] == [
        {"question": "signs", "options": ["a", "c"], "value": 4, "points": 4}]


CHECKLIST = """\
title: Checklist
reviewed: 2026-11-01
next_review: 2027-11-01
scores:
  - {id: count, label: Count}
questions:
  - id: signs
    question: Which of these?
    choose: many
    scores: [count]
    options:
      - {id: a, label: A, value: 1}
      - {id: b, label: B, value: 2}
      - {id: c, label: C, value: 3}
      - {id: none, label: None of these, value: 0, exclusive: true}
rules:
  - when: {score: count, at_least: 3}
    outcome: many
  - otherwise: few
outcomes:
  - {id: many, urgency: non-urgent, title: Many}
  - {id: few, urgency: self-care, title: Few}
"""


def test_answers_json_and_answers_combine(capsys):
    status, out, _ = run(capsys, QUIZ, "--answers", CALM.replace(",worry=no", ""),
                         "--answers-json", '{"worry": "a-lot"}', "--json")
    assert status == 0 and json.loads(out)["reasons"] == [["worry", "a-lot"]]


def test_text_scores_say_when_a_score_does_not_count(capsys):
    status, out, _ = run(capsys, str(FIXTURES / "oswestry-like.yml"), "--answers", "section-1=level-5")
    assert status == 0
    assert out.splitlines() == ["Outcome: too-few-answers (neutral): Not enough sections answered to score",
                                "Flags raised: none",
                                "Score odi: does not count (1 answered question(s), needs 8)",
                                "Because of: no particular answer"]


@pytest.mark.parametrize("argv, error", [
    (["--answers", CALM + ",running-worse=yes"],
     "error: Question 'running-worse' is hidden by its show_if with these answers, so it cannot be answered.\n"),
    (["--answers", CALM.replace("age=20-to-49,", "")], "error: Question 'age' needs an answer.\n"),
    (["--answers", CALM + ",agee=20-to-49"], "error: Unknown question 'agee'. Did you mean 'age'?\n"),
    (["--answers", CALM.replace("leg=no", "leg=nope")], "error: Question 'leg' has no option 'nope'. Did you mean 'no'?\n"),
    (["--answers", "age"], "error: 'age' should look like question=option (or question=option+option)\n"),
    (["--answers", "age=20-to-49,age=under-16"], "error: question 'age' is answered twice\n"),
    (["--answers-json", "{not json"], "error: --answers-json is not valid JSON: Expecting property name enclosed "
                                      "in double quotes: line 1 column 2 (char 1)\n"),
    (["--answers-json", '{"age": 3}'], "error: --answers-json: the answer to 'age' must be an option id or a list of them\n"),
    (["--answers", "age=20-to-49", "--answers-json", '{"age": "under-16"}'],
     "error: question 'age' is answered in both --answers and --answers-json\n"),
    (["--bogus"], "error: unrecognized arguments: --bogus\n"),
])
def test_clear_errors_and_exit_status_1(capsys, argv, error):
    status, out, err = run(capsys, QUIZ, *argv)
    assert (status, out, err) == (1, "", error)


def test_a_missing_file_is_an_error_not_a_traceback(capsys):
    status, _, err = run(capsys, "content/quiz/nope.yml")
    assert status == 1 and err == "content/quiz/nope.yml: This file could not be read: No such file or directory.\n"


def test_a_file_that_never_ends_is_refused_not_read_forever():
    # Adversarial review, item 12: /dev/zero was read until memory ran out, then a traceback. Run
    # in a process held to 1 GB, so that if it ever comes back it fails here instead of filling the machine.
    def one_gigabyte() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 ** 30, 2 ** 30))

    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "quiz", "/dev/zero"], capture_output=True,
                          text=True, timeout=60, preexec_fn=one_gigabyte)
    assert done.returncode == 1 and done.stderr == (
        "/dev/zero: This file is more than 100 KB, too big for a text file (the limit is 100 KB). "
        "Hint: Check nothing was pasted in by mistake; pictures go in content/images/.\n")


def test_a_broken_quiz_prints_its_problems(capsys, tmp_path):
    broken = tmp_path / "quiz" / "broken.yml"
    broken.parent.mkdir()
    broken.write_text(CLINIC_QUIZ.read_text().replace("outcome: book", "outcome: bok"))
    status, _, err = run(capsys, str(broken), "--answers", CALM)
    assert status == 1
    line = CLINIC_QUIZ.read_text().splitlines().index("    outcome: book") + 1
    assert err.splitlines()[0] == f"{broken}:{line}: Unknown outcome 'bok'. Hint: Did you mean 'book'?"


def test_prove_prints_the_proof_summary(capsys):
    status, out, _ = run(capsys, QUIZ, "--prove", "--answers", CALM)
    assert status == 0 and out.startswith("proved 4,832 answer combinations")


def test_through_build_py(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "quiz", QUIZ, "--answers", CALM, "--json"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outcome"] == "self-care"
    failed = subprocess.run([sys.executable, str(ROOT / "build.py"), "quiz", QUIZ, "--answers", "age=x"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert failed.stderr.startswith("error: Question 'emergency-signs' needs an answer.")
