"""`build.py check`: everything the build validates, plus what an editor's review needs.

The build's own checks come from loading the site twice: as published (so a link to a
draft is caught, as the build would) and with drafts (so drafts are checked too), and from
rendering the published site in memory. On top of those, from the loaded Site: tips and
quizzes whose review is past or near, tips and quizzes no clinician has signed off as they
are (signoff.py), published tips that cite only the clinic's own advice, and tips harder to
read than the site's target. Drafts and the quiz proofs are reported as information.
Nothing here reads a file the loader hasn't already read.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from .bodies import BodyCache
from .content import shorten
from .incremental import Warm
from .model import Page, Site, Tip
from .pipeline import load_site, quiz_files_in
from .problems import BuildFailed, Problem, errors_in, of_severity, problem, warnings_in
from .project import Project
from .quiz.scenarios import coverage, scenarios_path
from .readability import reading_age, split_sentences
from .render import render_site
from .signoff import review_problems, sign_off_hint
from .weight import PAGE_BUDGET, Weight, format_weights, page_weights

SOON_DAYS = 30        # a review due within this many days is a warning
HARDEST_SHOWN = 3     # how many of a hard tip's hardest sentences to name
HARDEST_MIN_WORDS = 5  # shorter sentences (headings, list items) are never "the hardest"


@dataclass(frozen=True)
class CheckReport:
    """What check found: errors and warnings in file order, then information."""

    problems: tuple[Problem, ...]
    info: tuple[Problem, ...]
    tips: int
    pages: int
    quizzes: int
    weights: tuple[Weight, ...] = ()   # per page, when asked for

    @property
    def errors(self) -> list[Problem]:
        return errors_in(self.problems)

    @property
    def warnings(self) -> list[Problem]:
        return warnings_in(self.problems)

    def summary(self) -> str:
        return (f"Checked {plural(self.tips, 'tip')}, {plural(self.pages, 'page')}, "
                f"{plural(self.quizzes, 'quiz', 'quizzes')}: {plural(len(self.errors), 'error')}, "
                f"{plural(len(self.warnings), 'warning')}.")


def check_site(project: Project, today: dt.date, weights: bool = False) -> CheckReport:
    """Load the site as published and with drafts, render the published one in memory, then run the
    checks only `check` makes; with `weights`, also weigh every page."""
    shared = Warm(bodies=BodyCache(products={}))   # the two loads share Markdown and pictures: each picture is encoded once
    published, problems = load_site(project, speedups=shared)
    with_drafts, more = load_site(project, drafts=True, speedups=shared)
    found = set(problems) | set(more)
    site = with_drafts or published
    info: list[Problem] = []
    weighed: list[Weight] = []
    if site:
        found |= set(check_reviews(site, today))
        reviews = review_problems(site)
        found |= set(errors_in(reviews) + warnings_in(reviews))
        found |= set(check_sources(site.tips, site.config.name))
        found |= set(check_reading(site.tips, site.config.reading_age))
        found |= set(check_quiz_clinics(site))
        info = (describe_drafts(site) + of_severity(reviews, "info")
                + describe_reviewed_by(site.tips) + describe_proofs(site) + describe_red_flags(site))
    if published:
        page_problems, weighed = check_pages(published, project, weights)
        found |= set(page_problems)
    if not site:
        info = [problem(project.content.name, None, "Review dates and reading level are "
                        "checked once the errors above are fixed", severity="info")]
    ordered = sorted(found, key=lambda p: (p.path, p.line or 0, p.severity, p.message))
    tips, pages, quizzes = count_sources(project, site)
    return CheckReport(tuple(ordered), tuple(info), tips, pages, quizzes, tuple(weighed))


def check_pages(site: Site, project: Project, weights: bool) -> tuple[list[Problem], list[Weight]]:
    """Render the published site in memory as the build does, so a page the build could not make fails
    `check` too; with `weights`, also hold every page to the first-round-trip budget."""
    try:
        files = render_site(site, project.templates)
    except BuildFailed as failure:
        return list(failure.problems), []
    if not weights:
        return [], []
    weighed = page_weights(files, site.config.base_path)
    over = [problem(f"page {w.path}", None, f"This page needs {w.gzipped / 1024:.1f} KB (gzip) on first load, "
                    f"over the {PAGE_BUDGET // 1024} KB budget", "Shorten it, or split it into two pages.",
                    severity="warning") for w in weighed if w.over_budget]
    return over, weighed


def count_sources(project: Project, site: Site | None) -> tuple[int, int, int]:
    """How many tips, pages and quizzes were checked; from the files when the site didn't load."""
    if site:
        return len(site.tips), len(site.pages), len(site.quizzes)
    return (len(list((project.content / "tips").glob("*.md"))), len(list((project.content / "pages").glob("*.md"))),
            len(quiz_files_in(project.content)))


# ---- Review dates ----

def check_reviews(site: Site, today: dt.date) -> list[Problem]:
    """Tips and quizzes past their next review date are errors; those due within SOON_DAYS are warnings."""
    dated: list[tuple[str, str, int | None, dt.date]] = [
        ("tip", tip.source, review_line(tip), tip.next_review) for tip in site.tips]
    dated += [("quiz", quiz.source, None, quiz.model.next_review) for quiz in site.quizzes if quiz.model.next_review]
    found = []
    for kind, path, line, due in dated:
        days = (due - today).days
        hint = ("When a clinician has reviewed it, change 'reviewed' to that date "
                f"(and 'next_review', if the {kind} has one), then record their sign-off with 'build.py sign-off'.")
        if days < 0:
            found.append(problem(path, line, f"This {kind} was due for review on {due} ({days_phrase(days)})", hint))
        elif days <= SOON_DAYS:
            found.append(problem(path, line, f"This {kind} is due for review on {due} ({days_phrase(days)})", hint,
                                 severity="warning"))
    return found


def review_line(tip: Tip) -> int | None:
    """The front-matter line that sets the next review: next_review, else reviewed, else date."""
    if tip.document is None:
        return None   # a tip made in code, not read from a file
    meta = tip.document.meta
    key = next((k for k in ("next_review", "reviewed", "date") if k in meta), "date")
    return meta.line_of(key)


def days_phrase(days: int) -> str:
    """-3 → '3 days ago', 0 → 'today', 1 → 'tomorrow', 12 → 'in 12 days'."""
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


# ---- Sources ----

def check_sources(tips, clinic: str) -> list[Problem]:
    """A published tip whose every source is the clinic's own advice gives readers nothing to check it against."""
    return [problem(tip.source, tip.document.meta.line_of("sources"),
                    f"Every source of this tip is {clinic}'s own advice",
                    "Add the NHS or NICE guidance it rests on under 'sources:', e.g. \"NHS: Back pain\" or "
                    "\"NICE guideline NG59: Low back pain and sciatica in over 16s\".", severity="warning")
            for tip in tips if not tip.draft and tip.sources
            and all(clinic.casefold() in source.casefold() for source in tip.sources)]


# ---- Readability ----

def check_reading(tips, target: int) -> list[Problem]:
    """A warning for each tip whose reading age is above the site's target, naming its hardest sentences."""
    found = []
    for tip in tips:
        sentences = split_sentences(tip.document.body, tip.document.body_line)
        age = round(reading_age(sentences)) if sentences else 0
        if age <= target:
            continue
        long_enough = [s for s in sentences if s.words >= HARDEST_MIN_WORDS] or sentences
        hardest = sorted(long_enough, key=lambda s: (-s.grade, s.line))[:HARDEST_SHOWN]
        named = ", ".join(f"line {s.line} ('{shorten(s.text)}')" for s in hardest)
        found.append(problem(tip.source, hardest[0].line,
                             f"This tip has a reading age of about {age}; the site aims for {target} or under. "
                             f"Hardest sentences: {named}",
                             "Split long sentences and use shorter, everyday words.", severity="warning"))
    return found


# ---- Information ----

def describe_drafts(site: Site) -> list[Problem]:
    """Say which tips and pages are drafts, so nothing stays unpublished by accident."""
    items: list[Tip | Page] = [*site.tips, *site.pages]
    return [problem(item.source, front_matter_line(item, "draft"),
                    "This is a draft: the preview shows it, the published site doesn't",
                    "Remove the line 'draft: true' to publish it.", severity="info")
            for item in items if item.draft]


def front_matter_line(item: Tip | Page, key: str) -> int | None:
    """The line of `key` in the item's front matter; None for an item made in code, not read from a file."""
    return None if item.document is None else item.document.meta.line_of(key)


def describe_reviewed_by(tips: Iterable[Tip]) -> list[Problem]:
    """'reviewed_by' in a tip names nobody on the site any more: say so, and what does."""
    return [problem(tip.source, front_matter_line(tip, "reviewed_by"),
                    "'reviewed_by' is not shown on the site: only a clinician's sign-off names a reviewer",
                    f"Delete the line. {sign_off_hint(tip.source)}", severity="info")
            for tip in tips if tip.reviewed_by]


def describe_proofs(site: Site) -> list[Problem]:
    """Per quiz: what its proofs covered, and how many clinical scenarios passed."""
    lines = []
    for quiz in site.quizzes:
        lines.append(problem(quiz.source, None, quiz.proof[:1].upper() + quiz.proof[1:], severity="info"))
        if quiz.scenarios:
            lines.append(problem(scenarios_path(quiz.source), None, f"All {len(quiz.scenarios)} clinical scenarios "
                                 "get the outcome they expect", severity="info"))
    return lines


def describe_red_flags(site: Site) -> list[Problem]:
    """Each emergency and urgent answer with the guidance it rests on, for a clinician to check."""
    return [problem(quiz.source, option.line, f"Red flag '{option.id}' ({flag}): {cited.title}, "
                    f"\"{option.source.list}\"", severity="info")
            for quiz in site.quizzes for _, option, flag in quiz.model.red_flags()
            if option.source and (cited := quiz.model.find_source(option.source.source))]


def check_quiz_clinics(site: Site) -> list[Problem]:
    """Red flags without a source, quizzes without scenarios, and what the scenarios leave untried."""
    found = []
    for quiz in site.quizzes:
        found += [problem(quiz.source, option.line, f"Red flag '{option.id}' in question '{question.id}' does not "
                          "say which guidance it comes from", "Add 'source: {page: source-id, list: \"which list on "
                          "that page\"}'.", severity="warning")
                  for question, option, _ in quiz.model.red_flags() if option.source is None]
        if not quiz.scenarios:
            found.append(problem(quiz.source, None, "This quiz has no clinical scenarios",
                                 f"Write some in {scenarios_path(quiz.source)} (see EDITING.md).", severity="warning"))
        else:
            found += coverage(quiz.model, quiz.scenarios, scenarios_path(quiz.source))
    return found


# ---- Output ----

def format_report(report: CheckReport, style: str = "text") -> str:
    """The report as lines for a person, or as JSON for tools."""
    if style == "json":
        found = {"errors": [fields_of(p) for p in report.errors],
                 "warnings": [fields_of(p) for p in report.warnings],
                 "info": [fields_of(p) for p in report.info]}
        if report.weights:
            found["weights"] = [{"page": w.path, "bytes": w.raw, "gzip_bytes": w.gzipped, "files": w.parts,
                                 "picture_bytes": w.pictures} for w in report.weights]
        return json.dumps(found, indent=2, ensure_ascii=False)
    table = format_weights(list(report.weights)) if report.weights else []
    return "\n".join([*map(str, report.problems), *map(str, report.info), *table, report.summary()])


def fields_of(item: Problem) -> dict:
    """A problem as JSON fields."""
    return {"path": item.path, "line": item.line, "message": item.message, "hint": item.hint}


def plural(count: int, word: str, many: str = "") -> str:
    """'1 tip', '2 tips'."""
    return f"{count} {word if count == 1 else many or word + 's'}"
