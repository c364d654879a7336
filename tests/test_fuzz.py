"""Hypothesis: malformed front matter, YAML, Markdown and quiz files end in problems or a good build.

Every generated input must end in a list of Problems (each with a path and a message) or a
site that builds: never an exception escaping to the editor. The strategies make near-valid
files (real files with lines deleted, duplicated or swapped, tabs, colons, quotes, brackets
and odd unicode inserted, fields given values of the wrong type) plus plain random text.
HYPOTHESIS_PROFILE=fuzz (`make fuzz`) runs many more examples.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from contextlib import contextmanager
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signpost.check import check_site, format_report
from signpost.pipeline import Project, build, load_site
from signpost.problems import BuildFailed, Problem, errors_in
from signpost.quiz.analyse import prove_quiz
from signpost.content import MarkdownRenderer
from signpost.quiz.load import load_quiz
from tests.sitekit import ROOT, SITE_YML, write_files

FUZZ_SCALE = 40 if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else 1
settings.register_profile("fuzz", deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

TIP = (ROOT / "content" / "tips" / "shoes.md").read_text(encoding="utf-8")
PAGE = (ROOT / "content" / "pages" / "about.md").read_text(encoding="utf-8")
QUIZ = (ROOT / "content" / "quiz" / "should-i-see-someone.yml").read_text(encoding="utf-8")
QUIZ_FIXTURES = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "quiz" / "fixtures").glob("*.yml"))]
TIP_SLUGS = {p.stem for p in (ROOT / "content" / "tips").glob("*.md")}
TRICKY = ["\t", ":", ": ", "'", '"', "[", "]", "{", "}", "#", "&a ", "*a", "!", "!!python/object ", "|", ">", "- ",
          "---", "...", "%", "@", "`", "\\", "\x00", "\ufeff", "\u2028", "\x85", "\r", "\r\n", "é", "😀", "\u202e",
          "no", "yes", "~", "null", "2026-02-30", "1e999", "0x1F", ".inf", "<", "</script>", "](", "![", "\n"]


def budget(examples: int) -> settings:
    """Settings for one property: `examples` in `make test`, FUZZ_SCALE times more in `make fuzz`."""
    return settings(max_examples=examples * FUZZ_SCALE, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ---- Strategies ----

@st.composite
def mutated(draw, text: str, max_edits: int = 4) -> str:
    """A valid file with a few lines deleted, duplicated, swapped, re-indented or given tricky text."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, max_edits))):
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "indent", "replace", "truncate"]))
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        if not lines:
            lines = [""]
        if kind == "delete" and len(lines) > 1:
            del lines[at]
        elif kind == "duplicate":
            lines.insert(at, lines[at])
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "insert":
            column = draw(st.integers(0, len(lines[at])))
            extra = draw(st.sampled_from(TRICKY) | st.text(max_size=5))
            lines[at] = lines[at][:column] + extra + lines[at][column:]
        elif kind == "indent":
            lines[at] = draw(st.sampled_from(["  ", "\t", " ", ""])) + lines[at].lstrip()
        elif kind == "replace":
            lines[at] = draw(st.text(max_size=30))
        elif kind == "truncate":
            lines = lines[: at + 1]
    return "\n".join(lines)


def wrong_values() -> st.SearchStrategy:
    """YAML values of every type, most of them wrong for whatever field they land in."""
    scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
               | st.dates(min_value=dt.date(1, 1, 1)) | st.sampled_from(["", " ", "yes", "No", "../x", "</script>"]))
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)


@st.composite
def retyped(draw, data):
    """The same YAML data with one value somewhere inside it replaced by a value of another type."""
    if isinstance(data, dict) and data and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(data, key=str)))
        return {**data, key: draw(retyped(data[key]))}
    if isinstance(data, list) and data and draw(st.booleans()):
        index = draw(st.integers(0, len(data) - 1))
        return data[:index] + [draw(retyped(data[index]))] + data[index + 1:]
    return draw(wrong_values())


def front_matter_with_wrong_types(text: str) -> st.SearchStrategy:
    """A Markdown file whose front matter has one value of the wrong type."""
    _, front, body = text.split("---\n", 2)
    data = yaml.safe_load(front)
    return retyped(data).map(lambda new: "---\n" + yaml.safe_dump(new, allow_unicode=True) + "---\n" + body)


def yaml_with_wrong_types(text: str) -> st.SearchStrategy:
    """A YAML file with one value somewhere inside it of the wrong type."""
    return retyped(yaml.safe_load(text)).map(lambda new: yaml.safe_dump(new, allow_unicode=True, sort_keys=False))


MARKDOWN_PARTS = st.sampled_from([
    "## Heading", "# Top", "#### Deep", "[Shoes](shoes.md)", "[x](missing.md)", "[](shoes.md)", "[a](#nowhere)",
    "[j](javascript:alert(1))", "[d](data:text/html,x)", "[abs](/tips/x/)", "[up](../../../etc/passwd)",
    "![](../images/x.png)", "![alt](http://example.com/a.png)", "<script>alert(1)</script>", "<img src=x onerror=y>",
    "<div>", "</div>", "<!-- c", "| a | b |\n|---|---|\n| 1 | 2 |", "- item", "1. one", "> quote", "```", "    code",
    "*em*", "**", "__init__", "&amp;", "&#0;", "\\", "[[x]]", "[ref]: http://a", "{#id}", "---", "***", "<https://a>",
    "\t", "\x00", "\ufeff", "😀", "\u202e",
])
MARKDOWN = st.lists(MARKDOWN_PARTS | st.text(max_size=15), max_size=12).map(lambda parts: "\n".join(parts))


# ---- Checking the outcome ----

@contextmanager
def content_folder(files: dict[str, str | bytes]):
    """A fresh content folder with a valid site.yml unless replaced, plus `files`."""
    with tempfile.TemporaryDirectory() as tmp:
        yield write_files(Path(tmp) / "content", {"site.yml": SITE_YML, **files})


def assert_clear(problems, allowed_paths=None) -> None:
    """Each problem names a file and says something in words."""
    for item in problems:
        assert isinstance(item, Problem), item
        assert item.path and item.message.strip(), item
        assert item.line is None or (isinstance(item.line, int) and item.line >= 1), item
        assert "Traceback" not in item.message and "object at 0x" not in item.message, item
        if allowed_paths is not None:
            assert item.path in allowed_paths, item


def load_outcome(files: dict[str, str | bytes]) -> None:
    """load_site ends in problems or a site, never an exception."""
    with content_folder(files) as content:
        site, problems = load_site(Project.at(ROOT, content), drafts=True)
        assert_clear(problems, {f"content/{rel}" for rel in {"site.yml", *files}})
        assert (site is None) == bool(errors_in(problems))


def check_outcome(files: dict[str, str | bytes], today: dt.date) -> None:
    """`build.py check` ends in a report of problems, never an exception."""
    with content_folder(files) as content:
        report = check_site(Project.at(ROOT, content), today)
        assert_clear(report.errors)
        format_report(report, "text")


def build_outcome(files: dict[str, str | bytes]) -> None:
    """A full build into a temp folder ends in BuildFailed with problems or a written site."""
    with content_folder(files) as content:
        out = content.parent / "dist"
        try:
            build(Project.at(ROOT, content), out, preview=True)
        except BuildFailed as failure:
            assert failure.problems and errors_in(failure.problems)
            assert_clear(failure.problems)
            assert not out.exists()
        else:
            assert (out / "index.html").is_file()


def quiz_outcome(text: str) -> None:
    """The quiz loader and prover end in problems or a proved quiz, never an exception."""
    path = "content/quiz/fuzz.yml"
    quiz, problems = load_quiz(text, path, TIP_SLUGS, MarkdownRenderer(None))
    assert_clear(problems, {path})
    if quiz is not None:
        assert not errors_in(problems)
        _, proofs = prove_quiz(quiz, path)
        assert_clear(proofs, {path})


# ---- Properties ----

@budget(300)
@given(mutated(TIP) | mutated(PAGE.replace("about", "tip")))
def test_mutated_tip_front_matter_and_markdown(text):
    load_outcome({"tips/fuzz.md": text})


@budget(150)
@given(front_matter_with_wrong_types(TIP) | front_matter_with_wrong_types(PAGE))
def test_front_matter_values_of_the_wrong_type(text):
    load_outcome({"tips/fuzz.md": text, "pages/fuzz-page.md": text})


@st.composite
def tip_with_any_dates(draw) -> str:
    """A well-formed tip whose dates and order are any the types allow, far past and far future included."""
    dates = st.dates(min_value=dt.date(1, 1, 1)) | st.sampled_from([dt.date.max, dt.date.min, dt.date(2026, 2, 28)])
    fields = {"title": "T", "summary": "S", "date": draw(dates), "order": draw(st.integers())}
    fields.update(draw(st.fixed_dictionaries({}, optional={"reviewed": dates, "next_review": dates})))
    return "---\n" + yaml.safe_dump(fields) + "---\n## Part\n\nText.\n"


@budget(150)
@given(tip_with_any_dates(), st.integers(-5, 10**6), st.dates(min_value=dt.date(1, 1, 1)))
def test_any_dates_and_numbers_in_the_right_fields(text, months, today):
    files = {"tips/fuzz.md": text, "site.yml": SITE_YML + f"review_months: {months}\n"}
    load_outcome(files)
    check_outcome(files, today)


@budget(200)
@given(mutated(SITE_YML) | yaml_with_wrong_types(SITE_YML) | st.text(max_size=200))
def test_broken_site_settings(text):
    load_outcome({"site.yml": text, "tips/shoes.md": TIP})


@budget(250)
@given(MARKDOWN)
def test_markdown_bodies(body):
    load_outcome({"tips/shoes.md": TIP, "tips/fuzz.md": "---\ntitle: T\nsummary: S\ndate: 2026-01-01\n---\n" + body})


@budget(150)
@given(st.text(max_size=300) | st.binary(max_size=300))
def test_random_text_and_bytes_as_every_kind_of_file(data):
    load_outcome({"tips/fuzz.md": data, "pages/fuzz-page.md": data, "quiz/fuzz-quiz.yml": data})


@budget(350)
@given(st.one_of(*[mutated(text, max_edits=3) for text in [QUIZ, *QUIZ_FIXTURES]]))
def test_mutated_quiz_files(text):
    quiz_outcome(text)


@budget(200)
@given(st.one_of(*[yaml_with_wrong_types(text) for text in [QUIZ, *QUIZ_FIXTURES]]))
def test_quiz_values_of_the_wrong_type(text):
    quiz_outcome(text)


@budget(1000)
@given(st.text(max_size=400))
def test_random_text_as_a_quiz(text):
    quiz_outcome(text)


@budget(40)
@given(st.fixed_dictionaries({"tips/fuzz.md": mutated(TIP, max_edits=2) | front_matter_with_wrong_types(TIP),
                              "quiz/fuzz-quiz.yml": mutated(QUIZ_FIXTURES[-1], max_edits=1)}))
def test_whole_builds_end_in_problems_or_a_site(files):
    build_outcome({**files, "tips/shoes.md": TIP})


# ---- YAML numbers and escape codes (adversarial review, items 5 and 9) ----

# Texts PyYAML (YAML 1.1) would read as numbers and publish changed: octal, binary, hex, base 60,
# underscores, leading zeros, signs, trailing zeros after a point.
NUMBER_LIKE = st.from_regex(r"\A[-+]?(?:0[0-7_]{1,12}|0b[01_]{1,8}|0x[0-9a-fA-F_]{1,6}|[1-9][0-9_]{0,6}(?::[0-5]?[0-9]){1,3}"
                            r"|[0-9]{1,5}\.[0-9_]{0,4}|[0-9]{1,12})\Z")
ESCAPES = st.sampled_from([f"\\x{code:02x}" for code in range(0x20)] + [
    "\\e", "\\a", "\\0", "\\x7f", "\\x85", "\\x9f", "\\ud800", "\\udfff", "\\uFFFE", "\\uffff", "\\U0010FFFF",
    "\\N", "\\_", "\\L", "\\P", "\\t", "\\n", "\\\\", '\\"', "\\u00e9", "\\U0001F600"])


@budget(100)
@given(NUMBER_LIKE, NUMBER_LIKE)
def test_number_like_text_is_published_as_written(title, phone):
    files = {"tips/fuzz.md": f"---\ntitle: {title}\nsummary: S\ndate: 2026-01-01\n---\nText.\n",
             "site.yml": SITE_YML.replace("0100 000 000", phone)}
    with content_folder(files) as content:
        site, problems = load_site(Project.at(ROOT, content))
        assert problems == [] and (site.tips[0].title, site.config.phone) == (title, phone)


@budget(60)
@given(st.lists(ESCAPES | st.text(alphabet="ab ", max_size=3), min_size=1, max_size=6).map("".join),
       st.sampled_from(["tip", "site", "quiz"]))
def test_escape_codes_in_quoted_text_end_in_problems_or_valid_output(text, where):
    quoted = f'"x{text}"'
    files = {"tips/fuzz.md": f"---\ntitle: {quoted if where == 'tip' else 'T'}\nsummary: S\ndate: 2026-01-01\n---\nText.\n",
             "site.yml": SITE_YML.replace("Test Clinic footer.", quoted) if where == "site" else SITE_YML,
             "quiz/fuzz-quiz.yml": QUIZ_FIXTURES[-1].replace("title: ", f"title: {quoted}\n#", 1) if where == "quiz" else ""}
    with content_folder({rel: text for rel, text in files.items() if text}) as content:
        out = content.parent / "dist"
        try:
            build(Project.at(ROOT, content), out)
        except BuildFailed as failure:
            assert_clear(failure.problems)
            return
        for feed in out.rglob("*.xml"):  # a control character would make the feed or sitemap invalid XML
            ElementTree.parse(feed)


# ---- Markdown that Python-Markdown reads in quadratic time (adversarial review, item 7) ----

STALL_PIECES = ["<a ", "<a\t", "<p ", '<a b="', "<http://", "*a", "**a", "_|", "*_", "\\", "`_", "a  \n", "#\n", "=\n",
                "-\n", "---\n", "&amp;", "<b>x</b>", "*a* ", "- a\n", "1. a\n", "> a\n", "word ", "\n\n", "[a](b) "]
HANG = 60  # seconds: a document refused or read takes well under one; these took minutes (121 s at 99 KB)


@budget(10)
@given(st.lists(st.sampled_from(STALL_PIECES) | st.text(max_size=3), min_size=1, max_size=3),
       st.integers(1_000, 99_000))
def test_long_repetitive_markdown_is_read_or_refused_without_stalling(pieces, size):
    unit = "".join(pieces) or "x"
    body = (unit * (size // len(unit.encode()) + 1)).encode()[:size].decode("utf-8", "ignore")
    started = time.monotonic()
    load_outcome({"tips/fuzz.md": "---\ntitle: T\nsummary: S\ndate: 2026-01-01\n---\n" + body})
    assert time.monotonic() - started < HANG, (unit, size)


# ---- Quizzes whose proof would explode (adversarial review, item 6) ----

@st.composite
def checklists_named_in_rules(draw) -> str:
    """Up to three checklists of up to 14 options, a drawn share of them named in rules."""
    questions, rules = [], []
    for q in range(draw(st.integers(1, 3))):
        size = draw(st.integers(2, 14))
        named = draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=size, unique=True))
        questions.append(f"  - id: q{q}\n    question: Which?\n    choose: {draw(st.sampled_from(['many', 'one']))}\n"
                         f"    required: {draw(st.booleans())}\n    options:\n"
                         + "".join(f"      - {{id: o{i}, label: O{i}}}\n" for i in range(size)))
        rules.append(f"  - when: {{question: q{q}, is: [{', '.join(f'o{i}' for i in named)}]}}\n    outcome: seen\n")
    return ("title: Big\nreviewed: 2026-01-01\nnext_review: 2027-01-01\nquestions:\n" + "".join(questions)
            + "rules:\n" + "".join(rules) + "  - otherwise: other\noutcomes:\n"
            "  - {id: seen, urgency: non-urgent, title: Seen}\n  - {id: other, urgency: self-care, title: Other}\n")


@budget(8)
@given(checklists_named_in_rules())
def test_quizzes_too_big_to_prove_end_in_a_problem_without_stalling(text):
    started = time.monotonic()
    quiz_outcome(text)  # two checklists of 12 named options: a MemoryError after minutes
    assert time.monotonic() - started < HANG
