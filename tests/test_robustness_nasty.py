"""A named corpus of nasty files, each with the exact message an editor sees; and hostile text
(</script>, <img onerror>, javascript:) that must never reach the built site unescaped."""
from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from signpost.pipeline import Project, build, load_site
from signpost.problems import BuildFailed
from tests.sitekit import ROOT, SITE_YML, make_content, picture, tip

QUIZ = (ROOT / "tests" / "quiz" / "fixtures" / "startback-like.yml").read_text(encoding="utf-8")
LAUGHS = "lol: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"l{n}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 9)}]\n" for n in range(8))
BIG = tip(body="## Big\n\n" + "Run slowly and breathe. " * 420_000)  # about 10 MB; generated, never committed
ALIAS = ("This YAML could not be read: found an alias (*name); anchors and aliases are not supported. "
         "Hint: Write the value out in full instead of using & and *.")
OUTSIDE = "This file is a link to a file outside the content folder. " \
          "Hint: Copy the file into the content folder instead of linking to it."


def bad_name(path: str, stem: str, better: str) -> str:
    return (f"content/{path}: The file name '{stem}' can't be used as a web address. "
            f"Hint: Use lowercase letters, numbers and hyphens only, e.g. '{better}'.")


ESCAPED = "A backslash code in this quoted text makes a character that isn't allowed"
ESCAPE_HINT = "Hint: Delete the code (such as \\x00, \\e or \\u…); to write a backslash itself, write \\\\."
UNREADABLE = "This text could not be turned into a page: "
MARKDOWN_HINT = ("Markdown uses [ ] for links, and indented '-' or '>' lines for lists and quotes; "
                 "look for a long run of them.")
NOT_UTF8 = "This file is not saved as UTF-8 text. Hint: Save it again as 'UTF-8' in your editor."
NO_FRONT_MATTER = ("The file must start with front matter: a line with just '---'. "
                   "Hint: Put '---' on the first line, then the settings (title, summary, …), then '---'.")

# name → (files written over a valid one-tip site, every problem load_site reports)
CORPUS = {
    "not UTF-8": ({"tips/warm-up.md": b"---\ntitle: Caf\xe9 stretches\n---\n"},
                  [f"content/tips/warm-up.md:2: {NOT_UTF8}"]),
    "site.yml not UTF-8": ({"site.yml": SITE_YML.encode() + b"tagline: Caf\xe9\n"},
                           [f"content/site.yml:7: {NOT_UTF8}"]),
    "quiz not UTF-8": ({"quiz/check.yml": b"title: \xff\xfe\n"}, [f"content/quiz/check.yml:1: {NOT_UTF8}"]),
    "byte order mark": ({"tips/warm-up.md": "\ufeff" + tip(), "site.yml": "\ufeff" + SITE_YML}, []),
    "CRLF line endings": ({"tips/warm-up.md": tip().replace("\n", "\r\n").encode(),
                           "site.yml": SITE_YML.replace("\n", "\r\n").encode()}, []),
    "old Mac CR line endings": ({"tips/warm-up.md": tip().replace("\n", "\r").encode()}, []),
    "empty tip": ({"tips/warm-up.md": b""}, [f"content/tips/warm-up.md:1: {NO_FRONT_MATTER}"]),
    "empty front matter": ({"tips/warm-up.md": "---\n---\nBody\n"},
                           ["content/tips/warm-up.md:2: The front matter is empty. Hint: Add at least a title and a summary."]),
    "empty site.yml": ({"site.yml": b""}, ["content/site.yml:1: The site settings file is empty."]),
    "empty quiz": ({"quiz/check.yml": b"# nothing yet\n"}, [
        "content/quiz/check.yml:1: The quiz file is empty. "
        "Hint: Start with 'title: …', then 'questions:', 'rules:' and 'outcomes:'."]),
    "10 MB tip": ({"tips/warm-up.md": BIG},
                  ["content/tips/warm-up.md: This file is 10.1 MB, too big for a text file (the limit is 100 KB). "
                   "Hint: Check nothing was pasted in by mistake; pictures go in content/images/."]),
    "billion laughs in front matter": ({"tips/warm-up.md": "---\n" + LAUGHS + "---\nBody\n"},
                                       [f"content/tips/warm-up.md:3: {ALIAS}"]),
    "billion laughs in a quiz": ({"quiz/check.yml": LAUGHS}, [f"content/quiz/check.yml:2: {ALIAS}"]),
    "billion laughs in site.yml": ({"site.yml": SITE_YML + LAUGHS}, [f"content/site.yml:8: {ALIAS}"]),
    "duplicate key in front matter": ({"tips/warm-up.md": tip(title="Warm up", date="2026-02-01")},
                                      ["content/tips/warm-up.md:7: 'date' appears twice in the same block "
                                       "(first on line 5). Hint: Keep one of them; YAML would silently use the last."]),
    "duplicate key in site.yml": ({"site.yml": SITE_YML + "name: Other Clinic\n"},
                                  ["content/site.yml:7: 'name' appears twice in the same block (first on line 1). "
                                   "Hint: Keep one of them; YAML would silently use the last."]),
    "duplicate key in a quiz": ({"quiz/check.yml": QUIZ.replace("title: ", "title: Once\ntitle: ", 1)},
                                ["content/quiz/check.yml:7: 'title' appears twice in the same block (first on "
                                 "line 6). Hint: Keep one of them; YAML would silently use the last."]),
    "tab in front matter": ({"tips/warm-up.md": tip().replace("summary:", "\tsummary:")},
                            ["content/tips/warm-up.md:3: This YAML could not be read: found character '\\t' that "
                             "cannot start any token. Hint: Indent with spaces, not tabs."]),
    "control character": ({"tips/warm-up.md": tip(title="Warm\x1b[31m up")},
                          ["content/tips/warm-up.md:2: This YAML contains an invisible character (U+001B) that "
                           "isn't allowed. Hint: Delete it: retype the line, or paste it again as plain text."]),
    "control characters made by escapes": (  # adversarial review, item 9: invalid feed.xml
        {"tips/warm-up.md": tip(title='"Warm\\x00\\e up"'), "quiz/check.yml": QUIZ.replace("title: ", 'title: "Bell\\a"\n#', 1)},
        [f"content/tips/warm-up.md:2: {ESCAPED} (U+0000). {ESCAPE_HINT}", f"content/quiz/check.yml:6: {ESCAPED} (U+0007). {ESCAPE_HINT}"]),
    "a lone surrogate made by an escape": (  # item 9: a traceback when the page was encoded as UTF-8
        {"site.yml": SITE_YML.replace("Test Clinic footer.", '"Footer\\ud800"')},
        [f"content/site.yml:6: {ESCAPED} (U+D800). {ESCAPE_HINT}"]),
    "slug key with ../": ({"tips/warm-up.md": tip(slug="../../etc/passwd")},
                          ["content/tips/warm-up.md:7: Unknown key 'slug'. Hint: Allowed keys: clinical, date, draft, "
                           "hero, hero_alt, next_review, order, reviewed, reviewed_by, sources, summary, tags, title."]),
    "file name with ..": ({"tips/..md": tip(), "tips/a..b.md": tip(), "quiz/...yml": QUIZ},
                          [bad_name("quiz/...yml", "..", "my-tip"), bad_name("tips/..md", ".", "my-tip"),
                           bad_name("tips/a..b.md", "a..b", "a-b")]),
    "file name ending in a new line": (  # adversarial review, item 12: passed, and made a folder name with it
        {"tips/warm\n.md": tip(), "tips/up\x1b[2J.md": tip()},
        [bad_name("tips/warm\\n.md", "warm\\n", "warm"), bad_name("tips/up\\x1b[2J.md", "up\\x1b[2J", "up-2j")]),
    "file name with markup": ({"tips/x<script>.md": tip()}, [bad_name("tips/x<script>.md", "x<script>", "x-script")]),
    "slugs that differ only by case": ({"tips/Warm-Up.md": tip()}, [bad_name("tips/Warm-Up.md", "Warm-Up", "warm-up")]),
    "file names with spaces and accents": ({"tips/my tip.md": tip(), "pages/café.md": tip()},
                                           [bad_name("pages/café.md", "café", "cafe"),
                                            bad_name("tips/my tip.md", "my tip", "my-tip")]),
    "a web page among the pictures (SVG: tests/test_pictures.py)": (
        {"images/page.html": "<script>alert(1)</script>", "images/.DS_Store": b"\0",
         "images/run.JPG": picture(fmt="JPEG")},
        ["content/images/page.html: Only pictures can go in the images folder, not 'page.html'. Hint: Use a .png, "
         ".jpg, .jpeg, .gif, .webp, .avif or .svg file."]),
    "a pasted log of 150 KB": ({"pages/log.md": "---\ntitle: Log\n---\n" + "12:00 ok\n" * 16_700},
                               ["content/pages/log.md: This file is 150 KB, too big for a text file (the limit is "
                                "100 KB). Hint: Check nothing was pasted in by mistake; pictures go in content/images/."]),
    "lists inside lists, 3,000 deep": ({"tips/warm-up.md": tip(body="- " * 3000 + "x\n")},
                                     [f"content/tips/warm-up.md:8: {UNREADABLE}lists or quotes are nested inside each "
                                      f"other too deeply. Hint: {MARKDOWN_HINT}"]),
    "20,000 brackets": ({"tips/warm-up.md": tip(body="[" * 20_000 + "x" + "]" * 20_000)},
                        [f"content/tips/warm-up.md:8: {UNREADABLE}it has 20000 '[' brackets, more than the 2000 that "
                         f"can be read in good time. Hint: {MARKDOWN_HINT}"]),
    "a quiz intro with 20,000 brackets": ({"quiz/check.yml": QUIZ.replace("title: ", f"intro: '{'[' * 20_000}'\ntitle: ", 1)},
                                          [f"content/quiz/check.yml:6: {UNREADABLE}it has 20000 '[' brackets, more than "
                                           f"the 2000 that can be read in good time. Hint: {MARKDOWN_HINT}"]),
    "a quiz intro of '<a ' again and again": (  # adversarial review, item 7: 99 KB of it took 121 s
        {"quiz/check.yml": QUIZ.replace("title: ", f"intro: '{'<a ' * 4_000}'\ntitle: ", 1)},
        [f"content/quiz/check.yml:6: {UNREADABLE}it has 4,000 '<' signs that start HTML tags, some not closed with "
         "'>', which would take minutes to read. Hint: Close each HTML tag with '>', or write &lt; for a '<' that "
         "doesn't start one."]),
    "YAML nested 5,000 deep": ({"tips/warm-up.md": "---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\n"},
                               ["content/tips/warm-up.md:2: This YAML could not be read: it is nested too deeply. "
                                "Hint: Look for a long run of [ or { brackets."]),
    "a character code of 5,000 digits": ({"tips/warm-up.md": tip(body="&#" + "9" * 5000 + ";\n")},
                                         ["content/tips/warm-up.md:8: warning: Some HTML was removed because it isn't "
                                          "allowed here: a character code too long to read. "
                                          "Hint: Write the content in Markdown instead of HTML."]),
    "booking_url javascript:": ({"site.yml": SITE_YML.replace("https://clinic.example/book", "javascript:alert(1)")},
                                ["content/site.yml:4: 'booking_url' must be a full web address, got "
                                 "'javascript:alert(1)'. Hint: Start it with https://"]),
}


def load_messages(content: Path) -> list[str]:
    _, problems = load_site(Project.at(ROOT, content))
    return sorted(str(p) for p in problems)


@pytest.mark.parametrize("name", CORPUS)
def test_nasty_file(tmp_path, name):
    files, expected = CORPUS[name]
    assert load_messages(make_content(tmp_path, files)) == sorted(expected)


def test_files_with_byte_order_marks_and_crlf_read_cleanly(tmp_path):
    files = {"tips/warm-up.md": "\ufeff" + tip(title="Warm up").replace("\n", "\r\n")}
    site, _ = load_site(Project.at(ROOT, make_content(tmp_path, files)))
    assert site.tips[0].title == "Warm up" and "\r" not in site.tips[0].body_html


def test_links_out_of_the_content_folder_are_refused(tmp_path):
    content = make_content(tmp_path, {"quiz/.keep": "", "images/.keep": "", "pages/.keep": ""})
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "tip.md").write_text(tip(title="SECRET"), encoding="utf-8")
    (secret / "photo.png").write_bytes(b"SECRET")
    (secret / "quiz.yml").write_text(QUIZ, encoding="utf-8")
    os.symlink(secret / "tip.md", content / "tips" / "linked.md")
    os.symlink(secret / "quiz.yml", content / "quiz" / "linked.yml")
    os.symlink(secret / "photo.png", content / "images" / "photo.png")
    os.symlink(secret, content / "images" / "folder")
    os.symlink("/etc/passwd", content / "pages" / "passwd.md")
    assert load_messages(content) == sorted(f"content/{rel}: {OUTSIDE}" for rel in (
        "tips/linked.md", "quiz/linked.yml", "images/photo.png", "images/folder", "pages/passwd.md"))


def test_a_link_inside_the_content_folder_is_fine(tmp_path):
    content = make_content(tmp_path, {"images/run.png": picture()})
    os.symlink("warm-up.md", content / "tips" / "warm-up-again.md")
    os.symlink("run.png", content / "images" / "run-again.png")
    site, problems = load_site(Project.at(ROOT, content))
    assert problems == [] and {t.slug for t in site.tips} == {"warm-up", "warm-up-again"}
    assert {path.split(".")[0] for path in site.images} == {"images/run", "images/run-again"}


def test_a_link_loop_is_a_problem_not_a_hang(tmp_path):
    content = make_content(tmp_path)
    os.symlink("loop-b.md", content / "tips" / "loop-a.md")
    os.symlink("loop-a.md", content / "tips" / "loop-b.md")
    assert load_messages(content) == [
        "content/tips/loop-a.md: This file could not be read: Too many levels of symbolic links.",
        "content/tips/loop-b.md: This file could not be read: Too many levels of symbolic links."]


# ---- Hostile text must come out escaped ----

SCRIPT = "</script><script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
PAYLOAD = f"Run {SCRIPT} {IMG}"
# What must never appear in any built file: each is only dangerous unescaped.
RAW = ["</script><script>", "<img src=x onerror", "javascript:", "<script>alert"]


class _ActiveMarkup(HTMLParser):
    """Event-handler attributes and script: URLs in real tags (not in text or attribute values)."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on") or re.match(r"\s*(javascript|vbscript|data):", value or "", re.I):
                self.found.append(f"<{tag} {name}={value}>")


def hostile_site(tmp_path) -> Path:
    """Payloads in every field an editor writes: titles, summaries, bodies, settings and quiz text."""
    quoted = PAYLOAD.replace('"', '\\"')
    # A Markdown link to javascript: is refused, in the quiz as in tips (test_load.py); pasted HTML is cleaned.
    quiz = (QUIZ.replace("title: ", f'title: "{quoted}"\nintro: "{quoted} <a href=\'javascript:alert(3)\'>go</a>"\n'
                         f'safety_net: "{quoted}"\n#', 1)
            .replace("question: ", f'question: "{quoted}" #', 1)
            .replace("label: ", f'label: "{quoted}" #', 1))
    body = (f"## {PAYLOAD}\n\n{PAYLOAD}\n\n<a href=\"javascript:alert(4)\">x</a>\n\n"
            f"<p onclick=\"alert(5)\">{SCRIPT}</p>\n\n`{SCRIPT}`\n\n    {IMG}\n")
    site_yml = SITE_YML.replace("Test Clinic footer.", f'"{quoted}"').replace("Back pain guidance", f'"{quoted}"')
    files = {"site.yml": site_yml, "tips/warm-up.md": tip(title=f'"{quoted}"', summary=f'"{quoted}"', body=body),
             "pages/about.md": f'---\ntitle: "{quoted}"\nnav_title: "{quoted}"\n---\n{body}', "quiz/check.yml": quiz}
    return make_content(tmp_path, files)


def vendored(path: str) -> bool:
    """The web editor's scripts, copied as they are from npm packages: no content reaches them."""
    return path.startswith("admin/") and path.endswith((".js", ".wasm"))


def test_hostile_text_never_reaches_the_output_unescaped(tmp_path):
    content = hostile_site(tmp_path)
    for preview in (False, True):
        out = tmp_path / f"dist-{preview}"
        report = build(Project.at(ROOT, content), out, preview=preview)
        assert report.warnings  # the removed HTML is reported, not silently dropped
        found = {(file.relative_to(out).as_posix(), raw) for file in out.rglob("*") if file.is_file()
                 and not vendored(file.relative_to(out).as_posix()) for raw in RAW if raw.lower() in file.read_bytes().decode("utf-8", "replace").lower()}
        found |= {(file.relative_to(out).as_posix(), markup) for file in out.rglob("*.html")
                  for markup in _ActiveMarkup(file.read_text(encoding="utf-8")).found}
        assert found == set()
        page = (out / "tips" / "warm-up" / "index.html").read_text(encoding="utf-8")
        assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, not dropped


def test_the_preview_error_page_escapes_hostile_messages(tmp_path):
    from signpost.serve import render_error_page
    content = make_content(tmp_path, {f"tips/x{SCRIPT.replace('/', '')}.md": tip(), "tips/y.md": tip(title=IMG)})
    with pytest.raises(BuildFailed) as failure:
        build(Project.at(ROOT, content), tmp_path / "dist")
    page = render_error_page(failure.value.problems).decode()
    assert not any(raw in page for raw in RAW) and re.search("&lt;script&gt;", page)
