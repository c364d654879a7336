"""`python build.py quiz FILE --answers "q=a,q=a+b"`: try answers on a quiz from the command line.

Prints the scores, the flags raised and the outcome the reference scorer gives, or every
problem with the answers (unknown ids, a missing required answer, an answer to a question
that branching hides). Exit status 0 on success, 1 on any error; never a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..content import MarkdownRenderer
from ..sources import read_text_file
from .analyse import prove_quiz
from .load import load_quiz
from .score import AnswerError, Result, ScoreValue, score_answers


class UsageError(Exception):
    """The command line itself is wrong."""


class QuietParser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting."""

    def error(self, message):
        raise UsageError(message)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """FILE, --answers, --answers-json, --json, --prove."""
    parser = QuietParser(prog="build.py quiz", description="Try answers on a quiz and see the result.")
    parser.add_argument("file", type=Path, help="the quiz, e.g. content/quiz/should-i-see-someone.yml")
    parser.add_argument("--answers", default="", help='e.g. "emergency-signs=none,urgent-signs=weight+rest-night"')
    parser.add_argument("--answers-json", default="", help='e.g. \'{"age": ["20-to-49"]}\'')
    parser.add_argument("--json", action="store_true", help="print the result as JSON, for tools")
    parser.add_argument("--prove", action="store_true", help="also run the build's proofs and print their summary")
    return parser.parse_args(argv)


def parse_answers(text: str) -> dict[str, list[str]]:
    """'q=a,q2=b+c' → {'q': ['a'], 'q2': ['b', 'c']}; 'q=' means skipped."""
    answers: dict[str, list[str]] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        if "=" not in part:
            raise UsageError(f"'{part}' should look like question=option (or question=option+option)")
        qid, _, options = part.partition("=")
        if qid.strip() in answers:
            raise UsageError(f"question '{qid.strip()}' is answered twice")
        answers[qid.strip()] = [o.strip() for o in options.split("+") if o.strip()]
    return answers


def parse_answers_json(text: str) -> dict[str, list[str]]:
    """'{"q": ["a"], "q2": "b"}' → {'q': ['a'], 'q2': ['b']}."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(f"--answers-json is not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise UsageError('--answers-json must be an object like {"question": ["option"]}')
    answers = {}
    for qid, value in data.items():
        options = [value] if isinstance(value, str) else value
        if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
            raise UsageError(f"--answers-json: the answer to '{qid}' must be an option id or a list of them")
        answers[qid] = options
    return answers


def find_tip_slugs(quiz_file: Path) -> set[str] | None:
    """The tips beside the quiz's content folder (content/quiz/x.yml → content/tips/*.md), if there are any."""
    tips = quiz_file.resolve().parent.parent / "tips"
    return {p.stem for p in tips.glob("*.md")} if tips.is_dir() else None


def result_json(result: Result) -> dict:
    """The result as plain JSON."""
    return {
        "outcome": result.outcome,
        "urgency": result.urgency,
        "flags": list(result.flags),
        "scores": {sid: score_json(value) for sid, value in result.scores.items()},
        "reasons": [list(pair) for pair in result.reasons],
        "asked": list(result.asked),
        "stopped": result.stopped,
    }


def score_json(value: ScoreValue) -> dict:
    """One score, with each answered question's points after reverse scoring, so every step can be checked.

    'percent' is the percent as the result page shows it (the score's 'round'), or null when
    the score is not a percent or does not count.
    """
    return {"total": value.total, "answered": value.answered, "answered_max": value.answered_max,
            "counted": value.counted, "percent": value.rounded,
            "items": [{"question": item.question, "options": list(item.options), "value": item.value,
                       "points": item.points} for item in value.items]}


def result_text(quiz, result: Result) -> str:
    """The result for people."""
    outcome = quiz.outcome(result.outcome)
    lines = [f"Outcome: {outcome.id} ({outcome.urgency}): {outcome.title}"]
    if result.stopped and "emergency" in result.flags:
        lines.append("The quiz stopped at the emergency answer.")
    elif result.stopped:
        lines.append(f"The quiz ended after '{result.asked[-1]}': no later answer could change this result.")
    lines.append("Flags raised: " + (", ".join(result.flags) or "none"))
    for score in quiz.scores:
        value = result.scores[score.id]
        if value.counted:
            lines.append(f"Score {score.id}: {value.shown} from {value.answered} answered question(s)")
        else:
            lines.append(f"Score {score.id}: does not count ({value.answered} answered question(s), "
                         f"needs {max(score.min_answered, 1)})")
    lines.append("Because of: " + (", ".join(f"{q}={o}" for q, o in result.reasons) or "no particular answer"))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Run the command; 0 on success, 1 on any error."""
    try:
        args = parse_args(argv)
        answers = parse_answers(args.answers)
        for qid, options in (parse_answers_json(args.answers_json) if args.answers_json else {}).items():
            if qid in answers:
                raise UsageError(f"question '{qid}' is answered in both --answers and --answers-json")
            answers[qid] = options
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    text, problems = read_text_file(args.file, str(args.file))   # the build's reader: sized, UTF-8, never endless
    if text is None:
        for item in problems:
            print(item, file=sys.stderr)
        return 1
    quiz, problems = load_quiz(text, str(args.file), find_tip_slugs(args.file), MarkdownRenderer(None))
    for item in problems:
        print(item, file=sys.stderr)
    if quiz is None:
        return 1
    if args.prove:
        report, failures = prove_quiz(quiz, str(args.file))
        for item in failures:
            print(item, file=sys.stderr)
        print(report.summary, file=sys.stderr if args.json else sys.stdout)
        if failures:
            return 1
    try:
        result = score_answers(quiz, answers)
    except AnswerError as error:
        for message in error.messages:
            print(f"error: {message}", file=sys.stderr)
        return 1
    print(json.dumps(result_json(result), indent=2) if args.json else result_text(quiz, result))
    return 0
