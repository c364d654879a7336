"""`python build.py quiz FILE --answers …`: results, JSON for tools, and clear errors (never a traceback)."""
from __future__ import annotations

import json
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
    assert result["outcome"] == "moderate"
    assert result["scores"]["odi"] == {"total": 18, "answered": 9, "answered_max": 45, "counted": True,
                                       "percent": 40.0}


def test_answers_json_and_answers_combine(capsys):
    status, out, _ = run(capsys, QUIZ, "--answers", CALM.replace(",worry=no", ""),
                         "--answers-json", '{"worry": "a-lot"}', "--json")
    assert status == 0 and json.loads(out)["reasons"] == [["worry", "a-lot"]]


def test_text_scores_say_when_a_score_does_not_count(capsys):
    status, out, _ = run(capsys, str(FIXTURES / "oswestry-like.yml"), "--answers", "section-1=level-5")
    assert status == 0
    assert "Score odi: 100.0% from 1 answered question(s) (does not count: needs 8 answered)" in out


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
    assert status == 1 and err == "error: cannot read content/quiz/nope.yml: No such file or directory\n"


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
