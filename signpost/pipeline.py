"""The order of work: load → validate → render → write. Read this file first."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from .bodies import BodyCache, render_bodies
from .config import load_config
from .hosting import compress_in_folder, with_host_files
from .content import (fingerprint, heading_link_problems, heading_target, outside_problem, read_document,
                      read_page, read_text_file, read_tip, slug_problem)
from .memo import RenderMemo, SavedPages
from .model import LinkTargets, QuizPage, Site
from .parallel import map_chunks
from .pictures import read_pictures, with_hero
from .problems import BuildFailed, Problem, errors_in, problem, warnings_in
from .render import minify_asset, render_pages, render_site
from .search import index_folder
from .signoff import load_ledger, release_problems, with_review
from .topics import collect_tags
from .write import write_site


@dataclass(frozen=True)
class Project:
    """Where a build reads from: the content an editor writes, and the code's templates and assets."""

    content: Path
    templates: Path
    assets: Path

    @classmethod
    def at(cls, root: Path, content: Path | None = None) -> "Project":
        return cls(Path(content or root / "content"), root / "templates", root / "assets")


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
          cache: BodyCache | None = None, workers: int = 1, memo: SavedPages | None = None,
          release: bool = False) -> BuildReport:
    """Build the site into `out`; raise BuildFailed with every problem, leaving `out` untouched.

    A preview build includes drafts and lets the page talk to the live-reload server.
    `cache` keeps rendered Markdown between builds; `workers` processes render it when cold;
    `memo` lets pages that cannot have changed be taken from the last build in `out`.
    A release build also refuses clinical text without a current sign-off (signoff.py).
    """
    started = time.perf_counter()
    site, problems = load_valid_site(project, base_url, preview, cache, workers, release)
    pages = render_pages(site, project.templates, preview=preview, memo=memo, workers=workers)
    pages = pages if preview else with_host_files(pages, site.config, memo)   # headers, .br/.gz: hosting.py
    written = write_site(pages, out, keep=(project.content, project.templates, project.assets),
                         spare=memo is not None, finish=index_folder if preview else indexed_and_compressed)   # the search index, from the pages written

    if memo:
        memo.save()
    return report_build(written, site, problems, out, started)


def indexed_and_compressed(staging: Path) -> list[str]:
    """The search index made from the pages written to `staging`, with its .br/.gz like every text file."""
    return compress_in_folder(staging, index_folder(staging))


def build_files(project: Project, base_url: str | None = None, preview: bool = False,
                cache: BodyCache | None = None, workers: int = 1, memo: RenderMemo | None = None):
    """Load, validate and render into memory, without writing: (files, site, problems)."""
    site, problems = load_valid_site(project, base_url, preview, cache, workers)
    return render_site(site, project.templates, preview=preview, memo=memo), site, problems


def load_valid_site(project: Project, base_url, preview: bool, cache, workers: int, release: bool = False):
    """load_site, raising BuildFailed with every problem when there is any error (for a release,
    also clinical text that no clinician signed off as it is)."""
    site, problems = load_site(project, base_url=base_url, drafts=preview, cache=cache, workers=workers)
    if site and release:
        problems = problems + release_problems(site)
    if errors_in(problems):
        raise BuildFailed(problems)
    return site, problems


def report_build(files, site: Site, problems, out: Path, started: float) -> BuildReport:
    """What a finished build tells the person who ran it; `files` are the output paths."""
    pages = sum(1 for path in files if path.endswith(".html"))
    return BuildReport(pages, len(files), time.perf_counter() - started, out,
                       tuple(warnings_in(problems)),
                       tuple(quiz.proof for quiz in site.quizzes))


def load_site(project: Project, base_url: str | None = None, drafts: bool = False,
              cache: BodyCache | None = None, workers: int = 1):
    """Read and validate everything; return (Site or None, every problem found)."""
    content = project.content
    config, problems = load_config(content / "site.yml", f"{content.name}/site.yml", base_url)
    files = {folder: markdown_files(content / folder) for folder in ("tips", "pages")}
    docs, doc_problems = read_documents(content, files, cache.documents if cache else None, workers)
    problems += doc_problems
    if config is None:
        return None, problems
    quiz_files = quiz_files_in(content)
    ledger, ledger_problems = load_ledger(content, signable_files(files["tips"], quiz_files))
    problems += ledger_problems
    made = cache.made if cache else None
    pictures, images, picture_problems, picture_names = read_pictures(content, made)
    problems += picture_problems
    links = LinkTargets(config.base_path, find_link_targets(docs, files, quiz_files, content, drafts),
                        picture_names, pictures)
    published = [doc for doc in docs if drafts or doc.meta.get("draft") is not True]
    bodies = render_bodies(published, links, cache, workers)
    tips, pages = [], []
    for doc, (body_html, headings, body_problems, _, words) in zip(published, bodies):
        problems += body_problems
        if doc.path.startswith("tips/"):
            item, more = remembered(made, ("tip", doc.path), read_tip, doc, config, body_html, headings, words)
            item, hero_problems = with_hero(item, doc, pictures, config.base_path)
            more = more + hero_problems
            tips.append(item and with_review(item, ledger, doc.path, doc.fingerprint, item.clinical))
        else:
            item, more = read_page(doc, body_html, headings)
            pages.append(item)
        problems += more
    tip_slugs = {tip.slug for tip in tips if tip}
    quizzes, quiz_problems = load_quizzes(quiz_files, content, tip_slugs, links, made, ledger)
    problems += quiz_problems + check_heading_links(published, bodies, quizzes)
    assets = {path: remembered(made, ("asset", path), minify_asset, path, data)
              for path, data in read_assets(project.assets).items()}
    if made is not None:  # forget what files that went were made into
        for gone in (made.keys() - {("tip", doc.path) for doc in published} - {("quiz", q.source) for q in quizzes}
                     - {("asset", path) for path in assets} - {name for name in made if name[0] == "picture"}):
            del made[gone]
    if cache is not None:
        cache.save()
    if errors_in(problems):
        return None, problems
    tips.sort(key=lambda tip: (tip.order, tip.title))
    site = Site(config, tuple(tips), tuple(sorted(pages, key=lambda p: p.slug)), collect_tags(tips),
                tuple(quizzes), assets, images)
    return site, problems


def check_heading_links(docs, bodies, quizzes) -> list[Problem]:
    """Links to headings, in tips, pages and quizzes, against the headings each page has now."""
    targets = {doc.path: heading_target(doc, headings) for doc, (_, headings, *_) in zip(docs, bodies)}
    links = [link for _, _, _, body_links, _ in bodies for link in body_links]
    links += [link for quiz in quizzes for link in quiz.model.heading_links]
    return heading_link_problems(links, targets)


def signable_files(tip_files, quiz_files) -> set[str]:
    """Every tip and quiz, by its path in the content folder ('tips/rest.md'): what a sign-off can be for."""
    return {f"tips/{file.name}" for file in tip_files} | {f"quiz/{file.name}" for file in quiz_files}


def remembered(made: dict | None, name, make, *args):
    """make(*args); or, with a cache's `made`, what it gave last time if every input is equal."""
    if made is None:
        return make(*args)
    last = made.get(name)
    if last is None or last[0] != args:
        made[name] = last = (args, make(*args))
    return last[1]


def read_documents(content: Path, files: dict, known: dict | None = None,
                   workers: int = 1) -> tuple[list, list[Problem]]:
    """Every Markdown file in `files` (folder → markdown_files), with front matter split off.

    `known` (a BodyCache's) keeps what each file gave last time with its signature (size,
    times, inode): a file whose signature is unchanged is not read or parsed again. Files
    that went are forgotten. Many files to read are read by `workers` processes.
    """
    known = {} if known is None else known
    every_file = [file for folder_files in files.values() for file in folder_files]
    signatures = {file: signature_of(file) for file in every_file}
    to_read = [file for file in every_file if signatures[file] is None or known.get(file, (None,))[0] != signatures[file]]
    for file, (doc, problems) in zip(to_read, map_chunks(read_chunk, to_read, workers, content)):
        known[file] = (signatures[file], doc, problems)
    for gone in known.keys() - set(every_file):
        del known[gone]
    docs, problems = [], []
    for file in every_file:
        _, doc, more = known[file]
        problems += more
        if doc:
            docs.append(doc)
    return docs, problems


def read_chunk(content: Path, files: list[Path]) -> list[tuple]:
    """read_document for each file; also the work of one worker process."""
    return [read_document(file, content) for file in files]


def signature_of(file: Path) -> tuple | None:
    """What changes whenever a file's contents may have: its times, size and inode (as git's index).

    None for a file changed in the last two seconds: the disk's clock may be too coarse to tell
    two saves of the same size apart, so such a file is read again next time ("racy git")."""
    try:
        info = file.stat()
    except OSError:
        return None
    if time.time_ns() - info.st_mtime_ns < 2_000_000_000:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino, info.st_ctime_ns


def markdown_files(folder: Path) -> list[Path]:
    """The .md files in a folder, sorted by name (as strings: sorting Path objects is slow)."""
    try:
        names = sorted(name for name in os.listdir(folder) if name.endswith(".md"))
    except OSError:  # missing (a site without pages) or unreadable
        return []
    return [folder / name for name in names]


def find_link_targets(docs, files: dict, quiz_files, content: Path, drafts: bool) -> dict[str, str | None]:
    """Source path → site URL, for rewriting links between files; drafts map to None when left out.

    Every file is a target even when its own front matter is broken, so one mistake is
    reported once, in its own file, not again in every file that links to it.
    """
    left_out = {doc.path for doc in docs if doc.meta.get("draft") is True and not drafts}
    targets: dict[str, str | None] = {}
    for folder, prefix in (("tips", "tips/"), ("pages", "")):
        for file in files[folder]:
            path = f"{folder}/{file.name}"
            targets[path] = None if path in left_out else f"{prefix}{file.stem}/"
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


def load_quizzes(files, content: Path, tip_slugs: set[str], links: LinkTargets, made: dict | None = None,
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
        quiz, more = remembered(made, ("quiz", display), load_quiz_page, file.stem, display, text,
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

    quiz, problems = load_quiz(text, display, tip_slugs, links)
    if quiz is None or errors_in(problems):
        return None, problems
    report, more = prove_quiz(quiz, display)
    problems += more
    runs = ()
    if scenarios_text is not None:
        where = scenarios_path(display)
        scenarios, more = load_scenarios(scenarios_text, where, quiz)
        runs = run_scenarios(quiz, scenarios)
        problems += more + failures(quiz, runs, where, display)
    if errors_in(problems):
        return None, problems
    return QuizPage(slug, display, quiz, quiz_data(quiz), report.summary, runs), problems
