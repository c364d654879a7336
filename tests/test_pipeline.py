"""Whole builds: what gets written, reproducibility, atomic swaps, and the command line."""
import os
import re
import shutil
import subprocess
import sys
import time

import pytest

from signpost.incremental import Cold
from signpost.pipeline import Project, build
from signpost.problems import BuildFailed
from tests.linkwalk import broken_links
from tests.sitekit import ROOT, build_site, make_content, picture, snapshot, tip


def test_the_real_site_builds_and_every_internal_link_resolves(built_site):
    files = snapshot(built_site)
    for page in ["index.html", "404.html", "tips/index.html", "tips/warm-up/index.html", "tags/index.html",
                 "tags/cool-down/index.html", "about/index.html", "should-i-see-someone/index.html"]:
        assert page in files, page
    assert sum(1 for p in files if p.startswith("tips/") and p.endswith("/index.html")) >= 9
    assert broken_links(built_site) == []


def test_a_fixture_site_with_links_and_tags_has_no_broken_links(tmp_path):
    out = build_site(tmp_path, {
        "tips/shoes.md": tip(title="Shoes", tags="[running, footwear]", body="[Warm up](warm-up.md#one)\n"),
        "pages/about.md": "---\ntitle: About\n---\n[Shoes](../tips/shoes.md)\n",
    })
    assert broken_links(out) == []


# ---- Links in the quiz's Markdown: rewritten and checked as links in tips are ----

QUIZ = (ROOT / "tests" / "quiz" / "fixtures" / "checklist.yml").read_text(encoding="utf-8")
PNG = picture()


def quiz_with(intro: str = "Hello.", body: str = "Well done.") -> str:
    """The checklist quiz with an intro (line 4 on) and a result's body (line 35 on)."""
    lines = QUIZ.replace("title: What kind of runner are you?\n",
                         "title: What kind of runner are you?\nintro: |\n  " + intro.replace("\n", "\n  ") + "\n")
    return lines.replace("  - {id: road-runner, urgency: self-care, title: You are a road runner}\n",
                         "  - id: road-runner\n    urgency: self-care\n    title: You are a road runner\n"
                         "    body: |\n      " + body.replace("\n", "\n      ") + "\n")


def test_links_in_quiz_markdown_lead_to_the_pages_they_name(tmp_path):
    # Found in review: [Shoes](../tips/shoes.md) in a quiz went out as written, a broken link.
    files = {"quiz/checklist.yml": quiz_with(
        intro="Read [warming up](../tips/warm-up.md) and [its first step](../tips/warm-up.md#one).",
        body="See [about us](../pages/about.md), or [start again](checklist.yml).\n\n"
             "![A running shoe](../images/shoe.png)"),
        "pages/about.md": "---\ntitle: About\n---\nHi.\n", "images/shoe.png": PNG}
    for base in ("/", "/guidance/"):
        out = build_site(tmp_path / base.strip("/"), files, base_url=f"https://clinic.example{base}")
        page = (out / "checklist" / "index.html").read_text(encoding="utf-8")
        for href in (f'href="{base}tips/warm-up/"', f'href="{base}tips/warm-up/#one"', f'href="{base}about/"',
                     f'href="{base}checklist/"', f'src="{base}images/shoe.4.'):
            assert href in page
        assert broken_links(out, base) == []


@pytest.mark.parametrize("link, expected", [
    ("[Shoes](../tips/shoes.md)", "content/quiz/checklist.yml:{line}: The link '../tips/shoes.md' points at a file "
     "that doesn't exist. Hint: Did you mean '../tips/hills.md'?"),
    ("[Hills](../tips/hills.md)", "content/quiz/checklist.yml:{line}: The link '../tips/hills.md' points at a draft, "
     "which won't be published. Hint: Remove the link, or publish the draft first."),
    ("[Step](../tips/warm-up.md#on)", "content/quiz/checklist.yml:{line}: The link '../tips/warm-up.md#on' points at "
     "a heading that doesn't exist. Hint: Did you mean '../tips/warm-up.md#one'?"),
    ("[x](/tips/shoes/)", "content/quiz/checklist.yml:{line}: The link '/tips/shoes/' points at a web address, not "
     "a file. Hint: Link to the file instead, e.g. [Shoes](shoes.md) or [About](../pages/about.md)."),
], ids=["missing", "draft", "heading", "web-address"])
@pytest.mark.parametrize("where", ["intro", "body"])
def test_links_in_quiz_markdown_are_checked_at_their_line_as_in_tips(tmp_path, link, expected, where):
    text = f"First line.\n\nThen {link}."
    quiz = quiz_with(intro=text) if where == "intro" else quiz_with(body=text)
    content = make_content(tmp_path, {"quiz/checklist.yml": quiz, "tips/hills.md": tip(title="Hills", draft="true")})
    with pytest.raises(BuildFailed) as failure:
        build(Project.at(ROOT, content), tmp_path / "dist")
    line = quiz.split("\n").index(f"{'  ' if where == 'intro' else '      '}Then {link}.") + 1
    assert [str(p) for p in failure.value.problems if p.severity == "error"] == [expected.format(line=line)]


def test_a_quiz_may_link_to_a_draft_in_the_preview(tmp_path):
    content = make_content(tmp_path, {"quiz/checklist.yml": quiz_with(intro="[Hills](../tips/hills.md)"),
                                      "tips/hills.md": tip(title="Hills", draft="true")})
    build(Project.at(ROOT, content), tmp_path / "preview", preview=True)
    assert 'href="/tips/hills/"' in (tmp_path / "preview" / "checklist" / "index.html").read_text(encoding="utf-8")


def test_same_sources_give_byte_identical_output(tmp_path):
    first = snapshot(build_site(tmp_path / "a"))
    second = snapshot(build_site(tmp_path / "b"))
    assert first == second and len(first) > 5


def test_a_failed_build_leaves_the_previous_site_exactly_as_it_was(tmp_path):
    out = build_site(tmp_path, out=tmp_path / "dist")
    before = snapshot(out)
    with pytest.raises(BuildFailed):
        build_site(tmp_path, {"tips/warm-up.md": "---\ntitle: broken\n"}, out=out)
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".dist")] == []


def test_a_good_build_replaces_the_site_whole(tmp_path):
    out = build_site(tmp_path, {"tips/shoes.md": tip(title="Shoes")})
    (tmp_path / "content/tips/shoes.md").unlink()
    build(Project.at(ROOT, tmp_path / "content"), out)
    assert not (out / "tips/shoes").exists() and (out / "tips/warm-up/index.html").is_file()


def test_two_sources_for_one_output_path_is_an_error(tmp_path):
    with pytest.raises(BuildFailed) as failure:
        build_site(tmp_path, {"pages/tips.md": "---\ntitle: Tips\n---\nHi\n"})
    assert [str(p) for p in failure.value.problems] == [
        "content/pages/tips.md: This would be written to tips/index.html, which content/tips/ already uses. "
        "Hint: Rename one of the two files."]


def run_cli(*args):
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *map(str, args)],
                          capture_output=True, text=True, timeout=60)


def test_command_line_build_prints_one_summary_line(tmp_path):
    build_site(tmp_path)  # writes tmp_path/content
    result = run_cli("--content", tmp_path / "content", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(rf"Built 7 pages \(\d+ files\) in \d+\.\d\d s into {re.escape(str(tmp_path / 'out'))}\n",
                        result.stdout), result.stdout


def test_command_line_lists_every_problem_without_a_traceback(tmp_path):
    build_site(tmp_path)
    (tmp_path / "content/tips/warm-up.md").write_text("---\ntitle: [oops\n---\n")
    (tmp_path / "content/tips/shoes.md").write_text(tip(draft="maybe"))
    result = run_cli("build", "--content", tmp_path / "content", "--out", tmp_path / "out")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().split("\n")
    assert lines == [
        "content/tips/shoes.md:7: 'draft' must be true or false, got 'maybe'. Hint: Write true or false (no quotes).",
        "content/tips/warm-up.md:2: This YAML could not be read: expected ',' or ']', but got '<stream end>'. "
        "Hint: A value that starts with [ is a list and needs a closing ]; put other text in quotes.",
        f"Build failed: 2 problems to fix. The published site in {tmp_path / 'out'} was not changed.",
    ]


def test_base_url_option_prefixes_every_link(tmp_path):
    out = build_site(tmp_path, base_url="https://clinic.example/guidance/")
    html = (out / "tips/warm-up/index.html").read_text()
    assert 'href="/guidance/tips/"' in html and '<link rel="canonical" href="https://clinic.example/guidance/tips/warm-up/">' in html
    assert broken_links(out, "/guidance/") == []


@pytest.mark.parametrize("workers", [1, 2])  # 2: 120 tips are rendered by two processes
def test_a_template_mistake_is_a_problem_not_a_traceback(tmp_path, workers):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "tag.html").write_text("{% extends 'base.html' %}{% block main %}{{ tag.nmae }}{% endblock %}")
    project = Project(tmp_path / "content", templates, ROOT / "assets")
    # 'stretching', not on every tip, is a topic with a page (a tag on every tip has none: topics.py)
    many = {f"tips/tip-{i:03}.md": tip(title=f"Tip {i}", tags="[running, stretching]")
            for i in range(120 if workers > 1 else 0)}
    out = build_site(tmp_path, many)  # also writes the content folder
    before = snapshot(out)
    with pytest.raises(BuildFailed) as failure:
        build(project, out, speedups=Cold(workers))
    assert [str(p) for p in failure.value.problems] == [
        "templates/tag.html:1: The template could not be used for content/tips/: 'signpost.model.Tag object' "
        "has no attribute 'nmae'. Hint: This is a problem in the site's design files, not in the content."]
    assert snapshot(out) == before


def test_sources_are_read_again_only_when_their_signature_changed_or_is_too_recent(tmp_path):
    import os

    from signpost.bodies import BodyCache
    from signpost.incremental import Warm
    from signpost.sources import markdown_files
    content = make_content(tmp_path, {"tips/rest.md": tip(title="Rest"), "tips/shoes.md": tip(title="Shoes")})
    hour_ago = time.time() - 3600
    for name in ("warm-up", "rest", "shoes"):
        os.utime(content / f"tips/{name}.md", (hour_ago, hour_ago))
    files, speedups = markdown_files(content / "tips"), Warm(bodies=BodyCache(documents={}))
    first = {doc.slug: doc for doc, _ in speedups.read_documents(content, files)}
    (content / "tips/rest.md").write_text(tip(title="Rest days"))           # just saved: too recent to trust
    (content / "tips/shoes.md").write_text(tip(title="Trainers"))
    os.utime(content / "tips/shoes.md", (hour_ago, hour_ago))                # changed, then given its old time
    second = {doc.slug: doc for doc, _ in speedups.read_documents(content, files)}
    assert second["warm-up"] is first["warm-up"]                             # unchanged: not read again
    assert second["rest"].meta["title"] == "Rest days" and second["shoes"].meta["title"] == "Trainers"
    third = {doc.slug: doc for doc, _ in speedups.read_documents(content, files)}
    assert third["rest"] is not second["rest"] and third["shoes"] is second["shoes"]


@pytest.mark.parametrize("option", ["--out", "--content"])
def test_a_link_loop_given_as_a_folder_is_a_problem_not_a_traceback(tmp_path, option):
    # Adversarial review, item 12: resolving the path for the cache's name raised RuntimeError.
    build_site(tmp_path)
    os.symlink("loop-b", tmp_path / "loop-a")
    os.symlink("loop-a", tmp_path / "loop-b")
    folders = {"--content": tmp_path / "content", "--out": tmp_path / "out", option: tmp_path / "loop-a"}
    result = run_cli("build", *[part for pair in folders.items() for part in pair])
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (f"{tmp_path / 'loop-a'}: {option} can't be used: Too many levels of symbolic links. "
                             "Hint: One of the links on the way leads back to itself: give the real folder instead.\n")
