"""`build.py new tip "Title"`: start a tip as a draft with every setting filled in.

The new file builds and passes `check` as it is, so an editor starts from something that
works and changes it a piece at a time. It never overwrites a file, and refuses a name
whose web address would clash with another tip, page, quiz or a folder the site uses.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import load_config
from .content import EXAMPLE_BODY, EXAMPLE_SUMMARY, add_months
from .project import Project
from .sources import SLUG, read_document, slugify
from .problems import RUN_BUILD, Problem, problem
from .yamlfile import double_quoted, load_yaml

# Names every build writes at the top of the site (beside the assets' own folders), never a tip's.
SITE_NAMES = {"tips", "tags", "images", "index", "404", "sitemap", "feed", "robots"}


@dataclass(frozen=True)
class NewTip:
    """A tip file ready to write: where, and what."""

    path: Path
    display: str
    text: str


def plan_tip(project: Project, title: str, today: dt.date) -> tuple[NewTip | None, list[Problem]]:
    """Work out the new tip's file and text, or say why it can't be made."""
    content = project.content
    config, problems = load_config(content / "site.yml", f"{content.name}/site.yml")
    slug = slugify(title)
    display = f"{content.name}/tips/{slug}.md"
    if not title.strip() or not slug:
        problems.append(problem(f"{content.name}/tips", None,
                                f"The title '{title}' has no letters or numbers to make a file name from",
                                'Give the tip a title in words, e.g. "Walk before you run".'))
    else:
        problems += clash_problems(project, slug, display)
    if problems:
        return None, problems
    tags = suggested_tags(title, tags_in_use(content / "tips"))
    return NewTip(content / "tips" / f"{slug}.md", display, tip_text(title, today, config.review_months, tags)), []


def tags_in_use(folder: Path) -> tuple[Counter[str], int]:
    """How many tips use each tag, and how many tips there are. A tip that can't be read counts
    as none: the build will say what is wrong with it, and the new tip need not wait for that."""
    counts: Counter[str] = Counter()
    tips = 0
    for file in sorted(folder.glob("*.md")) if folder.is_dir() else ():
        doc, _ = read_document(file, folder.parent)
        tags = doc.meta.get("tags") if doc is not None else None
        if isinstance(tags, list):
            tips += 1
            counts.update({tag for tag in tags if isinstance(tag, str) and SLUG.fullmatch(tag)})
    return counts, tips


def word_forms(word: str) -> set[str]:
    """A word and what it may be without an ending ("runs", "running" -> "run"), so that a title's
    words meet a tag's whatever their form."""
    forms = {word}
    for ending in ("ing", "es", "ed", "er", "s"):
        stem = word[:-len(ending)]
        if word.endswith(ending) and len(stem) >= 3:
            forms.add(stem)
            if len(stem) >= 4 and stem[-1] == stem[-2]:  # "runn" -> "run"
                forms.add(stem[:-1])
    return forms


def suggested_tags(title: str, in_use: tuple[Counter[str], int]) -> list[str]:
    """Tags other tips use whose every word the title has (most used first), after any tag every tip has
    (a running site's `running`): the new tip then reads as one of them, and it stays no topic."""
    counts, tips = in_use
    title_forms = set().union(*(word_forms(w) for w in slugify(title).split("-") if w), set())
    ranked = sorted(counts, key=lambda tag: (-counts[tag], tag))
    every = [tag for tag in ranked if tips >= 2 and counts[tag] == tips]
    named = [tag for tag in ranked if tag not in every
             and all(word_forms(word) & title_forms for word in tag.split("-"))]
    return every + named[:3]


def clash_problems(project: Project, slug: str, display: str) -> list[Problem]:
    """A new tip's name must not be taken by a tip, page or quiz, nor by a folder the site uses."""
    content = project.content
    taken = {f"tips/{slug}.md": "A tip", f"pages/{slug}.md": "A page", f"quiz/{slug}.yml": "A quiz"}
    for rel, what in taken.items():
        if (content / rel).exists():
            return [problem(display, None, f"{what} called '{slug}' already exists ({content.name}/{rel})",
                            "Open that file to change it, or choose a different title.")]
    assets = {p.stem for p in project.assets.iterdir()} if project.assets.is_dir() else set()
    if slug in SITE_NAMES | assets:
        return [problem(display, None, f"'{slug}' is a name the site itself uses",
                        "Choose a longer title, e.g. one that says what the tip helps with.")]
    return []


def tip_text(title: str, today: dt.date, review_months: int, tags: Sequence[str] = ()) -> str:
    """The front matter and a skeleton body: three sections with short example sentences, which the
    build refuses to publish (content.example_text_problems)."""
    return f"""---
title: {yaml_text(title)}
summary: {EXAMPLE_SUMMARY}
tags: [{", ".join(tags)}]
date: {today}
reviewed: {today}
next_review: {add_months(today, review_months)}
draft: true
clinical: false
sources:
  - Life Effect physiotherapists
---

{EXAMPLE_BODY}"""


def yaml_text(value: str) -> str:
    """A title as YAML: plain when it reads back unchanged, otherwise in double quotes."""
    data, problems = load_yaml(f"title: {value}", "title")
    if not problems and isinstance(data, dict) and data.get("title") == value:
        return value
    return double_quoted(value)


def create_tip(project: Project, title: str, today: dt.date) -> tuple[NewTip | None, list[Problem]]:
    """Write the new tip as a draft; never overwrite a file."""
    new, problems = plan_tip(project, title, today)
    if new is None:
        return None, problems
    new.path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with new.path.open("x", encoding="utf-8") as file:  # "x": fail rather than overwrite
            file.write(new.text)
    except FileExistsError:
        return None, [problem(new.display, None, "This file already exists",
                              "Open that file to change it, or choose a different title.")]
    except OSError as error:
        return None, [problem(new.display, None, f"This file could not be created: {error.strerror}")]
    return new, []


def next_steps(new: NewTip) -> str:
    """What to tell the editor once the file exists."""
    return f"""Created {new.display} (a draft).
Next steps:
  1. Open it and write the tip: change the summary, the tags and each section.
  2. Preview it with `make serve`: drafts show there, marked "Draft".
  3. Run `{RUN_BUILD} check` and fix anything it finds.
  4. When it is ready, delete the line 'draft: true' to publish it. If it gives clinical advice
     (symptoms, when to get help), change 'clinical: false' to 'clinical: true' first.
  5. Last, once a clinician has read it as it is, record their sign-off:
     {RUN_BUILD} sign-off {new.display} --by \"Name, role\""""
