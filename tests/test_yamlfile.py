"""The YAML reader: line numbers, and PyYAML's traps turned into plain problems."""
import datetime as dt
import pickle

from signpost.yamlfile import load_yaml, read_bool, read_date, read_int, read_text


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


def test_numbers_yaml_1_1_would_change_stay_text_as_written():
    # Adversarial review, item 5: PyYAML published 02071234567 as 283457911 (octal), 5:2 as 302
    # (base 60), 0b1010 as 10.
    text = ("phone: 02071234567\ntitle: 5:2\nsummary: 0b1010\nshort: 1.10\nhex: 0x1F\nbig: 1_000\n"
            "plus: +44\nlabel: 2026\n")
    data, problems = load_yaml(text, "site.yml")
    assert problems == []
    assert {key: read_text(data, key, "site.yml", problems) for key in data} == {
        "phone": "02071234567", "title": "5:2", "summary": "0b1010", "short": "1.10", "hex": "0x1F",
        "big": "1_000", "plus": "+44", "label": "2026"}


def test_numbers_that_are_numbers_still_work_and_dates_stay_dates():
    data, _ = load_yaml("value: 3\nmin_answered: -2\norder: +7\nratio: 1.5\nday: 2026-05-01\n", "q.yml")
    problems = []
    assert [read_int(data, key, "q.yml", problems) for key in ("value", "min_answered", "order")] == [3, -2, 7]
    assert type(read_int(data, "value", "q.yml", problems)) is int and data["ratio"] == 1.5
    assert read_date(data, "day", "q.yml", problems) == dt.date(2026, 5, 1) and problems == []


def test_a_number_yaml_1_1_would_read_differently_is_refused_with_a_hint():
    data, _ = load_yaml("value: 010\norder: 1:30\nround: x\n", "q.yml")
    problems = []
    for key in data:
        read_int(data, key, "q.yml", problems, default=None)
    assert messages(problems) == [
        "q.yml:1: 'value' must be a whole number, got '010'. "
        "Hint: Write it as plain digits, like 12: no leading zero, and no _, : or 0x.",
        "q.yml:2: 'order' must be a whole number, got '1:30'. "
        "Hint: Write it as plain digits, like 12: no leading zero, and no _, : or 0x.",
        "q.yml:3: 'round' must be a whole number, got 'x'."]


def test_numbers_keep_their_text_through_the_cache():
    data, _ = load_yaml("short: 1.10\nlabel: +5\n", "t.md")
    again = pickle.loads(pickle.dumps(data, pickle.HIGHEST_PROTOCOL))
    assert [str(again["short"]), str(again["label"])] == ["1.10", "+5"] and again["label"] == 5


ESCAPE_HINT = "Hint: Delete the code (such as \\x00, \\e or \\u…); to write a backslash itself, write \\\\."


def test_control_characters_made_by_escapes_are_problems():
    # Adversarial review, item 9: the reader only sees the typed text; "\x00\e" made feed.xml invalid
    # XML and "\ud800" a traceback when the page was encoded.
    text = 'title: "Warm\\x00\\e up"\nsummary: "ok\\tfine\\n"\nfooter: "foot\\ud800"\n"key\\x07": 1\n'
    data, problems = load_yaml(text, "t.md", first_line=2)
    assert messages(problems) == [
        f"t.md:2: A backslash code in this quoted text makes a character that isn't allowed (U+0000). {ESCAPE_HINT}",
        f"t.md:4: A backslash code in this quoted text makes a character that isn't allowed (U+D800). {ESCAPE_HINT}",
        f"t.md:5: A backslash code in this quoted text makes a character that isn't allowed (U+0007). {ESCAPE_HINT}"]
    assert data["summary"] == "ok\tfine\n"  # tabs and new lines are ordinary text
