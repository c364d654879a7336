"""`build.py new tip "Title"`: a draft that builds and passes check, and never a clash or an overwrite."""
import datetime as dt
import re
import subprocess
import sys

import pytest

from signpost.check import check_site
from signpost.pipeline import Project, build, load_site
from signpost.problems import BuildFailed
from signpost.scaffold import create_tip, next_steps, slugify
from tests.sitekit import ROOT, SITE_YML, make_content, tip

TODAY = dt.date(2026, 11, 29)


def new_tip(tmp_path, title, files=None, today=TODAY):
    project = Project.at(ROOT, make_content(tmp_path, files))
    new, problems = create_tip(project, title, today)
    return project, new, [str(p) for p in problems]


@pytest.mark.parametrize("title, slug", [
    ("Walk before you run", "walk-before-you-run"),
    ("Café stretches: 5 ways!", "cafe-stretches-5-ways"),
    ("  Über   Running  ", "uber-running"),
    ("Rest & recovery (part 2)", "rest-recovery-part-2"),
    ("???", ""),
])
def test_titles_become_file_names(title, slug):
    assert slugify(title) == slug


def test_a_new_tip_has_complete_front_matter_and_three_sections(tmp_path):
    _, new, problems = new_tip(tmp_path, "Walk before you run")
    assert problems == [] and new.display == "content/tips/walk-before-you-run.md"
    text = new.path.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Walk before you run\nsummary: Say in one short sentence how this tip helps.\n"
                           "tags: [running]\ndate: 2026-11-29\nreviewed: 2026-11-29\nnext_review: 2027-11-29\n"
                           "draft: true\nclinical: false\nsources:\n  - Life Effect physiotherapists\n---\n")
    assert [line for line in text.split("\n") if line.startswith("#")] == [
        "## Why it matters", "## What to do", "## When to get help"]


def test_a_new_tip_builds_as_a_draft_and_passes_check(tmp_path):
    project, new, _ = new_tip(tmp_path, "Walk before you run")
    site, problems = load_site(project, drafts=True)
    assert problems == [] and "walk-before-you-run" in {t.slug for t in site.tips}
    assert next(t for t in site.tips if t.slug == "walk-before-you-run").draft
    build(project, tmp_path / "preview", preview=True)
    assert (tmp_path / "preview" / "tips" / "walk-before-you-run" / "index.html").is_file()
    report = check_site(project, TODAY)
    assert report.problems == ()
    assert [str(p) for p in report.info if p.path.endswith("walk-before-you-run.md")] == [
        "content/tips/walk-before-you-run.md:8: info: This is a draft: the preview shows it, the published site "
        "doesn't. Hint: Remove the line 'draft: true' to publish it.",
        "content/tips/walk-before-you-run.md: info: This tip is not yet reviewed: no clinician has signed it off, "
        "so its page makes no review claim. Hint: When a clinician has approved the text as it is now, run: "
        '.venv/bin/python build.py sign-off content/tips/walk-before-you-run.md --by "Name, role"']


def test_publishing_the_example_text_fails_the_build_and_check(tmp_path):
    # Found in review: only `check` refused it; the build published "Say why this tip helps."
    project, new, _ = new_tip(tmp_path, "Walk before you run")
    text = new.path.read_text(encoding="utf-8")
    new.path.write_text(text.replace("draft: true\n", ""), encoding="utf-8")
    expected = ["content/tips/walk-before-you-run.md:3: This tip still has the example text that 'build.py new' "
                "wrote: 'Say in one short sentence how this tip…'. Hint: Replace every example sentence with your "
                "own words, or keep the line 'draft: true' until the tip is ready."]
    with pytest.raises(BuildFailed) as failure:
        build(project, tmp_path / "dist")
    assert [str(p) for p in failure.value.problems] == expected
    assert [str(p) for p in check_site(project, TODAY).errors] == expected   # once, though check loads twice
    text = text.replace("draft: true\n", "").replace("Say in one short sentence how this tip helps.", "Walk first.")
    new.path.write_text(text, encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        build(project, tmp_path / "dist")
    assert [p.line for p in failure.value.problems] == [15]


def test_next_review_follows_the_site_period(tmp_path):
    _, new, _ = new_tip(tmp_path, "Rest", {"site.yml": SITE_YML + "review_months: 6\n"}, today=dt.date(2026, 8, 31))
    assert "\nnext_review: 2027-02-28\n" in new.path.read_text(encoding="utf-8")


def test_a_title_that_yaml_would_misread_is_quoted(tmp_path):
    project, new, _ = new_tip(tmp_path, 'Shoes: what "fits" means')
    assert 'title: "Shoes: what \\"fits\\" means"\n' in new.path.read_text(encoding="utf-8")
    site, problems = load_site(project, drafts=True)
    assert problems == [] and 'Shoes: what "fits" means' in {t.title for t in site.tips}


@pytest.mark.parametrize("title, files, expected", [
    ("Warm up", {}, "content/tips/warm-up.md: A tip called 'warm-up' already exists (content/tips/warm-up.md). "
                    "Hint: Open that file to change it, or choose a different title."),
    ("About", {"pages/about.md": "---\ntitle: About\n---\nHi.\n"},
     "content/tips/about.md: A page called 'about' already exists (content/pages/about.md). "
     "Hint: Open that file to change it, or choose a different title."),
    ("Should I see someone?", {"quiz/should-i-see-someone.yml": "title: Quiz\n"},
     "content/tips/should-i-see-someone.md: A quiz called 'should-i-see-someone' already exists "
     "(content/quiz/should-i-see-someone.yml). Hint: Open that file to change it, or choose a different title."),
    ("Tags", {}, "content/tips/tags.md: 'tags' is a name the site itself uses. "
                 "Hint: Choose a longer title, e.g. one that says what the tip helps with."),
    ("CSS", {}, "content/tips/css.md: 'css' is a name the site itself uses. "
                "Hint: Choose a longer title, e.g. one that says what the tip helps with."),
    ("!!!", {}, "content/tips: The title '!!!' has no letters or numbers to make a file name from. "
                "Hint: Give the tip a title in words, e.g. \"Walk before you run\"."),
])
def test_clashing_names_are_refused(tmp_path, title, files, expected):
    _, new, problems = new_tip(tmp_path, title, files)
    assert new is None and problems == [expected]
    assert tip() == (tmp_path / "content" / "tips" / "warm-up.md").read_text(encoding="utf-8")
    assert len(list((tmp_path / "content" / "tips").glob("*.md"))) == 1


def test_the_command_line_creates_once_then_refuses(tmp_path):
    content = make_content(tmp_path)
    command = [sys.executable, str(ROOT / "build.py"), "new", "tip", "Walk before you run",
               "--content", str(content), "--today", "2026-11-29"]
    first = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Created content/tips/walk-before-you-run.md (a draft).\nNext steps:\n")
    assert first.stdout.endswith('\n     .venv/bin/python build.py sign-off content/tips/walk-before-you-run.md '
                                 '--by "Name, role"\n')
    again = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert again.returncode == 1 and again.stdout == ""
    assert again.stderr.startswith("content/tips/walk-before-you-run.md: A tip called 'walk-before-you-run' "
                                   "already exists")


def test_a_very_long_title_makes_a_file_name_cut_at_a_word(tmp_path):
    # Found while testing hostile input: a 500-letter title crashed with "File name too long".
    assert slugify("Walk " * 100) == "-".join(["walk"] * 12) and len(slugify("a" * 500)) == 60
    _, new, problems = new_tip(tmp_path, "a" * 500)
    assert problems == [] and new.display == f"content/tips/{'a' * 60}.md"


def test_the_next_steps_give_commands_that_work_outside_the_venv_as_editing_md_does(tmp_path):
    # Found in review: "Run `python build.py check`" fails unless the venv is active; the venv's own Python works.
    _, new, _ = new_tip(tmp_path, "Walk before you run")
    commands = re.findall(r"([^\s`]*python) build\.py ([a-z-]+)", next_steps(new))
    assert commands == [(".venv/bin/python", "check"), (".venv/bin/python", "sign-off")]
    makefile, editing = (ROOT / "Makefile").read_text(), (ROOT / "EDITING.md").read_text()
    assert "VENV := .venv\nPY := $(VENV)/bin/python\n" in makefile
    assert all(f".venv/bin/python build.py {command}" in editing for _, command in commands)


# ---- Tags suggested from the title, from the tags other tips use ----

SITE_TIPS = {"tips/warm-up.md": tip(tags="[running, warm-up, stretching]"),
             "tips/cool-down.md": tip(title="Cool down", tags="[running, cool-down, stretching]"),
             "tips/shoes.md": tip(title="Shoes", tags="[running, footwear]")}


def tags_line(new) -> str:
    return next(line for line in new.path.read_text(encoding="utf-8").split("\n") if line.startswith("tags:"))


@pytest.mark.parametrize("title, tags", [
    ("Stretches after long runs", "tags: [running, stretching]"),
    ("Cooling down and stretching", "tags: [running, stretching, cool-down]"),  # most used first
    ("Warm up in winter", "tags: [running, warm-up]"),
    ("Slow down on hills", "tags: [running]"),   # 'down' alone is not 'cool-down'
    ("Choosing a bike", "tags: [running]"),      # the tag on every tip keeps it no topic
])
def test_a_new_tip_gets_the_tags_its_title_speaks_of(tmp_path, title, tags):
    _, new, problems = new_tip(tmp_path, title, SITE_TIPS)
    assert problems == [] and tags_line(new) == tags


def test_suggested_tags_come_from_the_site_not_a_fixed_list(tmp_path):
    files = {"tips/warm-up.md": tip(tags="[cycling, knees]"), "tips/saddle.md": tip(title="Saddle", tags="[cycling]")}
    _, new, _ = new_tip(tmp_path, "Knee pain on long rides", files)
    assert tags_line(new) == "tags: [cycling, knees]"


def test_with_no_tip_to_learn_from_the_tags_are_left_empty_and_the_tip_still_builds(tmp_path):
    files = {"tips/warm-up.md": "not front matter\n"}   # unreadable: the build will say so, not `new`
    project = Project.at(ROOT, make_content(tmp_path, {"site.yml": SITE_YML}, with_defaults=False))
    (project.content / "tips").mkdir()
    new, problems = create_tip(project, "Walk before you run", TODAY)
    assert problems == [] and tags_line(new) == "tags: []"
    site, problems = load_site(project, drafts=True)
    assert problems == [] and site.tips[0].tags == ()
    (project.content / "tips/warm-up.md").write_text(files["tips/warm-up.md"])
    new, problems = create_tip(project, "Walk before you run again", TODAY)
    assert problems == [] and tags_line(new) == "tags: []"
