"""`build.py check`: the build's problems plus anchors, review dates, reading level and quiz proofs."""
import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from signpost.check import check_site, format_report
from signpost.pipeline import Project
from signpost.readability import count_syllables, reading_age, split_sentences
from tests.sitekit import ROOT, SITE_YML, build_site, make_content, tip

BROKEN = Path(__file__).resolve().parent / "fixtures" / "broken"
TODAY = dt.date(2026, 11, 29)
QUIZ = ((Path(__file__).resolve().parent / "fixtures" / "broken" / "quiz-unknown-tip" / "quiz" /
         "should-i-see-someone.yml").read_text(encoding="utf-8").replace("tips: [resting]", "tips: [warm-up]")
        .replace("flags: [care]\n", "flags: [care]\nsources:\n  - {id: nhs, title: 'NHS.UK: Back pain', "
                 "url: 'https://www.nhs.uk/conditions/back-pain/'}\n")
        .replace("flags: [emergency]}", "flags: [emergency], source: {page: nhs, list: Call 999}}")
        .replace("flags: [urgent]}", "flags: [urgent], source: {page: nhs, list: Urgent GP or 111}}"))
SCENARIOS = """\
scenarios:
  - {patient: Numb, answers: {red: numb}, expect: emergency}
  - {patient: Not sure, answers: {red: not-sure}, expect: emergency}
  - {patient: Fever, answers: {red: fever}, expect: urgent}
  - {patient: Bad pain, answers: {red: none, pain: bad}, expect: book}
  - {patient: Mild pain, answers: {red: none, pain: mild}, expect: self-care}
"""


def quiz_files(name: str = "q", scenarios: str | None = SCENARIOS) -> dict[str, str]:
    """A valid quiz whose red flags cite their source, with scenarios covering every outcome and flag."""
    return {f"quiz/{name}.yml": QUIZ, **({f"quiz/{name}.scenarios.yml": scenarios} if scenarios else {})}


def check(tmp_path, files, today=TODAY, with_defaults=True):
    content = make_content(tmp_path, files, with_defaults=with_defaults)
    return check_site(Project.at(ROOT, content), today)


def lines(report) -> list[str]:
    return format_report(report).split("\n")


def without_reviews(found: list[str]) -> list[str]:
    """Lines other than 'not yet reviewed' ones (every unsigned tip and quiz has one; test_signoff.py pins them)."""
    return [line for line in found if " is not yet reviewed: " not in line]


# ---- The corpus of broken inputs: each case's exact output ----

@pytest.mark.parametrize("case", sorted(p.name for p in BROKEN.iterdir() if p.is_dir()))
def test_each_broken_input_gives_exactly_its_expected_message(tmp_path, case):
    content = tmp_path / "content"
    content.mkdir()
    (content / "site.yml").write_text(SITE_YML, encoding="utf-8")
    shutil.copytree(BROKEN / case, content, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt"))
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--content", str(content),
                             "--today", "2026-11-29"], capture_output=True, text=True, timeout=60)
    expected = (BROKEN / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert result.stdout.splitlines() == expected, result.stderr
    assert result.returncode == (0 if ": 0 errors," in expected[-1] else 1)


# ---- The real site ----

def test_the_real_content_has_no_errors_and_warns_only_that_no_clinician_has_signed_it_off():
    report = check_site(Project.at(ROOT), TODAY)
    assert [(p.path, p.line, p.message) for p in report.problems] == [
        ("content/quiz/should-i-see-someone.yml", None, "This quiz is not yet reviewed: no clinician has signed it "
         "off, so a release build will refuse it."),
        ("content/tips/when-to-get-help.md", 8, "This clinical tip is not yet reviewed: no clinician has signed it "
         "off, so a release build will refuse it.")]
    assert report.summary() == "Checked 9 tips, 1 page, 1 quiz: 0 errors, 2 warnings."
    unsigned = [p for p in report.info if "not yet reviewed" in p.message]
    assert sorted(p.path for p in unsigned) == [f"content/tips/{name}.md" for name in (
        "cool-down", "mix-it-up", "rest", "running-form", "running-with-back-pain", "shoes", "stretching", "warm-up")]
    proof, scenarios = [p for p in report.info if p not in unsigned][:2]
    assert proof.path == "content/quiz/should-i-see-someone.yml" and proof.message.startswith("Proved ")
    assert str(scenarios) == ("content/quiz/should-i-see-someone.scenarios.yml: info: All 54 clinical scenarios get "
                              "the outcome they expect.")
    sources = [p for p in report.info if p.message.startswith("Red flag ")]
    assert len(sources) == len(report.info) - len(unsigned) - 2 == 19
    line = (ROOT / "content/quiz/should-i-see-someone.yml").read_text().splitlines().index("      - id: sudden-severe") + 1
    assert str(sources[6]) == (f'content/quiz/should-i-see-someone.yml:{line}: info: Red flag \'sudden-severe\' '
                               '(emergency): NHS.UK: Abdominal aortic aneurysm, "Call 999 or go to A&E".')


# ---- Check and build agree ----

def test_a_checklist_without_none_of_these_builds_and_check_agrees(tmp_path):
    # Found in review: the quiz page's template failed on it (a "design file" problem) while check passed.
    files = {"quiz/checklist.yml": (Path(__file__).parent / "quiz" / "fixtures" / "checklist.yml").read_text()}
    report = check(tmp_path / "check", files)
    warning = ("content/quiz/checklist.yml:14: warning: Question 'surfaces' must be answered, but a reader to whom "
               "none of its options apply has nothing to tick.")
    assert report.errors == [] and [str(p).split(" Hint: ")[0] for p in report.warnings if "surfaces" in p.message] \
        == [warning]
    out = build_site(tmp_path / "build", files)
    page = (out / "checklist" / "index.html").read_text(encoding="utf-8")
    assert page.count("<span data-error-text>Select at least one answer</span>") == 2   # both checklists


def test_check_reports_a_page_the_build_could_not_make(tmp_path):
    # check renders the published site in memory, as the build does, so the two never disagree.
    root = tmp_path / "project"
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "assets", root / "assets")
    (root / "templates" / "tip.html").write_text("{{ tip.no_such_field }}", encoding="utf-8")
    content = make_content(tmp_path)
    report = check_site(Project(content, root / "templates", root / "assets"), TODAY)
    assert [str(p).split(":")[0] for p in report.errors] == ["templates/tip.html"]


# ---- Links to headings ----

def test_links_to_headings_that_exist_pass(tmp_path):
    report = check(tmp_path, {
        "tips/shoes.md": tip(title="Shoes", body="## Socks\n\nSee [one](warm-up.md#one), [socks](#socks), "
                                                 "[about](../pages/about.md#us), [NHS](https://www.nhs.uk/#main) "
                                                 "and [quiz](../quiz/q.yml#start). `[code](warm-up.md#nope)`\n\n"
                                                 "```\n[fenced](warm-up.md#nope)\n```\n"),
        "pages/about.md": "---\ntitle: About\n---\n## Us\n\nHello.\n",
        **quiz_files(),
    })
    assert without_reviews([str(p) for p in report.problems]) == []


def test_a_link_to_a_missing_heading_names_the_nearest_or_lists_them(tmp_path):
    report = check(tmp_path, {
        "tips/shoes.md": tip(title="Shoes", body="## Socks\n\nSee [a](warm-up.md#zzz) and [b](warm-up.md#on).\n"
                                                 "[c](../pages/about.md#x)\n"),
        "pages/about.md": "---\ntitle: About\n---\nNo headings.\n",
    })
    assert without_reviews(lines(report)) == [
        "content/tips/shoes.md:10: The link 'warm-up.md#on' points at a heading that doesn't exist. "
        "Hint: Did you mean 'warm-up.md#one'?",
        "content/tips/shoes.md:10: The link 'warm-up.md#zzz' points at a heading that doesn't exist. "
        "Hint: Headings in 'Warm up': #one.",
        "content/tips/shoes.md:11: The link '../pages/about.md#x' points at a heading that doesn't exist. "
        "Hint: 'About' has no headings; link to it without the part after '#'.",
        "content: info: Review dates and reading level are checked once the errors above are fixed.",
        "Checked 2 tips, 1 page, 0 quizzes: 3 errors, 0 warnings.",
    ]


def test_drafts_are_checked_and_links_to_them_still_reported(tmp_path):
    report = check(tmp_path, {
        "tips/next.md": tip(title="Next", draft="true", body="## A\n\n[x](#b)\n"),
        "tips/warm-up.md": tip(body="[next](next.md)\n"),
    })
    assert without_reviews(lines(report)) == [
        "content/tips/next.md:11: The link '#b' points at a heading that doesn't exist. Hint: Headings in 'Next': #a.",
        "content/tips/warm-up.md:8: The link 'next.md' points at a draft, which won't be published. "
        "Hint: Remove the link, or publish the draft first.",
        "content: info: Review dates and reading level are checked once the errors above are fixed.",
        "Checked 2 tips, 0 pages, 0 quizzes: 2 errors, 0 warnings.",
    ]


@pytest.mark.parametrize("body", ["[x](nowhere.md)\n", "## One\n\n[x](#two)\n"])
def test_a_problem_found_with_and_without_drafts_is_reported_once(tmp_path, body):
    report = check(tmp_path, {"tips/warm-up.md": tip(body=body)})
    assert len(report.errors) == 1


# ---- Review dates ----

@pytest.mark.parametrize("next_review, expected", [
    ("2026-11-28", "content/tips/warm-up.md:7: This tip was due for review on 2026-11-28 (yesterday)."),
    ("2026-11-29", "content/tips/warm-up.md:7: warning: This tip is due for review on 2026-11-29 (today)."),
    ("2026-11-30", "content/tips/warm-up.md:7: warning: This tip is due for review on 2026-11-30 (tomorrow)."),
    ("2026-12-29", "content/tips/warm-up.md:7: warning: This tip is due for review on 2026-12-29 (in 30 days)."),
    ("2026-12-30", None),
])
def test_review_dates_against_today(tmp_path, next_review, expected):
    report = check(tmp_path, {"tips/warm-up.md": tip(next_review=next_review).replace("2026-01-10", "2026-01-01")})
    found = [str(p).split(" Hint: ")[0] for p in report.problems]
    assert found == ([expected] if expected else [])


def test_a_review_date_from_the_site_period_points_at_reviewed(tmp_path):
    report = check(tmp_path, {}, today=dt.date(2027, 2, 1))  # reviewed 2026-01-10 + 12 months
    assert [str(p) for p in report.problems] == [
        "content/tips/warm-up.md:6: This tip was due for review on 2027-01-10 (22 days ago). Hint: When a clinician "
        "has reviewed it, change 'reviewed' to that date (and 'next_review', if the tip has one), then record "
        "their sign-off with 'build.py sign-off'."]


def test_a_quiz_review_date_is_checked_too(tmp_path):
    report = check(tmp_path, {**quiz_files()}, today=dt.date(2027, 10, 20))  # quiz: next_review 2027-11-01
    assert without_reviews([str(p) for p in report.problems]) == [
        "content/quiz/q.yml: warning: This quiz is due for review on 2027-11-01 (in 12 days). Hint: When a "
        "clinician has reviewed it, change 'reviewed' to that date (and 'next_review', if the quiz has one), "
        "then record their sign-off with 'build.py sign-off'.",
        "content/tips/warm-up.md:6: This tip was due for review on 2027-01-10 (283 days ago). Hint: When a "
        "clinician has reviewed it, change 'reviewed' to that date (and 'next_review', if the tip has one), "
        "then record their sign-off with 'build.py sign-off'."]


# ---- Sources ----

@pytest.mark.parametrize("sources, draft, warned", [
    ('["Test Clinic leaflet"]', "false", True),
    ('["test clinic, Back care class", "TEST CLINIC physios"]', "false", True),
    ('["Test Clinic leaflet", "NHS: Back pain"]', "false", False),
    ('["Test Clinic leaflet"]', "true", False),   # a draft: work in progress, as with example text
    ("[]", "false", False),
])
def test_a_tip_citing_only_the_clinic_is_a_warning(tmp_path, sources, draft, warned):
    report = check(tmp_path, {"tips/warm-up.md": tip(sources=sources, draft=draft)})
    expected = ["content/tips/warm-up.md:7: warning: Every source of this tip is Test Clinic's own advice. Hint: Add "
                "the NHS or NICE guidance it rests on under 'sources:', e.g. \"NHS: Back pain\" or \"NICE guideline "
                "NG59: Low back pain and sciatica in over 16s\"."]
    assert [str(p) for p in report.problems] == (expected if warned else [])


# ---- Reading level ----

@pytest.mark.parametrize("word, syllables", [
    ("a", 1), ("the", 1), ("run", 1), ("shoes", 1), ("make", 1), ("jumped", 1), ("makes", 1), ("stretch", 1),
    ("table", 2), ("little", 2), ("running", 2), ("wanted", 2), ("boxes", 2), ("muscles", 2), ("going", 2),
    ("likely", 2), ("movement", 2), ("sometimes", 2), ("people", 2), ("metres", 2), ("trainers", 2),
    ("media", 3), ("physio", 3), ("area", 3), ("various", 3), ("exercise", 3), ("kilometres", 4),
    ("comfortable", 4), ("Australian", 4), ("biomechanics", 5), ("physiotherapy", 6), ("physiotherapist", 6),
    ("nation", 2), ("special", 2), ("don't", 1), ("it’s", 1),
])
def test_syllables_of_known_words(word, syllables):
    assert count_syllables(word) == syllables


def test_the_flesch_kincaid_example_sentence_is_grade_13():
    # The worked example on Wikipedia's Flesch–Kincaid page: 13 words, 26 syllables, grade 13.1.
    sentences = split_sentences("The Australian platypus is seemingly a hybrid of a mammal and reptilian creature.")
    assert (sentences[0].words, sentences[0].syllables) == (13, 26)
    assert reading_age(sentences) - 5 == pytest.approx(13.1, abs=0.05)


def test_an_easy_passage_reads_young_and_a_hard_one_old():
    easy = "The cat sat on the mat. It was a sunny day. We went for a walk in the park.\n"
    hard = ("Physiotherapeutic intervention frequently incorporates individualised progressive loading, "
            "particularly following prolonged musculoskeletal deconditioning.\n")
    assert reading_age(split_sentences(easy)) < 6
    assert reading_age(split_sentences(hard)) > 25


def test_sentences_come_from_markdown_with_their_lines():
    body = ("## Why it *matters*\n\nRead [our tip](shoes.md). It helps! ![A shoe](../images/s.jpg)\n"
            "And `code` is\nskipped.\n\n- walk slowly\n- then jog\n\n```\nnot prose\n```\n| Day | Run |\n|---|---|\n")
    found = [(s.line, s.text) for s in split_sentences(body, first_line=8)]
    assert found == [(8, "Why it matters"), (10, "Read our tip."), (10, "It helps!"), (11, "And is skipped."),
                     (14, "walk slowly"), (15, "then jog"), (20, "Day Run")]


def test_a_hard_tip_names_its_hardest_sentences(tmp_path):
    body = ("## Plan\n\nWalk first. Then jog.\n\n"
            "Individualised rehabilitation programmes incorporate progressive conditioning.\n")
    report = check(tmp_path, {"tips/warm-up.md": tip(body=body)})
    assert [str(p) for p in report.problems] == [
        "content/tips/warm-up.md:12: warning: This tip has a reading age of about 22; the site aims for 11 or under. "
        "Hardest sentences: line 12 ('Individualised rehabilitation programmes incorporate progressive "
        "conditioning.'). Hint: Split long sentences and use shorter, everyday words."]


def test_the_reading_target_comes_from_site_yml(tmp_path):
    body = "## Plan\n\nChoose proper running socks rather than everyday ones, because they are made for running.\n"
    files = {"tips/warm-up.md": tip(body=body), "site.yml": SITE_YML + "reading_age: 6\n"}
    (warning,) = check(tmp_path, files).warnings
    assert "reading age of about 10; the site aims for 6 or under" in warning.message
    assert check(tmp_path, {"site.yml": SITE_YML}).warnings == []  # the default target, 11


# ---- Output ----

def test_json_output_groups_errors_warnings_and_info(tmp_path):
    report = check(tmp_path, {"tips/warm-up.md": tip(body="[x](nowhere.md)\n", next_review="2026-12-01"),
                              **quiz_files()})
    data = json.loads(format_report(report, "json"))
    assert set(data) == {"errors", "warnings", "info"}
    assert data["errors"] == [{"path": "content/tips/warm-up.md", "line": 9,
                               "message": "The link 'nowhere.md' points at a file that doesn't exist.",
                               "hint": "Links to other tips look like [Shoes](shoes.md)."}]
    assert data["warnings"] == []
    assert data["info"] == [{"path": "content", "line": None, "hint": "", "message": "Review "
                             "dates and reading level are checked once the errors above are fixed."}]
    fixed = check(tmp_path, {"tips/warm-up.md": tip(next_review="2026-12-01"), **quiz_files()})
    data = json.loads(format_report(fixed, "json"))
    assert [w["message"] for w in data["warnings"]] == [
        "This quiz is not yet reviewed: no clinician has signed it off, so a release build will refuse it.",
        "This tip is due for review on 2026-12-01 (in 2 days)."]
    assert [i["message"][:9] for i in data["info"]] == ["This tip ", "Proved 9 ", "All 5 cli", "Red flag ", "Red flag "]


def test_the_quiz_proofs_scenarios_and_sources_are_info_lines(tmp_path):
    report = check(tmp_path, quiz_files("should-i-see-someone"))
    assert [str(p) for p in report.info][1:] == [
        "content/quiz/should-i-see-someone.yml: info: Proved 9 answer combinations (5 distinct cases, "
        + report.info[1].message.split("cases, ")[1],
        "content/quiz/should-i-see-someone.scenarios.yml: info: All 5 clinical scenarios get the outcome they expect.",
        "content/quiz/should-i-see-someone.yml:15: info: Red flag 'numb' (emergency): NHS.UK: Back pain, \"Call 999\".",
        "content/quiz/should-i-see-someone.yml:16: info: Red flag 'fever' (urgent): NHS.UK: Back pain, "
        "\"Urgent GP or 111\"."]
    assert report.info[0].message.startswith("This tip is not yet reviewed")
    assert report.summary() == "Checked 1 tip, 0 pages, 1 quiz: 0 errors, 1 warning."  # the quiz: not signed off


def test_scenario_coverage_and_red_flags_without_a_source_are_warnings(tmp_path):
    partial = "scenarios:\n  - {patient: Numb, answers: {red: numb}, expect: emergency}\n"
    report = check(tmp_path, {"quiz/q.yml": QUIZ.replace(", source: {page: nhs, list: Call 999}", ""),
                              "quiz/q.scenarios.yml": partial})
    assert without_reviews([str(p) for p in report.warnings]) == [
        "content/quiz/q.scenarios.yml: warning: No scenario answers 'fever' to 'red' (Fever). "
        "Hint: Add a patient who gives this answer.",
        "content/quiz/q.scenarios.yml: warning: No scenario answers 'not-sure' to 'red' (Not sure). "
        "Hint: Add a patient who gives this answer.",
        "content/quiz/q.scenarios.yml: warning: No scenario expects outcome 'book' (Book). "
        "Hint: Add a patient who should get this result.",
        "content/quiz/q.scenarios.yml: warning: No scenario expects outcome 'self-care' (Look after yourself). "
        "Hint: Add a patient who should get this result.",
        "content/quiz/q.scenarios.yml: warning: No scenario expects outcome 'urgent' (Urgent GP). "
        "Hint: Add a patient who should get this result.",
        "content/quiz/q.yml:15: warning: Red flag 'numb' in question 'red' does not say which guidance it comes "
        "from. Hint: Add 'source: {page: source-id, list: \"which list on that page\"}'."]
    assert without_reviews([p.message for p in check(tmp_path / "none", quiz_files(scenarios=None)).warnings]) == [
        "This quiz has no clinical scenarios."]


def test_the_command_line_exits_1_on_errors_and_prints_json(tmp_path):
    content = make_content(tmp_path, {"tips/warm-up.md": tip(body="[x](nowhere.md)\n")})
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--content", str(content),
                             "--format", "json"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and len(json.loads(result.stdout)["errors"]) == 1
