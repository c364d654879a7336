"""Clinical sign-off (signpost/signoff.py): the ledger, the command, release builds, and pages that
claim a review only while a clinician's sign-off matches the text exactly."""
import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from signpost.check import check_site
from signpost.sources import fingerprint, read_text_file
from signpost.pipeline import Project, build, load_site
from signpost.problems import BuildFailed
from signpost.render import make_environment
from signpost.signoff import LEDGER, load_ledger, sign_off
from tests.sitekit import ROOT, build_site, make_content, snapshot, tip

TODAY = dt.date(2026, 12, 4)
QUIZ = (Path(__file__).resolve().parent / "fixtures" / "broken" / "quiz-unknown-tip" / "quiz" /
        "should-i-see-someone.yml").read_text(encoding="utf-8").replace("tips: [resting]", "tips: [warm-up]")
CLINICAL_TIP = tip(title="When to get help", clinical="true")
SIGN_OFF_HINT = ('When a clinician has approved the text as it is now, run: .venv/bin/python build.py sign-off {} '
                 '--by "Name, role"')


def site_with_quiz(tmp_path, **files):
    """A content folder with the default tip, a clinical tip and a quiz."""
    return make_content(tmp_path, {"tips/help.md": CLINICAL_TIP, "quiz/q.yml": QUIZ, **files})


def run(*args, cwd=None):
    """build.py with these arguments, as an editor would run it."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *map(str, args)], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


def signed(content, rel, by="Sam Lee, physiotherapist", today=TODAY):
    """Sign a file off through the module, as the command does; fail loudly if it is refused."""
    message, problems = sign_off(Project.at(ROOT, content), content / rel, by, today, load_site)
    assert problems == [], problems
    return message


def read_page(out, path):
    return (out / path).read_text(encoding="utf-8")


def json_ld(html):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))


# ---- The fingerprint ----

def test_the_fingerprint_is_the_sha256_of_the_text_as_read_with_plain_newlines(tmp_path):
    def read(data: bytes) -> str:
        (tmp_path / "f.md").write_bytes(data)
        return fingerprint(read_text_file(tmp_path / "f.md", "f.md")[0])

    assert read(b"a\nb\n") == hashlib.sha256(b"a\nb\n").hexdigest()
    assert read(b"a\r\nb\r\n") == read(b"a\rb\r") == read(b"\xef\xbb\xbfa\nb\n") == read(b"a\nb\n")
    assert read(b"a\nb.\n") != read(b"a\nb\n") != read(b"a\nb")


# ---- The command ----

def test_sign_off_writes_one_readable_entry_per_file(tmp_path):
    content = site_with_quiz(tmp_path)
    result = run("sign-off", "content/quiz/q.yml", "--by", "Sam Lee, physiotherapist", "--content", content,
                 "--today", "2026-12-04", cwd=tmp_path)  # from the project folder, as EDITING.md shows
    digest = fingerprint((content / "quiz/q.yml").read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (f"Signed off content/quiz/q.yml: Sam Lee, physiotherapist, 2026-12-04, text fingerprint "
                             f"{digest[:12]}….\nRecorded in content/sign-off.yml. Any change to content/quiz/q.yml "
                             "from now on needs a new sign-off.\n")
    assert (content / LEDGER).read_text(encoding="utf-8").split("\n\n", 1)[1] == (
        f'quiz/q.yml:\n  name: "Sam Lee"\n  role: "physiotherapist"\n  date: 2026-12-04\n  sha256: "{digest}"\n')


def test_signing_again_replaces_that_files_entry_and_keeps_the_others(tmp_path):
    content = site_with_quiz(tmp_path)
    signed(content, "quiz/q.yml")
    signed(content, "tips/help.md", by='Jo "JJ" Evans, clinical lead')
    message = signed(content, "quiz/q.yml", by="Alex Morgan, physiotherapist", today=TODAY + dt.timedelta(days=1))
    assert message.split("\n")[0].endswith("It replaces the sign-off by Sam Lee, physiotherapist on 2026-12-04.")
    ledger, problems = load_ledger(content)
    assert problems == [] and sorted(ledger) == ["quiz/q.yml", "tips/help.md"]
    assert (ledger["quiz/q.yml"].by, ledger["quiz/q.yml"].date) == ("Alex Morgan, physiotherapist", dt.date(2026, 12, 5))
    assert ledger["tips/help.md"].name == 'Jo "JJ" Evans' and ledger["tips/help.md"].role == "clinical lead"


@pytest.mark.parametrize("file, by, expected", [
    ("outside.md", "Sam Lee, physiotherapist",
     "{tmp}/outside.md: This file is not in the content folder ({tmp}/content). Hint: Sign off a tip or quiz from the "
     "content folder, e.g. content/tips/rest.md."),
    ("content/site.yml", "Sam Lee, physiotherapist",
     "content/site.yml: Only tips and quizzes are signed off. Hint: Sign off a file in content/tips/ (.md) or "
     "content/quiz/ (.yml)."),
    ("content/pages/about.md", "Sam Lee, physiotherapist",
     "content/pages/about.md: Only tips and quizzes are signed off. Hint: Sign off a file in content/tips/ (.md) or "
     "content/quiz/ (.yml)."),
    ("content/tips/nowhere.md", "Sam Lee, physiotherapist",
     "{tmp}/content/tips/nowhere.md: There is no such file. Hint: Give the path from the project folder, "
     "e.g. content/tips/rest.md."),
    ("content/tips/help.md", "Sam Lee",
     "--by: Say who is signing off and their role, got 'Sam Lee'. Hint: Write the name, a comma, then the role: "
     '--by "Sam Lee, physiotherapist".'),
    ("content/tips/help.md", "Sam\x1b[31m Lee, physiotherapist",
     "--by: Say who is signing off and their role, got 'Sam\\x1b[31m Lee, physiotherapist'. Hint: Write the name, "
     'a comma, then the role: --by "Sam Lee, physiotherapist".'),
])
def test_sign_off_refuses_with_a_plain_message_and_writes_nothing(tmp_path, file, by, expected):
    content = site_with_quiz(tmp_path, **{"pages/about.md": "---\ntitle: About\n---\nHi.\n"})
    (tmp_path / "outside.md").write_text(CLINICAL_TIP, encoding="utf-8")
    result = run("sign-off", tmp_path / file, "--by", by, "--content", content)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == expected.format(tmp=tmp_path) + "\n"
    assert not (content / LEDGER).exists()


def test_sign_off_refuses_a_file_the_build_refuses(tmp_path):
    content = site_with_quiz(tmp_path, **{"tips/help.md": CLINICAL_TIP.replace("2026-01-10", "10 Jan", 1)})
    result = run("sign-off", content / "tips/help.md", "--by", "Sam Lee, physiotherapist", "--content", content)
    assert result.returncode == 1 and not (content / LEDGER).exists()
    assert result.stderr.splitlines() == [
        "content/tips/help.md:5: 'date' must be a date like 2026-05-01, got '10 Jan'. "
        "Hint: Write the year, month and day as numbers: YYYY-MM-DD.",
        "content/tips/help.md: This file can't be signed off yet: it has mistakes the build refuses. "
        "Hint: Fix the mistakes listed above, then sign it off again."]


def test_sign_off_waits_while_another_file_has_mistakes(tmp_path):
    content = site_with_quiz(tmp_path, **{"tips/warm-up.md": tip(body="[x](nowhere.md)\n")})
    message, problems = sign_off(Project.at(ROOT, content), content / "quiz/q.yml", "Sam Lee, physiotherapist", TODAY,
                                 load_site)
    assert message == "" and [str(p) for p in problems] == [
        "content/tips/warm-up.md:8: The link 'nowhere.md' points at a file that doesn't exist. "
        "Hint: Links to other tips look like [Shoes](shoes.md).",
        "content/quiz/q.yml: This file can't be signed off yet: the site has mistakes the build refuses. "
        "Hint: Fix the mistakes listed above, then sign it off again."]
    assert not (content / LEDGER).exists()


# ---- Release builds ----

def test_a_release_refuses_unsigned_clinical_text_and_leaves_dist_as_it_was(tmp_path):
    content = site_with_quiz(tmp_path)
    out = tmp_path / "dist"
    assert run("build", "--content", content, "--out", out).returncode == 0  # an ordinary build publishes it
    before = snapshot(out)
    result = run("build", "--release", "--content", content, "--out", out, "--no-cache")
    assert result.returncode == 1 and snapshot(out) == before
    assert result.stderr.splitlines() == [
        "content/quiz/q.yml: This quiz is not yet reviewed: no clinician has signed it off, so a release build "
        "can't publish it. Hint: " + SIGN_OFF_HINT.format("content/quiz/q.yml"),
        "content/tips/help.md:7: This clinical tip is not yet reviewed: no clinician has signed it off, so a release "
        "build can't publish it. Hint: " + SIGN_OFF_HINT.format("content/tips/help.md"),
        f"Build failed: 2 problems to fix. The published site in {out} was not changed."]


def test_a_release_publishes_once_signed_and_refuses_again_after_a_change(tmp_path):
    content = site_with_quiz(tmp_path)
    out = tmp_path / "dist"
    signed(content, "quiz/q.yml")
    signed(content, "tips/help.md")
    build(Project.at(ROOT, content), out, release=True)  # the unsigned, non-clinical warm-up.md doesn't stop it
    before = snapshot(out)
    quiz = content / "quiz/q.yml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("Any of these?", "Do you have any of these?"),
                    encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        build(Project.at(ROOT, content), out, release=True)
    assert [str(p) for p in failure.value.problems] == [
        "content/quiz/q.yml: This quiz is not yet reviewed: it has changed since Sam Lee (physiotherapist) signed it "
        "off on 2026-12-04, so a release build can't publish it. Hint: " + SIGN_OFF_HINT.format("content/quiz/q.yml")]
    assert snapshot(out) == before
    signed(content, "quiz/q.yml")
    build(Project.at(ROOT, content), out, release=True)


def test_saving_with_other_line_endings_keeps_a_sign_off(tmp_path):
    content = site_with_quiz(tmp_path)
    signed(content, "tips/help.md")
    help_tip = content / "tips/help.md"
    help_tip.write_bytes(b"\xef\xbb\xbf" + help_tip.read_bytes().replace(b"\n", b"\r\n"))  # Notepad's way
    signed(content, "quiz/q.yml")
    build(Project.at(ROOT, content), tmp_path / "dist", release=True)


def test_a_clinical_draft_is_left_out_of_a_release_not_refused(tmp_path):
    content = make_content(tmp_path, {"tips/help.md": tip(title="Help", clinical="true", draft="true")})
    build(Project.at(ROOT, content), tmp_path / "dist", release=True)
    assert not (tmp_path / "dist/tips/help").exists()


# ---- What pages claim ----

def test_a_page_claims_a_review_only_while_its_text_is_the_text_signed(tmp_path):
    content = site_with_quiz(tmp_path)
    out = tmp_path / "dist"
    build(Project.at(ROOT, content), out)
    unsigned = read_page(out, "tips/help/index.html")
    assert 'Last updated: <time datetime="2026-01-10">10 January 2026</time><br>\n' in unsigned
    assert "This page has not yet been reviewed by a clinician." in unsigned
    assert "Reviewed by" not in unsigned and "Next review due" not in unsigned
    assert {"lastReviewed", "reviewedBy"} & set(json_ld(unsigned)) == set()
    assert '<p class="review-dates">This quiz has not yet been reviewed by a clinician.</p>' in read_page(out, "q/index.html")
    assert "not yet reviewed" not in read_page(out, "tips/warm-up/index.html")  # not clinical: only "Last updated"

    signed(content, "tips/help.md")
    signed(content, "quiz/q.yml")
    build(Project.at(ROOT, content), out)
    html = read_page(out, "tips/help/index.html")
    assert ('Reviewed by Sam Lee, physiotherapist on <time datetime="2026-12-04">4 December 2026</time><br>\n'
            'Next review due: <time datetime="2027-01-10">10 January 2027</time>') in html
    assert "Last updated" not in html and "not yet been reviewed" not in html
    data = json_ld(html)
    assert data["lastReviewed"] == "2026-12-04"
    assert data["reviewedBy"] == {"@type": "Person", "name": "Sam Lee", "jobTitle": "physiotherapist"}
    quiz = read_page(out, "q/index.html")
    assert ('<p class="review-dates">Reviewed by Sam Lee, physiotherapist on <time datetime="2026-12-04">4 December '
            '2026</time>. Next review due: <time datetime="2027-11-01">1 November 2027</time>.</p>') in quiz
    assert json_ld(quiz)["reviewedBy"]["name"] == "Sam Lee"

    (content / "tips/help.md").write_text(CLINICAL_TIP + "One more sentence.\n", encoding="utf-8")
    build(Project.at(ROOT, content), out)
    changed = read_page(out, "tips/help/index.html")
    assert "Reviewed by" not in changed and "This page has not yet been reviewed by a clinician." in changed
    assert "reviewedBy" not in json_ld(changed)


def test_the_preview_marks_every_page_not_yet_reviewed(tmp_path):
    content = site_with_quiz(tmp_path)
    signed(content, "tips/help.md")
    (content / "tips/help.md").write_text(CLINICAL_TIP + "Changed.\n", encoding="utf-8")
    out, published = tmp_path / "preview", tmp_path / "dist"
    build(Project.at(ROOT, content), out, preview=True)
    notice = '<p class="review-notice"><strong>Not yet reviewed by a clinician.</strong>'
    assert notice + "\nNo clinician has signed off this text. Only the preview shows this box.</p>" in read_page(
        out, "tips/warm-up/index.html")
    assert notice + ("\nThis text has changed since Sam Lee (physiotherapist) signed it off on 4 December 2026. "
                     "A release build will not publish it until one does. Only the preview shows this box.</p>") in read_page(
        out, "tips/help/index.html")
    assert notice + ("\nNo clinician has signed off this text. A release build will not publish it until one does. "
                     "Only the preview shows this box.</p>") in read_page(out, "q/index.html")
    assert "review-notice" not in read_page(out, "index.html")  # pages that are neither tips nor quizzes
    build(Project.at(ROOT, content), published)
    assert "review-notice" not in read_page(published, "tips/help/index.html")


def test_the_preview_shows_no_notice_on_a_signed_page(tmp_path):
    content = site_with_quiz(tmp_path)
    signed(content, "tips/help.md")
    build(Project.at(ROOT, content), tmp_path / "preview", preview=True)
    assert "review-notice" not in read_page(tmp_path / "preview", "tips/help/index.html")
    assert "review-notice" in read_page(tmp_path / "preview", "tips/warm-up/index.html")


def test_the_real_site_claims_exactly_the_reviews_its_ledger_records(built_site):
    ledger, problems = load_ledger(ROOT / "content")
    site, _ = load_site(Project.at(ROOT))
    assert problems == []
    for item in (*site.tips, *site.quizzes):
        html = read_page(built_site, f"{item.url}index.html")
        assert ("Reviewed by" in html) == item.review.signed, item.source
        assert ("reviewedBy" in json_ld(html)) == item.review.signed, item.source
    for path in built_site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "last reviewed" not in text.lower() and "written and reviewed by" not in text.lower(), path


# ---- Sources ----

def test_tip_and_quiz_pages_list_their_sources(tmp_path):
    out = build_site(tmp_path, {"tips/warm-up.md": tip(sources='["NHS: Back pain", "<b>NICE</b> NG59"]'),
                                "quiz/q.yml": QUIZ.replace("\nflags: [care]\n", '\nflags: [care]\nsources: ["NHS: Sciatica"]\n')})
    assert ('<h2>Sources</h2>\n<ul>\n<li>NHS: Back pain</li>\n<li>&lt;b&gt;NICE&lt;/b&gt; NG59</li>'
            in read_page(out, "tips/warm-up/index.html"))
    assert '<h2>Sources</h2>\n<ul>\n<li>NHS: Sciatica</li>' in read_page(out, "q/index.html")


def test_a_source_may_be_a_mapping_with_a_title_and_an_optional_web_address(tmp_path):
    site, _ = load_site(Project.at(ROOT, make_content(tmp_path)))
    env = make_environment(ROOT / "templates", site, {}, preview=False)
    sources_list = env.get_template("macros.html").module.sources_list

    class Source:  # the shape a quiz loader may give: attributes, not keys
        def __init__(self, title, url=""):
            self.id, self.title, self.url = "nice", title, url

    html = str(sources_list(["NHS: Back pain", {"id": "ng59", "title": "NICE NG59", "url": "https://www.nice.org.uk/guidance/ng59"},
                             {"id": "cards", "title": "Cauda equina cards"},
                             {"id": "bad", "title": "Bad", "url": "javascript:alert(1)"}, Source("Sciatica")]))
    assert [line.strip() for line in html.splitlines() if line.strip().startswith("<li>")] == [
        "<li>NHS: Back pain</li>", '<li><a href="https://www.nice.org.uk/guidance/ng59">NICE NG59</a></li>',
        "<li>Cauda equina cards</li>", "<li>Bad</li>", "<li>Sciatica</li>"]
    assert str(sources_list([])).strip() == ""


# ---- check ----

def check_lines(content) -> list[str]:
    """What check says about sign-off (its quiz, a test fixture, has no scenarios or sources: not the point here)."""
    report = check_site(Project.at(ROOT, content), TODAY)
    return [str(p) for p in (*report.problems, *report.info) if "reviewed" in p.message]


def test_check_warns_about_clinical_text_and_informs_about_the_rest(tmp_path):
    content = site_with_quiz(tmp_path)
    assert check_lines(content) == [
        "content/quiz/q.yml: warning: This quiz is not yet reviewed: no clinician has signed it off, so a release "
        "build will refuse it. Hint: " + SIGN_OFF_HINT.format("content/quiz/q.yml"),
        "content/tips/help.md:7: warning: This clinical tip is not yet reviewed: no clinician has signed it off, so a "
        "release build will refuse it. Hint: " + SIGN_OFF_HINT.format("content/tips/help.md"),
        "content/tips/warm-up.md: info: This tip is not yet reviewed: no clinician has signed it off, so its page "
        "makes no review claim. Hint: " + SIGN_OFF_HINT.format("content/tips/warm-up.md")]
    for rel in ("quiz/q.yml", "tips/help.md", "tips/warm-up.md"):
        signed(content, rel)
    assert check_lines(content) == []
    (content / "tips/warm-up.md").write_text(tip(body="Changed.\n"), encoding="utf-8")
    assert check_lines(content) == [
        "content/tips/warm-up.md: info: This tip is not yet reviewed: it has changed since Sam Lee (physiotherapist) "
        "signed it off on 2026-12-04, so its page makes no review claim. Hint: "
        + SIGN_OFF_HINT.format("content/tips/warm-up.md")]


def test_check_says_reviewed_by_no_longer_names_anyone(tmp_path):
    content = make_content(tmp_path, {"tips/warm-up.md": tip(reviewed_by="Sam Lee, physiotherapist")})
    assert "content/tips/warm-up.md:7: info: 'reviewed_by' is not shown on the site: only a clinician's sign-off " \
           "names a reviewer. Hint: Delete the line. " + SIGN_OFF_HINT.format("content/tips/warm-up.md") in \
           check_lines(content)


# ---- The notice is valid, accessible HTML ----

@pytest.fixture(scope="module")
def preview_of_the_real_site(tmp_path_factory):
    """The clinic's content built as the preview builds it: every tip and the quiz carry the notice."""
    out = tmp_path_factory.mktemp("preview") / "site"
    build(Project.at(ROOT), out, preview=True)
    return out


def test_preview_pages_with_the_notice_are_valid_html(preview_of_the_real_site):
    from tests.test_site_in_browser import vnu_errors
    assert "review-notice" in read_page(preview_of_the_real_site, "should-i-see-someone/index.html")
    errors = vnu_errors(preview_of_the_real_site)
    assert errors == [], "\n".join(f"{e['url']}:{e.get('lastLine')}: {e['message']}" for e in errors)


@pytest.mark.browser
@pytest.mark.parametrize("path", ["tips/when-to-get-help/", "should-i-see-someone/"])
def test_preview_pages_with_the_notice_have_no_wcag_violations(page, check_axe, preview_of_the_real_site, path):
    from tests.conftest import serve_folder
    server, url = serve_folder(preview_of_the_real_site)
    try:
        page.goto(f"{url}/{path}")
        assert page.get_by_text("Not yet reviewed by a clinician.").is_visible()
        check_axe(page)
    finally:
        server.shutdown()


@pytest.mark.browser
def test_the_quiz_lists_its_sources_on_the_start_page_only(page, tmp_path):
    from tests.conftest import serve_folder
    out = build_site(tmp_path, {"quiz/q.yml": QUIZ.replace("\nflags: [care]\n", '\nflags: [care]\nsources: ["NHS: Sciatica"]\n')})
    server, url = serve_folder(out)
    try:
        page.goto(f"{url}/q/")
        sources = page.get_by_role("heading", name="Sources")
        assert sources.is_visible()
        page.get_by_role("button", name="Start now").click()
        assert page.get_by_role("heading", name="Any of these?").is_visible() and not sources.is_visible()
        page.get_by_role("checkbox", name="Numbness").check()
        page.get_by_role("button", name="Continue").click()
        assert page.get_by_role("heading", name="Emergency: Call 999").is_visible() and not sources.is_visible()
    finally:
        server.shutdown()
