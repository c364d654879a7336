"""Shared helpers for the quiz tests: load fixtures, list answer sets, run quiz.js under node."""
from __future__ import annotations

import functools
import json
import random
import subprocess
import tempfile
from pathlib import Path

from signpost.quiz.analyse import possible_answers
from signpost.render import minify_script
from signpost.content import MarkdownRenderer
from signpost.quiz.load import load_quiz
from signpost.quiz.score import AnswerError, Facts, evaluate, raised_by, score_answers, walk_answers

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CLINIC_QUIZ = ROOT / "content" / "quiz" / "should-i-see-someone.yml"
TIP_SLUGS = {p.stem for p in (ROOT / "content" / "tips").glob("*.md")}
AGREE_JS = Path(__file__).resolve().parent / "agree.js"


def load_text(text: str, path: str = "content/quiz/test.yml", tips=frozenset({"warm-up", "rest"})):
    """Load quiz YAML text; returns (quiz or None, problems)."""
    return load_quiz(text, path, set(tips), MarkdownRenderer(None))


def load_file(path: Path, tips=None):
    """Load a quiz file that must be valid."""
    display = path.relative_to(ROOT).as_posix()
    quiz, problems = load_quiz(path.read_text(encoding="utf-8"), display, TIP_SLUGS if tips is None else tips,
                               MarkdownRenderer(None))
    errors = [str(p) for p in problems if p.severity == "error"]
    assert quiz is not None and not errors, "\n".join(errors)
    return quiz


def fixture(name: str):
    """One of tests/quiz/fixtures/*.yml, loaded."""
    return load_file(FIXTURES / name, tips=set())


def messages(problems) -> list[str]:
    """Problems as the build prints them."""
    return [str(p) for p in problems]


def shown_now(quiz, question, answers) -> bool:
    """Whether `question` is asked given the answers to the questions before it."""
    if question.show_if is None:
        return True
    flags = set()
    for earlier in quiz.questions[:quiz.questions.index(question)]:
        flags |= raised_by(earlier, answers.get(earlier.id, []))
    chosen = {qid: frozenset(ids) for qid, ids in answers.items()}
    return evaluate(question.show_if, Facts(frozenset(flags), chosen))


def stopped(quiz, answers) -> bool:
    """Whether the answers given so far end the quiz: an emergency answer, or a settled result."""
    return walk_answers(quiz, answers)[4]


def every_answer_set(quiz):
    """Every valid way to fill in the quiz, by brute force (only for small quizzes)."""
    def walk(index, answers):
        if index == len(quiz.questions) or stopped(quiz, answers):
            yield {k: list(v) for k, v in answers.items() if v}
            return
        question = quiz.questions[index]
        if not shown_now(quiz, question, answers):
            yield from walk(index + 1, answers)
            return
        for answer in possible_answers(question):
            yield from walk(index + 1, {**answers, question.id: answer})
    yield from walk(0, {})


@functools.cache
def answers_of(question) -> list:
    """possible_answers, listed once per question."""
    return possible_answers(question)


def random_answer_set(quiz, rng: random.Random) -> dict:
    """One valid answer set, each shown question answered uniformly at random, up to where the quiz ends."""
    answers = {}
    for question in quiz.questions:
        if question.show_if is None or shown_now(quiz, question, answers):
            answers[question.id] = list(rng.choice(answers_of(question)))
            if stopped(quiz, {k: v for k, v in answers.items() if v}):
                break
    return {k: v for k, v in answers.items() if v}


def up_to_the_end(quiz, answers: dict) -> dict:
    """The answers a person gives before the quiz ends (it may end before the last question)."""
    given = {}
    for question in quiz.questions:
        if question.id in answers:
            given[question.id] = answers[question.id]
            if stopped(quiz, given):
                break
    return given


def python_result(quiz, answers) -> dict:
    """The reference scorer's result in the shape quiz.js returns."""
    try:
        result = score_answers(quiz, answers)
    except AnswerError:
        return {"error": True}
    return {
        "outcome": result.outcome, "urgency": result.urgency, "flags": list(result.flags),
        "scores": {k: [v.total, v.answered, v.answered_max, v.counted, v.shown] for k, v in result.scores.items()},
        "reasons": [list(r) for r in result.reasons], "asked": list(result.asked), "stopped": result.stopped,
    }


@functools.cache
def shipped_quiz_js() -> Path:
    """quiz.js minified exactly as the build ships it, in a temporary file: the tests run what readers get."""
    folder = Path(tempfile.mkdtemp(prefix="quiz-js-"))
    (folder / "quiz.min.js").write_bytes(minify_script((ROOT / "assets" / "js" / "quiz.js").read_bytes()))
    return folder / "quiz.min.js"


def node_results(data: dict, answer_sets: list[dict]) -> list[dict]:
    """quiz.js's results for a batch of answer sets, in one node run, normalised like python_result."""
    run = subprocess.run(["node", str(AGREE_JS), str(shipped_quiz_js())],
                         input=json.dumps({"quiz": data, "answer_sets": answer_sets}),
                         capture_output=True, text=True, timeout=120, check=True)
    normalised = []
    for result in json.loads(run.stdout):
        if result["errors"]:
            normalised.append({"error": True})
            continue
        normalised.append({
            "outcome": result["outcome"], "urgency": result["urgency"], "flags": result["flags"],
            "scores": {k: [v["total"], v["answered"], v["answered_max"], v["counted"], v["shown"]]
                       for k, v in result["scores"].items()},
            "reasons": result["reasons"], "asked": result["asked"], "stopped": result["stopped"],
        })
    return normalised
