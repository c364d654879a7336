"""The quiz loader: every problem reported, with file:line, in words pinned here."""
from __future__ import annotations

import pytest

from signpost.quiz.model import AnswerIs, FlagRaised, ScoreBetween, ScoreCounts
from tests.quiz.helpers import CLINIC_QUIZ, FIXTURES, load_file, load_text, messages

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
     ["content/quiz/test.yml:33: 'urgency' must be one of emergency, urgent, non-urgent, self-care, neutral; got 'soon'."]),
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
     ["content/quiz/test.yml:15: Option 'not-sure' is marked not_sure, but question 'red' has no emergency, urgent or gp options for it to count as. Hint: Remove 'not_sure: true', or add the flags it should raise."]),
    ('exclusive_one', lambda: BASE.replace("{id: mild, label: Mild, value: 0}", "{id: mild, label: Mild, value: 0, exclusive: true}"),
     ["content/quiz/test.yml:21: Option 'mild' is exclusive, but question 'pain' takes one answer anyway. Hint: Remove 'exclusive: true'."]),
    ('label_bool', lambda: BASE.replace("{id: mild, label: Mild, value: 0}", "{id: mild, label: false, value: 0}"),
     ["content/quiz/test.yml:21: 'label' must be text, got false. Hint: Put the value in quotes."]),
    ('yaml_error', lambda: BASE.replace("    question: How bad?", "    question: How bad: really?"),
     ["content/quiz/test.yml:18: This YAML could not be read: mapping values are not allowed here. Hint: A value that contains ': ' needs quotes around it."]),
    ('tab', lambda: BASE.replace("  - id: pain", "\t- id: pain"),
     ["content/quiz/test.yml:17: This YAML could not be read: found character '\\t' that cannot start any token. Hint: Indent with spaces, not tabs."]),
]


def score_rule(condition: str, score: str = "") -> str:
    """BASE with its score rule's condition replaced, and lines added to the score 'total' (line 7 on)."""
    return BASE.replace("{score: total, at_least: 2}", condition).replace("    label: Total\n", "    label: Total\n" + score)


PERCENT = "    percent: true\n"
# The score 'total' is 0 to 2 (a whole number); as a percent, 0% to 100%. Its rule is on line 28.
LIMIT_CASES = [
    ('no_limit', lambda: score_rule("{score: total}"),
     ["content/quiz/test.yml:28: A score condition needs 'at_least', 'at_most', 'above' or 'below', or 'counts'. Hint: For example: {score: total, at_least: 4}."]),
    ('two_lower_limits', lambda: score_rule("{score: total, at_least: 1, above: 0}"),
     ["content/quiz/test.yml:28: A score condition has both 'at_least' and 'above'. Hint: Keep one: 'at_least: n' includes n itself, 'above: n' does not."]),
    ('two_upper_limits', lambda: score_rule("{score: total, below: 2, at_most: 1}"),
     ["content/quiz/test.yml:28: A score condition has both 'at_most' and 'below'. Hint: Keep one: 'at_most: n' includes n itself, 'below: n' does not."]),
    ('above_the_highest', lambda: score_rule("{score: total, above: 2}"),
     ["content/quiz/test.yml:28: above: 2 is never true for score 'total': 2 is its highest possible value. Hint: Write 'at_least: 2' for exactly 2, or check the number."]),
    ('below_the_lowest', lambda: score_rule("{score: total, below: 0}"),
     ["content/quiz/test.yml:28: below: 0 is never true for score 'total': 0 is its lowest possible value. Hint: Write 'at_most: 0' for exactly 0, or check the number."]),
    ('above_100_percent', lambda: score_rule("{score: total, above: 100}", PERCENT),
     ["content/quiz/test.yml:29: above: 100 is never true for score 'total': 100% is its highest possible value. Hint: Write 'at_least: 100' for exactly 100%, or check the number."]),
    ('above_outside', lambda: score_rule("{score: total, above: 3}"),
     ["content/quiz/test.yml:28: above: 3 is outside the possible range of score 'total' (0 to 2). Hint: Check the number against the values of the score's options."]),
    ('below_outside_percent', lambda: score_rule("{score: total, below: 101}", PERCENT),
     ["content/quiz/test.yml:29: below: 101 is outside the possible range of score 'total' (0% to 100%). Hint: Check the number against the values of the score's options."]),
    ('no_whole_number_between', lambda: score_rule("{score: total, above: 1, below: 2}"),
     ["content/quiz/test.yml:28: No value of score 'total' is more than 1 and less than 2, so this condition is never true. Hint: Check the two numbers. Score 'total' is always a whole number."]),
    ('limits_the_wrong_way_round', lambda: score_rule("{score: total, at_least: 2, at_most: 1}"),
     ["content/quiz/test.yml:28: No value of score 'total' is at least 2 and at most 1, so this condition is never true. Hint: Check the two numbers. Score 'total' is always a whole number."]),
    ('no_percent_both_above_and_at_most', lambda: score_rule("{score: total, above: 50, at_most: 50}", PERCENT),
     ["content/quiz/test.yml:29: No value of score 'total' is more than 50% and at most 50%, so this condition is never true. Hint: Check the two numbers."]),
    ('counts_with_a_limit', lambda: score_rule("{score: total, counts: false, at_least: 1}", "    min_answered: 1\n"),
     ["content/quiz/test.yml:29: 'counts' is a test on its own, but this condition also has 'at_least'. Hint: Limits only ever match a score that counts. Write {score: total, counts: false} on its own, and join tests with 'all:' or 'any:'."]),
    ('counts_false_on_a_score_that_always_counts', lambda: score_rule("{score: total, counts: false}"),
     ["content/quiz/test.yml:28: Score 'total' always counts (it has no 'min_answered'), so 'counts: false' is never true. Hint: Add 'min_answered: n' to the score, or remove this test."]),
    ('counts_no', lambda: score_rule("{score: total, counts: no}", "    min_answered: 1\n"),
     ["content/quiz/test.yml:29: 'counts' must be true or false, got 'no'. Hint: Write true or false."]),
    ('round_a_plain_score', lambda: score_rule("{score: total, at_least: 2}", "    round: 0\n"),
     ["content/quiz/test.yml:8: Score 'total' is not a percent, so it has no decimals to round. Hint: Remove 'round', or add 'percent: true'."]),
    ('round_3', lambda: score_rule("{score: total, at_least: 2}", PERCENT + "    round: 3\n"),
     ["content/quiz/test.yml:9: 'round' must be 0, 1 or 2, got 3. Hint: Write 0 for whole numbers (43%) or 1 for one decimal (42.5%)."]),
    ('round_negative', lambda: score_rule("{score: total, at_least: 2}", PERCENT + "    round: -1\n"),
     ["content/quiz/test.yml:9: 'round' must be at least 0, got -1."]),
    ('round_half', lambda: score_rule("{score: total, at_least: 2}", PERCENT + "    round: 0.5\n"),
     ["content/quiz/test.yml:9: 'round' must be a whole number, got '0.5'."]),
]
CASES += LIMIT_CASES


def test_base_quiz_loads_without_problems():
    quiz, problems = load_text(BASE)
    assert problems == [] and quiz is not None
    assert [q.id for q in quiz.questions] == ["red", "pain"]


@pytest.mark.parametrize("name, make, expected", CASES, ids=[c[0] for c in CASES])
def test_problem_wording(name, make, expected):
    quiz, problems = load_text(make())
    assert quiz is None
    assert messages(problems) == expected


@pytest.mark.parametrize("condition, score, expected", [
    ("{score: total, above: 0, below: 2}", "", ScoreBetween("total", None, None, 28, above=0, below=2)),
    ("{score: total, above: 0, at_most: 1}", "", ScoreBetween("total", None, 1, 28, above=0)),
    ("{score: total, at_least: 1, below: 2}", "", ScoreBetween("total", 1, None, 28, below=2)),
    ("{score: total, at_least: 1, at_most: 1}", "", ScoreBetween("total", 1, 1, 28)),
    ("{score: total, above: 50, below: 51}", PERCENT, ScoreBetween("total", None, None, 29, above=50, below=51)),
    ("{score: total, at_least: 50, at_most: 50}", PERCENT, ScoreBetween("total", 50, 50, 29)),
    ("{score: total, above: 0}", PERCENT, ScoreBetween("total", None, None, 29, above=0)),
    ("{score: total, counts: false}", "    min_answered: 1\n", ScoreCounts("total", False, 29)),
    ("{score: total, counts: true}", PERCENT, ScoreCounts("total", True, 29)),
])
def test_score_limits_that_some_value_can_meet_load(condition, score, expected):
    quiz, problems = load_text(score_rule(condition, score))
    assert problems == []
    assert quiz.rules[2].when == expected


def test_counts_true_on_a_score_that_always_counts_is_a_warning():
    quiz, problems = load_text(score_rule("{score: total, counts: true}"))
    assert quiz is not None and quiz.rules[2].when == ScoreCounts("total", True, 28)
    assert messages(problems) == [
        "content/quiz/test.yml:28: warning: Score 'total' always counts (it has no 'min_answered'), so "
        "'counts: true' is always true. Hint: Remove this test."]


@pytest.mark.parametrize("score, decimals", [("", 1), (PERCENT, 1), (PERCENT + "    round: 0\n", 0),
                                             (PERCENT + "    round: 2\n", 2)])
def test_round_sets_the_decimals_of_a_percent(score, decimals):
    quiz, problems = load_text(score_rule("{score: total, at_least: 2}", score))
    assert problems == [] and quiz.score("total").decimals == decimals


def test_a_neutral_outcome_loads():
    quiz, problems = load_text(BASE.replace("{id: self-care, urgency: self-care", "{id: self-care, urgency: neutral"))
    assert problems == [] and quiz.outcome("self-care").urgency == "neutral"


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
    assert [r.outcome for r in quiz.rules] == ["call-999", "urgent-help", "midwife-or-gp", "see-gp", "book",
                                               "self-care"]
    assert [quiz.outcome(r.outcome).urgency for r in quiz.rules] == [
        "emergency", "urgent", "non-urgent", "non-urgent", "non-urgent", "self-care"]
    assert [o.id for o in quiz.question("age").options] == ["under-16", "16-to-19", "20-to-49", "50-to-64",
                                                              "65-or-over"]
    red_flags = [o for q in quiz.questions for o in q.options if {"emergency", "urgent"} & set(o.flags)]
    assert len(red_flags) == 8 + 11
    assert all(o.source and quiz.find_source(o.source.source) and o.source.list for o in red_flags)
    assert all(o.short for o in red_flags)
    red = quiz.questions[:2]
    assert all(q.required and q.many and q.show_if is None for q in red)
    assert all(q.options[-1].exclusive and q.options[-2].not_sure for q in red)
    assert quiz.reviewed and quiz.next_review > quiz.reviewed and quiz.sources


def test_reverse_scoring_mirrors_the_values():
    quiz, problems = load_text(BASE.replace("    scores: [total]\n", "    scores: [total]\n    reverse: true\n")
                               .replace("at_least: 2}", "at_least: 1}"))
    assert problems == []
    assert [o.points for o in quiz.question("pain").options] == [2, 0]


def test_a_checklist_without_none_of_these_loads_and_warns_only_when_it_must_be_answered():
    # A questionnaire's checklist needs no "none of these"; but a reader to whom nothing applies can't go on.
    quiz, problems = load_text((FIXTURES / "checklist.yml").read_text(encoding="utf-8"))
    assert quiz is not None and messages(problems) == [
        "content/quiz/test.yml:14: warning: Question 'surfaces' must be answered, but a reader to whom none of its "
        "options apply has nothing to tick. Hint: Add an answer such as 'None of these' with 'exclusive: true', "
        "or write 'required: false'."]   # not 'extras': it may be skipped


def test_a_lone_file_can_skip_the_tip_check():
    from signpost.content import MarkdownRenderer
    from signpost.quiz.load import load_quiz
    quiz, problems = load_quiz(BASE.replace("tips: [rest]", "tips: [anything]"), "x.yml", None, MarkdownRenderer(None))
    assert quiz is not None and problems == []
    assert quiz.slug == "x"


def test_a_score_without_an_id_is_reported_not_a_crash():
    # Found by tests/test_fuzz.py: an empty score id used to crash the "did you mean" for unknown scores.
    quiz, problems = load_text(BASE.replace("  - id: total\n", "  - id:\n").replace("scores: [total]", "scores: [totl]"))
    assert quiz is None
    assert "content/quiz/test.yml:19: Unknown score 'totl' in question 'pain'. " \
        "Hint: Declare it under 'scores:' at the top." in messages(problems)


def test_html_in_quiz_markdown_is_cleaned_with_a_warning_as_in_tips():
    text = BASE.replace("title: Test quiz", "title: Test quiz\nintro: \"<img src=x onerror=alert(1)> "
                        "<a href='javascript:alert(2)'>Go</a> <script>alert(3)</script>\"")
    quiz, problems = load_text(text)
    assert messages(problems) == [
        f"content/quiz/test.yml:2: warning: Some HTML was removed because it isn't allowed here: {removed}. "
        "Hint: Write the content in Markdown instead of HTML." for removed in
        ("the onerror attribute", "a 'javascript:' link", "<script>")]
    assert "onerror" not in quiz.intro_html and "javascript:" not in quiz.intro_html
    assert "<script>" not in quiz.intro_html


def test_a_script_link_in_quiz_markdown_is_refused_as_in_tips():
    quiz, problems = load_text(BASE.replace("title: Test quiz", "title: Test quiz\nintro: '[Go](javascript:alert(2))'"))
    assert quiz is None and messages(problems) == [
        "content/quiz/test.yml:2: The link 'javascript:alert(2)' is not allowed. "
        "Hint: Links must go to web pages or other tips."]


@pytest.mark.parametrize("intro, line", [
    ("intro: 'Hello [](https://www.nhs.uk/)'", 2),
    ("intro: |\n  Hello.\n\n  [](https://www.nhs.uk/)", 5),
    # Folded text joins its lines, so a line is counted from the text YAML gives: near, not exact.
    ("intro: >-  # folded\n  Hello.\n\n  [](https://www.nhs.uk/)", 4),
    ("intro:\n  Hello.\n  [](https://www.nhs.uk/)", 3),
])
def test_a_problem_in_quiz_markdown_names_its_line_in_the_quiz_file(intro, line):
    _, problems = load_text(BASE.replace("title: Test quiz", "title: Test quiz\n" + intro))
    assert messages(problems) == [f"content/quiz/test.yml:{line}: A link to 'https://www.nhs.uk/' has no text. "
                                  "Hint: Write the link text between [ and ]."]


def test_an_empty_quiz_file_is_a_problem_not_silently_dropped():
    # Found by tests/test_robustness_nasty.py: the quiz used to vanish from the site without a word.
    assert messages(load_text("# to do\n")[1]) == [
        "content/quiz/test.yml:1: The quiz file is empty. "
        "Hint: Start with 'title: …', then 'questions:', 'rules:' and 'outcomes:'."]


SOURCED = BASE.replace("flags: [care]\n", "flags: [care]\nsources:\n  - id: nhs\n    title: 'NHS.UK: Back pain'\n"
                       "    url: https://www.nhs.uk/conditions/back-pain/\n  - Life Effect's own advice\n")


def test_sources_and_the_red_flags_that_cite_them():
    quiz, problems = load_text(SOURCED.replace("flags: [emergency]}", "flags: [emergency], source: {page: nhs, "
                                               "list: Call 999}}"))
    assert problems == []
    assert [(s.id, s.title, s.url) for s in quiz.sources] == [
        ("nhs", "NHS.UK: Back pain", "https://www.nhs.uk/conditions/back-pain/"), ("", "Life Effect's own advice", "")]
    cited = quiz.question("red").option("numb").source
    assert (cited.source, cited.list, quiz.find_source("nhs").title) == ("nhs", "Call 999", "NHS.UK: Back pain")


@pytest.mark.parametrize("change, expected", [
    (lambda t: t.replace("flags: [emergency]}", "flags: [emergency], source: {page: nsh, list: Call 999}}"),
     ["content/quiz/test.yml:18: Option 'numb' cites source 'nsh', which is not under 'sources:'. "
      "Hint: Did you mean 'nhs'?"]),
    (lambda t: t.replace("flags: [emergency]}", "flags: [emergency], source: nhs}"),
     ["content/quiz/test.yml:18: An option's 'source' needs 'page' (a source id) and 'list' (which list on that "
      "page). Hint: For example: source: {page: nhs-back-pain, list: \"Call 999 if\"}."]),
    (lambda t: t.replace("url: https://www", "url: http://www"),
     ["content/quiz/test.yml:8: The source's url must start with https://, got "
      "'http://www.nhs.uk/conditions/back-pain/'. Hint: Copy the page's address from the browser."]),
    (lambda t: t.replace("  - Life Effect's own advice\n", "  - [a, b]\n"),
     ["content/quiz/test.yml:9: A source must be a title or a set of 'key: value' lines, got '['a', 'b']'. "
      "Hint: Write '- id: nhs-back-pain' with 'title:' and 'url:' below it."]),
])
def test_source_mistakes_are_named_at_their_line(change, expected):
    quiz, problems = load_text(change(SOURCED))
    assert quiz is None and messages(problems) == expected
