"""Reused pages (signpost/memo.py): a warm build or a preview save renders only what changed,
and the result is always byte-for-byte what a cold build gives."""
import dataclasses
import datetime as dt
import json
import os
import shutil

import pytest

from signpost.bodies import BodyCache
from signpost.incremental import Warm
from signpost.memo import SavedPages
from signpost.pipeline import Project, build, collect_tags, load_site
from signpost.problems import BuildFailed
from signpost.render import render_site
from signpost.serve import Preview, rebuild
from signpost.signoff import sign_off
from signpost.write import MARKER
from tests.sitekit import ROOT, picture, snapshot, tip


def test_only_a_tips_own_page_shows_its_body():
    """What memo.py relies on: change every tip's body, headings and exact word count (not its
    reading time) and no page but the tips' own may change."""
    site, _ = load_site(Project.at(ROOT))
    before = render_site(site, ROOT / "templates")
    tips = tuple(dataclasses.replace(t, body_html="<p>Another body.</p>", headings=(), words=200 * t.reading_minutes)
                 for t in site.tips)
    after = render_site(dataclasses.replace(site, tips=tips, tags=collect_tags(tips)), ROOT / "templates")
    own_pages = {f"{t.url}index.html" for t in site.tips}
    assert {path for path in before if before[path] != after[path]} == own_pages


def inodes(folder):
    """Each file's inode, but the marker's and the search index's: a build always writes them afresh."""
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*")
            if p.is_file() and p.name != MARKER and not p.relative_to(folder).as_posix().startswith("pagefind/")}


def replace_in(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def sign_shoes(content, templates):
    """A clinician signs off the shoes tip (only ever in a copy of the content)."""
    _, problems = sign_off(Project(content, templates, ROOT / "assets"), content / "tips/shoes.md",
                           "Sam Lee, physiotherapist", dt.date(2026, 12, 4), load_site)
    assert problems == []


# Each edit is applied on top of the ones before, to a copy of the clinic's real site.
EDITS = {
    "a body": lambda c, t: (c / "tips/shoes.md").write_text((c / "tips/shoes.md").read_text() + "\nOne more line.\n"),
    "a word, the word count unchanged": lambda c, t: replace_in(c / "tips/shoes.md", "your runs much more comfortable",
                                                                "your runs much more pleasant"),
    "a title": lambda c, t: replace_in(c / "tips/shoes.md", "title: Choose the right running shoes",
                                       "title: Choose good trainers"),
    "a tag": lambda c, t: replace_in(c / "tips/rest.md", "tags: [", "tags: [footwear, "),
    "a review date": lambda c, t: replace_in(c / "tips/shoes.md", "reviewed: 2026-11-29", "reviewed: 2026-11-30"),
    "a sign-off": lambda c, t: sign_shoes(c, t),
    "a signed tip changed": lambda c, t: replace_in(c / "tips/shoes.md", "title: Choose good trainers",
                                                    "title: Choose good running shoes"),
    "a template": lambda c, t: replace_in(t / "macros.html", "min read", "minutes to read"),
    "the quiz": lambda c, t: replace_in(c / "quiz/should-i-see-someone.yml",
                                        "title: Should I see someone about my back pain?",
                                        "title: Do I need help with my back?"),
    "a warning sign's short wording": lambda c, t: replace_in(c / "quiz/should-i-see-someone.yml",
                                                             "short: chest pain", "short: pain in your chest"),
    "the settings": lambda c, t: replace_in(c / "site.yml", "name: Life Effect", "name: Life Effect Physio"),
    "a page": lambda c, t: replace_in(c / "pages/about.md", "title: ", "title: All "),
    "a new tip": lambda c, t: (c / "tips/sleep.md").write_text(tip(title="Sleep", tags="[footwear]")),
    "a draft": lambda c, t: (c / "tips/sleep.md").write_text(tip(title="Sleep", tags="[footwear]", draft="true")),
    "a deleted tip": lambda c, t: (c / "tips/sleep.md").unlink(),
}


def small_project(tmp_path):
    """A copy of the real site's content and templates, to edit."""
    content, templates = tmp_path / "content", tmp_path / "templates"
    shutil.copytree(ROOT / "content", content)
    shutil.copytree(ROOT / "templates", templates)
    return Project(content, templates, ROOT / "assets")


def test_warm_builds_equal_cold_builds_after_every_kind_of_change(tmp_path):
    project = small_project(tmp_path)
    out, cache_dir = tmp_path / "dist", tmp_path / ".cache"

    def warm_build():
        build(project, out, speedups=Warm(bodies=BodyCache.load(cache_dir / "bodies.pickle"),
                                     pages=SavedPages.load(cache_dir, "dist", out)))

    warm_build()
    for change, edit in EDITS.items():
        edit(project.content, project.templates)
        warm_build()
        fresh = tmp_path / f"cold-{change.replace(' ', '-')}"
        build(project, fresh)
        assert snapshot(out) == snapshot(fresh), change


def test_a_warm_build_reuses_the_pages_that_cannot_have_changed(tmp_path):
    project = small_project(tmp_path)
    out, cache_dir = tmp_path / "dist", tmp_path / ".cache"
    for _ in range(2):
        build(project, out, speedups=Warm(bodies=BodyCache.load(cache_dir / "b.pickle"), pages=SavedPages.load(cache_dir, "d", out)))
        before = inodes(out)
        EDITS["a body"](project.content, project.templates)
    build(project, out, speedups=Warm(bodies=BodyCache.load(cache_dir / "b.pickle"), pages=SavedPages.load(cache_dir, "d", out)))
    after = inodes(out)
    # Reused pages are hard links to the last build's files; the quiz page is always rendered
    # (to the same bytes, so its compressed copies are reused: hosting.py).
    new = {path for path in after if after[path] != before.get(path)}
    assert new == {"tips/shoes/index.html", "tips/shoes/index.html.br", "tips/shoes/index.html.gz",
                   "should-i-see-someone/index.html"}, new


def test_a_sign_off_renders_again_only_the_tips_own_page(tmp_path):
    project = small_project(tmp_path)
    out, cache_dir = tmp_path / "dist", tmp_path / ".cache"
    for _ in range(2):  # the second build links its pages to the first's
        build(project, out, speedups=Warm(bodies=BodyCache.load(cache_dir / "b.pickle"), pages=SavedPages.load(cache_dir, "d", out)))
    before = inodes(out)
    sign_shoes(project.content, project.templates)
    build(project, out, speedups=Warm(bodies=BodyCache.load(cache_dir / "b.pickle"), pages=SavedPages.load(cache_dir, "d", out)))
    after = inodes(out)
    assert {path for path in after if after[path] != before.get(path)} == {
        "tips/shoes/index.html", "tips/shoes/index.html.br", "tips/shoes/index.html.gz", "should-i-see-someone/index.html"}
    assert "Reviewed by Sam Lee, physiotherapist" in (out / "tips/shoes/index.html").read_text(encoding="utf-8")


def test_a_page_changed_by_hand_in_the_output_is_rendered_again(tmp_path):
    project = small_project(tmp_path)
    out, cache_dir = tmp_path / "dist", tmp_path / ".cache"
    build(project, out, speedups=Warm(pages=SavedPages.load(cache_dir, "d", out)))
    good = snapshot(out)
    (out / "tips/rest/index.html").write_text("edited on the server")  # same key, other bytes
    (out / "tags/index.html").unlink()
    build(project, out, speedups=Warm(pages=SavedPages.load(cache_dir, "d", out)))
    assert snapshot(out) == good


@pytest.mark.parametrize("damage", [b"", b"{not json", b"[1, 2]", json.dumps({"index.html": ["x"]}).encode(),
                                    json.dumps({"pages": {"index.html": ["x"]}, "related": ["", {}]}).encode(),
                                    b"related's own key, with nonsense",
                                    b"entries that are null, a number, too short or not texts"])
def test_a_damaged_page_index_only_costs_a_full_render(tmp_path, damage):
    project = small_project(tmp_path)
    out, cache_dir = tmp_path / "dist", tmp_path / ".cache"
    build(project, out, speedups=Warm(pages=SavedPages.load(cache_dir, "d", out)))
    good = snapshot(out)
    index = json.loads((cache_dir / "pages-d.json").read_text())
    if damage.startswith(b"related"):
        damage = json.dumps({**index, "related": [index["related"][0], {"rest": ["no-such-tip"], "shoes": 5}]}).encode()
    elif damage.startswith(b"entries"):  # adversarial review, item 12: a null entry was a traceback
        pages = dict(zip(index["pages"], [None, 5, ["key"], [1, 2], "x"] * len(index["pages"])))
        damage = json.dumps({**index, "pages": pages}).encode()
    (cache_dir / "pages-d.json").write_bytes(damage)
    build(project, out, speedups=Warm(pages=SavedPages.load(cache_dir, "d", out)))
    assert snapshot(out) == good


def test_preview_saves_equal_fresh_builds_after_every_kind_of_change(tmp_path):
    project = small_project(tmp_path)
    state = Preview(project, tmp_path / "preview", "http://127.0.0.1:8000/")
    assert rebuild(state)
    for change, edit in EDITS.items():
        edit(project.content, project.templates)
        assert rebuild(state), change
        fresh = tmp_path / f"fresh-{change.replace(' ', '-')}"
        build(project, fresh, base_url="http://127.0.0.1:8000/", preview=True)
        assert snapshot(tmp_path / "preview") == snapshot(fresh), change


def warm_build(project, out, cache_dir):
    build(project, out, speedups=Warm(bodies=BodyCache.load(cache_dir / "b.pickle"), pages=SavedPages.load(cache_dir, "d", out)))


def test_a_failed_warm_build_leaves_the_published_files_as_they_were(tmp_path):
    """The next build starts from the last replaced site, whose files are hard links to the
    published ones: it must replace them, never write into them."""
    project = small_project(tmp_path)
    out, cache_dir = tmp_path / "dist", tmp_path / ".cache"
    for _ in range(3):  # from the second build on, .dist.spare holds links to the published pages
        EDITS["a body"](project.content, project.templates)
        warm_build(project, out, cache_dir)
    assert (tmp_path / ".dist.spare/tips/rest/index.html").samefile(out / "tips/rest/index.html")
    published = snapshot(out)
    EDITS["a body"](project.content, project.templates)
    replace_in(project.content / "tips/rest.md", "title: Rest between runs", "title: Rest days")  # every page changes
    (project.templates / "tags.html").write_text("{% extends 'base.html' %}{% block main %}{{ nope.x }}{% endblock %}")
    with pytest.raises(BuildFailed):
        warm_build(project, out, cache_dir)
    assert snapshot(out) == published


def test_an_old_site_in_the_way_of_a_new_one_is_cleared(tmp_path):
    """A picture's name that becomes a folder: the old site kept for reuse has a file there."""
    project = small_project(tmp_path)
    out, cache_dir = tmp_path / "dist", tmp_path / ".cache"
    (project.content / "images/knee.png").write_bytes(picture())
    for _ in range(2):
        warm_build(project, out, cache_dir)
    (project.content / "images/knee.png").unlink()
    (project.content / "images/knee.png").mkdir()
    (project.content / "images/knee.png/left.png").write_bytes(picture(color=(200, 0, 0)))
    warm_build(project, out, cache_dir)
    assert [p.name[:7] for p in (out / "images/knee.png").iterdir()] == ["left.4."] * 3  # AVIF, WebP, JPEG
    build(project, tmp_path / "cold")
    assert snapshot(out) == snapshot(tmp_path / "cold")


def test_a_reused_page_is_written_as_checked_even_if_its_file_is_replaced_meanwhile(tmp_path):
    """Another build can swap in its own site between this build's check of a page and its link."""
    from signpost.write import LinkableBytes, write_files
    published = tmp_path / "dist/page.html"
    published.parent.mkdir()
    published.write_bytes(b"checked")
    data = LinkableBytes(published.read_bytes())
    data.source, data.inode = published, os.lstat(published)[:3]
    replacement = tmp_path / "other.html"
    replacement.write_bytes(b"another build's page")
    replacement.replace(published)                   # a new file (inode) at the same path
    write_files([("page.html", data)], tmp_path / "new")
    assert (tmp_path / "new/page.html").read_bytes() == b"checked"
    data.inode = os.lstat(published)[:3]             # the file checked is the one there: linked
    write_files([("page.html", data)], tmp_path / "newer")
    assert (tmp_path / "newer/page.html").samefile(published)
