"""The YAML reader: line numbers, and PyYAML's traps turned into plain problems."""
import datetime as dt

from signpost.yamlfile import load_yaml, read_bool, read_date, read_text


def messages(problems):
    return [str(p) for p in problems]


def test_values_keep_their_lines_counted_from_first_line():
    data, problems = load_yaml("title: Shoes\ntags:\n  - running\n  - footwear\n", "t.md", first_line=2)
    assert problems == []
    assert data.line_of("title") == 2 and data.line_of("tags") == 3
    assert data["tags"].item_lines == [4, 5]


def test_yes_and_no_stay_words_and_dates_become_dates():
    data, _ = load_yaml("label: No\nother: yes\nflag: true\nday: 2026-05-01\n", "q.yml")
    assert data == {"label": "No", "other": "yes", "flag": True, "day": dt.date(2026, 5, 1)}


def test_duplicate_key_is_an_error_naming_both_lines():
    _, problems = load_yaml("title: A\nsummary: B\ntitle: C\n", "t.md")
    assert messages(problems) == [
        "t.md:3: 'title' appears twice in the same block (first on line 1). "
        "Hint: Keep one of them; YAML would silently use the last."]


def test_tab_indentation_is_explained():
    _, problems = load_yaml("tags:\n\t- running\n", "t.md", first_line=2)
    assert messages(problems) == [
        "t.md:3: This YAML could not be read: found character '\\t' that cannot start any token. "
        "Hint: Indent with spaces, not tabs."]


def test_aliases_are_refused_so_a_billion_laughs_cannot_expand():
    _, problems = load_yaml("a: &x [1, 2]\nb: [*x, *x]\n", "t.md")
    assert len(problems) == 1 and "aliases are not supported" in problems[0].message
    assert problems[0].line == 2


def test_colon_in_value_gets_a_quoting_hint():
    _, problems = load_yaml("summary: Warm up: slowly\n", "t.md")
    assert messages(problems) == [
        "t.md:1: This YAML could not be read: mapping values are not allowed here. "
        "Hint: A value that contains ': ' needs quotes around it."]


def test_readers_collect_problems_with_hints():
    data, _ = load_yaml("draft: yes\ndate: May 1st\ntitle: true\n", "t.md")
    problems = []
    assert read_bool(data, "draft", "t.md", problems) is False
    assert read_date(data, "date", "t.md", problems) is None
    assert read_text(data, "title", "t.md", problems) == ""
    assert messages(problems) == [
        "t.md:1: 'draft' must be true or false, got 'yes'. Hint: Write true or false.",
        "t.md:2: 'date' must be a date like 2026-05-01, got 'May 1st'. Hint: Write the year, month and day as numbers: YYYY-MM-DD.",
        "t.md:3: 'title' must be text, got true. Hint: Put the value in quotes.",
    ]


def test_impossible_date_is_a_problem_not_a_crash():
    data, problems = load_yaml("date: 2026-02-30\n", "t.md")
    assert data is None and problems[0].message == "This YAML could not be read: day is out of range for month."


def test_a_control_character_is_a_problem_not_a_crash():
    # Found by tests/test_fuzz.py: PyYAML refuses such characters before parsing starts.
    data, problems = load_yaml("title: A\nsummary: B\x1f\n", "t.md", first_line=2)
    assert data is None and messages(problems) == [
        "t.md:3: This YAML contains an invisible character (U+001F) that isn't allowed. "
        "Hint: Delete it: retype the line, or paste it again as plain text."]
