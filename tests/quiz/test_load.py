"""The quiz loader: every problem reported, with file:line, in words pinned here."""
from __future__ import annotations

import pytest

from signpost.quiz.model import AnswerIs, FlagRaised
from tests.quiz.helpers import CLINIC_QUIZ, load_file, load_text, messages

BASE = """\
title: Test quiz
reviewed: 2026-11-01
next_review: 2027-11-01
flags: [care]
scores:
  - id: total
    label: Total
questions:
  - id: red
    question: Any of these?
    choose: many
    options:
      - {id: numb, label: Numbness, flags: [emergency]}
      - {id: fever, label: Fever, flags: [urgent]}
      - {id: not-sure, label: Not sure, not_sure: true}
      - {id: none, label: None of these, exclusive: true}
  - id: pain
    question: How bad?
    scores: [total]
    options:
      - {id: mild, label: Mild, value: 0}
      - {id: bad, label: Bad, value: 2, flags: [care]}
rules:
  - when: {flag: emergency}
    outcome: emergency
  - when: {flag: urgent}
    outcome: urgent
  - when: {score: total, at_least: 2}
    outcome: book
  - otherwise: self-care
outcomes:
  - {id: emergency, urgency: emergency, title: Call 999}
  - {id: urgent, urgency: urgent, title: Urgent GP}
  - {id: book, urgency: non-urgent, title: Book, tips: [rest]}
  - {id: self-care, urgency: self-care, title: Look after yourself}
"""

CASES = [
    ('unknown_top_key', lambda: BASE.replace("title: Test quiz", "titel: Test quiz"),
     ["content/quiz/test.yml:1: Unknown key 'titel' in the quiz. Hint: Did you mean 'title'?", "content/quiz/test.yml:1: 'title' is missing. Hint: Add a line 'title: …'."]),
    ('dup_question', lambda: BASE.replace("id: pain", "id: red"),
     ["content/quiz/test.yml:17: The question id 'red' is used twice (first on line 9). Hint: Give each one its own id."]),
    ('dup_option', lambda: BASE.replace("{id: fever,", "{id: numb,"),
     ["content/quiz/test.yml:14: The option id 'numb' is used twice in question 'red' (first on line 13). Hint: Give each one its own id."]),
    ('dup_outcome', lambda: BASE.replace("{id: urgent, urgency", "{id: book, urgency"),
     ["content/quiz/test.yml:34: The outcome id 'book' is used twice (first on line 33). Hint: Give each one its own id.", "content/quiz/test.yml:27: Unknown outcome 'urgent'. Hint: Use the 'id' of one of the outcomes."]),
    ('unknown_outcome', lambda: BASE.replace("outcome: book", "outcome: bok"),
     ["content/quiz/test.yml:29: Unknown outcome 'bok'. Hint: Did you mean 'book'?", "content/quiz/test.yml:34: Outcome 'book' is not used by any rule. Hint: Add a rule that leads to it, or remove it."]),
    ('unknown_question', lambda: BASE.replace("{score: total, at_least: 2}", "{question: pian, is: bad}"),
     ["content/quiz/test.yml:28: Unknown question 'pian' in a rule. Hint: Did you mean 'pain'?"]),
    ('unknown_option', lambda: BASE.replace("{score: total, at_least: 2}", "{question: pain, is: badd}"),
     ["content/quiz/test.yml:28: Question 'pain' has no option 'badd'. Hint: Did you mean 'bad'?"]),
    ('unknown_flag', lambda: BASE.replace("{flag: urgent}", "{flag: urgnet}"),
     ["content/quiz/test.yml:26: Unknown flag 'urgnet' in a rule. Hint: Did you mean 'urgent'?"]),
    ('unknown_score', lambda: BASE.replace("{score: total, at_least: 2}", "{score: totl, at_least: 2}"),
     ["content/quiz/test.yml:28: Unknown score 'totl' in a rule. Hint: Did you mean 'total'?"]),
    ('no_value', lambda: BASE.replace("{id: mild, label: Mild, value: 0}", "{id: mild, label: Mild}"),
     ["content/quiz/test.yml:21: Option 'mild' in question 'pain' has no 'value', but the question counts towards a score. Hint: Add 'value: 0' or the number this answer adds."]),
    ('value_yes', lambda: BASE.replace("{id: mild, label: Mild, value: 0}", "{id: mild, label: Mild, value: yes}"),
     ["content/quiz/test.yml:21: 'value' must be a whole number, got 'yes'. Hint: An answer adds a number to a score: write 1 for yes and 0 for no.", "content/quiz/test.yml:21: Option 'mild' in question 'pain' has no 'value', but the question counts towards a score. Hint: Add 'value: 0' or the number this answer adds."]),
    ('threshold', lambda: BASE.replace("at_least: 2}", "at_least: 5}"),
     ["content/quiz/test.yml:28: at_least: 5 is outside the possible range of score 'total' (0 to 2). Hint: Check the number against the values of the score's options."]),
    ('after_catch_all', lambda: BASE.replace("  - otherwise: self-care\n", "  - otherwise: self-care\n  - when: {flag: care}\n    outcome: book\n"),
     ["content/quiz/test.yml:31: This rule comes after the catch-all on line 30, so it can never be used. Hint: Move the 'otherwise' rule to the end."]),
    ('no_catch_all', lambda: BASE.replace("  - otherwise: self-care\n", "  - when: {flag: care}\n    outcome: self-care\n"),
     ["content/quiz/test.yml:23: The last rule must be a catch-all ('- otherwise: outcome-id'). Hint: Add it so that every set of answers has a result."]),
    ('unknown_tip', lambda: BASE.replace("tips: [rest]", "tips: [warmup]"),
     ["content/quiz/test.yml:34: Outcome 'book' links to tip 'warmup', which does not exist. Hint: Did you mean 'warm-up'?"]),
    ('required_yes', lambda: BASE.replace("    choose: many\n", "    choose: many\n    required: yes\n"),
     ["content/quiz/test.yml:12: 'required' must be true or false, got 'yes'. Hint: Write true or false."]),
    ('is_bool', lambda: BASE.replace("{score: total, at_least: 2}", "{question: pain, is: true}"),
     ["content/quiz/test.yml:28: 'is' must name one or more options of question 'pain', got 'true'. Hint: Put the option id in quotes: YAML reads true/false as a yes/no switch."]),
    ('red_optional', lambda: BASE.replace("    choose: many\n", "    choose: many\n    required: false\n"),
     ["content/quiz/test.yml:9: Question 'red' has emergency options, so it must be required. Hint: Remove 'required: false': a blank answer never counts as 'no'."]),
    ('red_late', lambda: BASE.replace("  - id: red\n", "  - id: first\n    question: First?\n    options:\n      - {id: a, label: A}\n      - {id: b, label: B}\n  - id: red\n"),
     ["content/quiz/test.yml:14: Question 'red' has emergency options, so it must come before question 'first' (line 9), which has none. Hint: Put the red-flag questions first."]),
    ('show_if_later', lambda: BASE.replace("    scores: [total]\n", "    scores: [total]\n    show_if: {question: pain, is: bad}\n"),
     ["content/quiz/test.yml:20: 'show_if' can only use questions asked earlier, but 'pain' comes later (line 17). Hint: Move this question after the one it depends on."]),
    ('two_kinds', lambda: BASE.replace("{flag: urgent}", "{flag: urgent, score: total}"),
     ["content/quiz/test.yml:26: A condition has both 'flag' and 'score'. Hint: Write one test per condition and combine them with 'all:' or 'any:'."]),
    ('bad_urgency', lambda: BASE.replace("urgency: urgent, title", "urgency: soon, title"),
     ["content/quiz/test.yml:33: 'urgency' must be one of emergency, urgent, non-urgent, self-care; got 'soon'."]),
    ('bad_id', lambda: BASE.replace("id: pain", "id: Pain Level"),
     ["content/quiz/test.yml:17: The question id 'Pain Level' must use only lowercase letters, digits and hyphens. Hint: Write it as 'pain-level'."]),
    ('emergency_tips', lambda: BASE.replace("{id: emergency, urgency: emergency, title: Call 999}", "{id: emergency, urgency: emergency, title: Call 999, tips: [rest]}"),
     ["content/quiz/test.yml:32: Outcome 'emergency' is an emergency, so it must not show tips, scores or the booking link. Hint: An emergency result only says: call 999 or go to A&E."]),
    ('urgent_booking', lambda: BASE.replace("title: Urgent GP}", "title: Urgent GP, booking: true}"),
     ["content/quiz/test.yml:33: Outcome 'urgent' is urgent, so it must not show the booking link. Hint: An urgent result only says: see a GP today or call 111."]),
    ('urgent_booking_secondary', lambda: BASE.replace("title: Urgent GP}", "title: Urgent GP, booking: secondary}"),
     ["content/quiz/test.yml:33: Outcome 'urgent' is urgent, so it must not show the booking link. Hint: An urgent result only says: see a GP today or call 111."]),
    ('emergency_booking_secondary', lambda: BASE.replace("title: Call 999}", "title: Call 999, booking: secondary}"),
     ["content/quiz/test.yml:32: Outcome 'emergency' is an emergency, so it must not show tips, scores or the booking link. Hint: An emergency result only says: call 999 or go to A&E."]),
    ('booking_word', lambda: BASE.replace("tips: [rest]}", "tips: [rest], booking: later}"),
     ["content/quiz/test.yml:34: 'booking' must be true, false or secondary, got 'later'. Hint: Write true for the booking button, or secondary for a plain link after the next steps (when the main action is someone else's, such as a GP)."]),
    ('short_bool', lambda: BASE.replace("{id: numb, label: Numbness,", "{id: numb, label: Numbness, short: false,"),
     ["content/quiz/test.yml:13: 'short' must be text, got false. Hint: Put the value in quotes."]),
    ('unused_outcome', lambda: BASE.replace("  - {id: self-care,", "  - {id: spare, urgency: self-care, title: Spare}\n  - {id: self-care,"),
     ["content/quiz/test.yml:35: Outcome 'spare' is not used by any rule. Hint: Add a rule that leads to it, or remove it."]),
    ('not_sure_no_red', lambda: BASE.replace("{id: numb, label: Numbness, flags: [emergency]}", "{id: numb, label: Numbness}").replace("{id: fever, label: Fever, flags: [urgent]}", "{id: fever, label: Fever}"),
     ["content/quiz/test.yml:15: Option 'not-sure' is marked not_sure, but question 'red' has no emergency or urgent options for it to count as. Hint: Remove 'not_sure: true', or add the flags it should raise."]),
    ('exclusive_one', lambda: BASE.replace("{id: mild, label: Mild, value: 0}", "{id: mild, label: Mild, value: 0, exclusive: true}"),
     ["content/quiz/test.yml:21: Option 'mild' is exclusive, but question 'pain' takes one answer anyway. Hint: Remove 'exclusive: true'."]),
    ('label_bool', lambda: BASE.replace("{id: mild, label: Mild, value: 0}", "{id: mild, label: false, value: 0}"),
     ["content/quiz/test.yml:21: 'label' must be text, got false. Hint: Put the value in quotes."]),
    ('yaml_error', lambda: BASE.replace("    question: How bad?", "    question: How bad: really?"),
     ["content/quiz/test.yml:18: This YAML could not be read: mapping values are not allowed here. Hint: A value that contains ': ' needs quotes around it."]),
    ('tab', lambda: BASE.replace("  - id: pain", "\t- id: pain"),
     ["content/quiz/test.yml:17: This YAML could not be read: found character '\\t' that cannot start any token. Hint: Indent with spaces, not tabs."]),
]


def test_base_quiz_loads_without_problems():
    quiz, problems = load_text(BASE)
    assert problems == [] and quiz is not None
    assert [q.id for q in quiz.questions] == ["red", "pain"]


@pytest.mark.parametrize("name, make, expected", CASES, ids=[c[0] for c in CASES])
def test_problem_wording(name, make, expected):
    quiz, problems = load_text(make())
    assert quiz is None
    assert messages(problems) == expected


def test_every_problem_is_reported_at_once():
    text = (BASE.replace("title: Test quiz", "titel: Test quiz").replace("outcome: book", "outcome: bok")
            .replace("tips: [rest]", "tips: [warmup]").replace("at_least: 2}", "at_least: 5}"))
    quiz, problems = load_text(text)
    lines = sorted(p.line for p in problems)
    assert quiz is None and lines == [1, 1, 28, 29, 34, 34]


def test_booking_and_short_wording_are_read():
    quiz, problems = load_text(BASE.replace("tips: [rest]}", "tips: [rest], booking: secondary}")
                               .replace("title: Look after yourself}", "title: Look after yourself, booking: true}")
                               .replace("{id: numb, label: Numbness,", "{id: numb, label: Numbness, short: numb skin,"))
    assert problems == []
    assert [o.booking for o in quiz.outcomes] == ["", "", "secondary", "main"]
    assert [o.listed_as for o in quiz.question("red").options[:2]] == ["numb skin", "Fever"]


def test_not_sure_raises_the_red_flags_of_its_question():
    quiz, _ = load_text(BASE)
    not_sure = quiz.question("red").option("not-sure")
    assert not_sure.flags == () and not_sure.raises == ("emergency", "urgent")


def test_yes_and_no_stay_words_in_the_clinic_quiz():
    quiz = load_file(CLINIC_QUIZ)
    assert [o.id for o in quiz.question("runs").options] == ["yes", "no"]
    assert quiz.question("running-worse").show_if == AnswerIs("runs", ("yes",), quiz.question("running-worse").show_if.line)
    assert isinstance(quiz.rules[0].when, FlagRaised)


def test_clinic_quiz_follows_the_clinical_brief():
    quiz = load_file(CLINIC_QUIZ)
    assert [r.outcome for r in quiz.rules] == ["call-999", "urgent-help", "see-gp", "book", "self-care"]
    assert [quiz.outcome(r.outcome).urgency for r in quiz.rules] == [
        "emergency", "urgent", "non-urgent", "non-urgent", "self-care"]
    red = quiz.questions[:2]
    assert all(q.required and q.many and q.show_if is None for q in red)
    assert all(q.options[-1].exclusive and q.options[-2].not_sure for q in red)
    assert quiz.reviewed and quiz.next_review > quiz.reviewed and quiz.sources


def test_reverse_scoring_mirrors_the_values():
    quiz, problems = load_text(BASE.replace("    scores: [total]\n", "    scores: [total]\n    reverse: true\n")
                               .replace("at_least: 2}", "at_least: 1}"))
    assert problems == []
    assert [o.points for o in quiz.question("pain").options] == [2, 0]


def test_a_lone_file_can_skip_the_tip_check():
    from signpost.quiz.load import load_quiz
    quiz, problems = load_quiz(BASE.replace("tips: [rest]", "tips: [anything]"), "x.yml", None)
    assert quiz is not None and problems == []
    assert quiz.slug == "x"


def test_a_score_without_an_id_is_reported_not_a_crash():
    # Found by tests/test_fuzz.py: an empty score id used to crash the "did you mean" for unknown scores.
    quiz, problems = load_text(BASE.replace("  - id: total\n", "  - id:\n").replace("scores: [total]", "scores: [totl]"))
    assert quiz is None
    assert "content/quiz/test.yml:19: Unknown score 'totl' in question 'pain'. " \
        "Hint: Declare it under 'scores:' at the top." in messages(problems)


def test_html_in_quiz_markdown_is_cleaned_with_a_warning():
    text = BASE.replace("title: Test quiz", "title: Test quiz\nintro: \"<img src=x onerror=alert(1)> "
                        "[Go](javascript:alert(2)) <script>alert(3)</script>\"")
    quiz, problems = load_text(text)
    assert messages(problems) == [
        "content/quiz/test.yml:2: warning: Some HTML was removed because it isn't allowed here: <script>, "
        "a 'javascript:' link, the onerror attribute. Hint: Write the content in Markdown instead of HTML."]
    assert "onerror" not in quiz.intro_html and "javascript:" not in quiz.intro_html
    assert "<script>" not in quiz.intro_html


def test_an_empty_quiz_file_is_a_problem_not_silently_dropped():
    # Found by tests/test_robustness_nasty.py: the quiz used to vanish from the site without a word.
    assert messages(load_text("# to do\n")[1]) == [
        "content/quiz/test.yml:1: The quiz file is empty. "
        "Hint: Start with 'title: …', then 'questions:', 'rules:' and 'outcomes:'."]
