"""The order of work: load → validate → render → write. Read this file first."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .config import load_config
from .content import MarkdownRenderer, heading_link_problems, heading_target, read_page, read_tip
from .hosting import compress_in_folder, with_host_files
from .incremental import COLD, Incremental
from .model import LinkTargets, QuizPage, Site, Tip, tip_url
from .pictures import read_pictures, with_hero
from .problems import BuildFailed, Problem, errors_in, problem, warnings_in
from .project import Project
from .render import minify_asset, render_pages, render_site
from .search import index_folder
from .signoff import load_ledger, release_problems, with_review
from .sources import fingerprint, markdown_files, outside_problem, read_text_file, slug_problem
from .topics import collect_tags
from .write import write_site


@dataclass(frozen=True)
class BuildReport:
    pages: int
    files: int
    seconds: float
    out: Path
    warnings: tuple[Problem, ...]
    proofs: tuple[str, ...]

    def summary(self) -> str:
        return f"Built {self.pages} pages ({self.files} files) in {self.seconds:.2f} s into {self.out}"


def build(project: Project, out: Path, base_url: str | None = None, preview: bool = False,
          release: bool = False, speedups: Incremental = COLD) -> BuildReport:
    """Build the site into `out`; raise BuildFailed with every problem, leaving `out` untouched.

    A preview build includes drafts and lets the page talk to the live-reload server.
    A release build also refuses clinical text without a current sign-off (signoff.py).
    `speedups` (incremental.py) says what may be skipped; the default skips nothing.
    """
    started = time.perf_counter()
    site, problems = load_valid_site(project, base_url, preview, release, speedups)
    pages = render_pages(site, project.templates, preview, speedups)
    if not preview:   # headers, .br/.gz: hosting.py; the preview's server needs neither
        pages = with_host_files(pages, site.config, speedups.last_files)
    written = write_site(pages, out, keep=(project.content, project.templates, project.assets),
                         keep_replaced_site=speedups.keep_replaced_site,
                         finish=index_folder if preview else indexed_and_compressed)   # the search index: search.py
    speedups.done()
    return report_build(written, site, problems, out, started)


def indexed_and_compressed(staging: Path) -> list[str]:
    """The search index made from the pages written to `staging`, with its .br/.gz like every text file."""
    return compress_in_folder(staging, index_folder(staging))


def build_files(project: Project, base_url: str | None = None, preview: bool = False,
                speedups: Incremental = COLD) -> tuple[dict[str, bytes], Site, list[Problem]]:
    """Load, validate and render into memory, without writing: (files, site, problems)."""
    site, problems = load_valid_site(project, base_url, preview, False, speedups)
    return render_site(site, project.templates, preview, speedups), site, problems


def load_valid_site(project: Project, base_url: str | None, preview: bool, release: bool = False,
                    speedups: Incremental = COLD) -> tuple[Site, list[Problem]]:
    """load_site, raising BuildFailed with every problem when there is any error (for a release,
    also clinical text that no clinician signed off as it is)."""
    site, problems = load_site(project, base_url=base_url, drafts=preview, speedups=speedups)
    if site and release:
        problems = problems + release_problems(site)
    if site is None or errors_in(problems):
        raise BuildFailed(problems)
    return site, problems


def report_build(files, site: Site, problems, out: Path, started: float) -> BuildReport:
    """What a finished build tells the person who ran it; `files` are the output paths."""
    pages = sum(1 for path in files if path.endswith(".html"))
    return BuildReport(pages, len(files), time.perf_counter() - started, out,
                       tuple(warnings_in(problems)),
                       tuple(quiz.proof for quiz in site.quizzes))


def load_site(project: Project, base_url: str | None = None, drafts: bool = False,
              speedups: Incremental = COLD) -> tuple[Site | None, list[Problem]]:
    """Read and validate everything; return (Site or None, every problem found)."""
    content = project.content
    config, problems = load_config(content / "site.yml", f"{content.name}/site.yml", base_url)
    files = {folder: markdown_files(content / folder) for folder in ("tips", "pages")}
    docs = []
    for doc, more in speedups.read_documents(content, files["tips"] + files["pages"]):
        problems += more
        if doc:
            docs.append(doc)
    if config is None:
        return None, problems
    quiz_files = quiz_files_in(content)
    ledger, ledger_problems = load_ledger(content, signable_files(files["tips"], quiz_files))
    problems += ledger_problems
    pictures = read_pictures(content, speedups.make)
    problems += pictures.problems
    images = pictures.files
    links = LinkTargets(config.base_path, find_link_targets(docs, files, quiz_files, content, drafts),
                        pictures.names, pictures.pictures)
    published = [doc for doc in docs if drafts or doc.meta.get("draft") is not True]
    bodies = speedups.render_bodies(published, links)
    tips: list[Tip] = []
    pages = []
    for doc, body in zip(published, bodies):
        problems += body.problems
        if doc.path.startswith("tips/"):
            tip, more = speedups.make(("tip", doc.path), read_tip, doc, config, body.html, body.headings, body.words)
            tip, hero_problems = with_hero(tip, doc, pictures.pictures, config.base_path)
            more = more + hero_problems
            if tip is not None:  # None: the tip has errors (in `more`), so the build stops below
                tips.append(with_review(tip, ledger, doc.path, doc.fingerprint, tip.clinical))
        else:
            page, more = read_page(doc, body.html, body.headings)
            pages.append(page)
        problems += more
    tip_slugs = {tip.slug for tip in tips}
    quizzes, quiz_problems = load_quizzes(quiz_files, content, tip_slugs, links, speedups, ledger)
    problems += quiz_problems + check_heading_links(published, bodies, quizzes)
    assets = {path: speedups.make(("asset", path), minify_asset, path, data)
              for path, data in read_assets(project.assets).items()}
    speedups.loaded({("tip", doc.path) for doc in published} | {("quiz", q.source) for q in quizzes}
                    | {("asset", path) for path in assets} | pictures.encodings)
    if errors_in(problems):
        return None, problems
    tips.sort(key=lambda tip: (tip.order, tip.title))
    site = Site(config, tuple(tips), tuple(sorted(pages, key=lambda p: p.slug)), collect_tags(tips),
                tuple(quizzes), assets, images)
    return site, problems


def check_heading_links(docs, bodies, quizzes) -> list[Problem]:
    """Links to headings, in tips, pages and quizzes, against the headings each page has now."""
    targets = {doc.path: heading_target(doc, body.headings) for doc, body in zip(docs, bodies)}
    links = [link for body in bodies for link in body.heading_links]
    links += [link for quiz in quizzes for link in quiz.model.heading_links]
    return heading_link_problems(links, targets)


def signable_files(tip_files, quiz_files) -> set[str]:
    """Every tip and quiz, by its path in the content folder ('tips/rest.md'): what a sign-off can be for."""
    return {f"tips/{file.name}" for file in tip_files} | {f"quiz/{file.name}" for file in quiz_files}


def find_link_targets(docs, files: dict, quiz_files, content: Path, drafts: bool) -> dict[str, str | None]:
    """Source path → site URL, for rewriting links between files; drafts map to None when left out.

    Every file is a target even when its own front matter is broken, so one mistake is
    reported once, in its own file, not again in every file that links to it.
    """
    left_out = {doc.path for doc in docs if doc.meta.get("draft") is True and not drafts}
    targets: dict[str, str | None] = {}
    for folder, url in (("tips", tip_url), ("pages", lambda slug: f"{slug}/")):
        for file in files[folder]:
            path = f"{folder}/{file.name}"
            targets[path] = None if path in left_out else url(file.stem)
    for file in quiz_files:
        targets[file.relative_to(content).as_posix()] = f"{file.stem}/"
    return targets


def read_assets(folder: Path) -> dict[str, bytes]:
    """The stylesheets and scripts under assets/, keyed by their path inside it, as written."""
    return {f.relative_to(folder).as_posix(): f.read_bytes() for f in sorted(folder.rglob("*")) if f.is_file()}


SCENARIOS_SUFFIX = ".scenarios.yml"   # a quiz's clinical scenarios, beside it


def quiz_files_in(content: Path) -> list[Path]:
    """The quiz files in content/quiz/, without their scenarios files."""
    return sorted(f for f in (content / "quiz").glob("*.yml") if not f.name.endswith(SCENARIOS_SUFFIX))


def load_quizzes(files, content: Path, tip_slugs: set[str], links: LinkTargets, speedups: Incremental = COLD,
                 ledger: dict | None = None):
    """Load, validate and prove every quiz and run its scenarios: ([QuizPage], problems).

    A quiz that fails a proof or a scenario does not build. Links in its Markdown are rewritten
    and checked against `links`, as links in tips are. Each carries its review: whether
    `ledger` holds a sign-off of its text as it is.
    """
    quizzes, problems = [], []
    for file in files:
        display = f"{content.name}/{file.relative_to(content).as_posix()}"
        bad_name = slug_problem(display, file.stem) or outside_problem(file, content, display)
        text, more = read_text_file(file, display)
        problems += [bad_name] if bad_name else more
        if text is None or bad_name:
            continue
        scenarios, more = read_scenarios_file(file.with_name(file.stem + SCENARIOS_SUFFIX), content)
        problems += more
        quiz, more = speedups.make(("quiz", display), load_quiz_page, file.stem, display, text,
                                   frozenset(tip_slugs), scenarios, links)
        problems += more
        if quiz:
            rel = file.relative_to(content).as_posix()
            quizzes.append(with_review(quiz, ledger or {}, rel, fingerprint(text), clinical=True))
    problems += orphan_scenarios(content, files)
    return quizzes, problems


def read_scenarios_file(file: Path, content: Path) -> tuple[str | None, list[Problem]]:
    """A quiz's scenarios file's text, or None when the quiz has none."""
    if not file.exists():
        return None, []
    return read_text_file(file, f"{content.name}/{file.relative_to(content).as_posix()}")


def orphan_scenarios(content: Path, quiz_files) -> list[Problem]:
    """Scenarios files whose quiz does not exist: probably a renamed quiz."""
    quizzes = {f.stem for f in quiz_files}
    return [problem(f"{content.name}/quiz/{f.name}", None, f"There is no quiz '{f.name[:-len(SCENARIOS_SUFFIX)]}.yml' "
                    "for these scenarios", "Rename the file to match its quiz: <quiz name>.scenarios.yml.")
            for f in sorted((content / "quiz").glob("*" + SCENARIOS_SUFFIX))
            if f.name[:-len(SCENARIOS_SUFFIX)] not in quizzes]


def load_quiz_page(slug: str, display: str, text: str, tip_slugs, scenarios_text: str | None = None,
                   links: LinkTargets | None = None) -> tuple[QuizPage | None, list[Problem]]:
    """One quiz file's text → its page, once loaded, validated, proved and its scenarios passed."""
    from .quiz.analyse import prove_quiz
    from .quiz.export import quiz_data
    from .quiz.load import load_quiz
    from .quiz.scenarios import failures, load_scenarios, run_scenarios, scenarios_path

    quiz, problems = load_quiz(text, display, tip_slugs, MarkdownRenderer(links))
    if quiz is None or errors_in(problems):
        return None, problems
    report, more = prove_quiz(quiz, display)
    problems += more
    runs: tuple = ()   # of ScenarioRun
    if scenarios_text is not None:
        where = scenarios_path(display)
        scenarios, more = load_scenarios(scenarios_text, where, quiz)
        runs = run_scenarios(quiz, scenarios)
        problems += more + failures(quiz, runs, where, display)
    if errors_in(problems):
        return None, problems
    return QuizPage(slug, display, quiz, quiz_data(quiz), report.summary, runs), problems
