"""The validated Site → {output path: bytes}. Reads the model and the templates, never the content."""
from __future__ import annotations

import contextlib
import functools
import hashlib
import posixpath
import re
import traceback
from collections import Counter
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote, urlsplit

import jinja2
import rcssmin
from calmjs.parse import es5
from calmjs.parse.unparsers.es5 import minify_print

from .admin import render_admin
from .incremental import COLD, Incremental, PageReuse
from .model import Review, Site, Tip
from .parallel import PARALLEL_FROM, stream_chunks
from .problems import BuildFailed, Problem, problem
from .search import INDEX_FOLDER


def fingerprint_assets(assets: dict[str, bytes]) -> dict[str, str]:
    """css/site.css → css/site.1a2b3c4d.css, so hosts can cache assets for a year."""
    names = {}
    for path, data in assets.items():
        stem, ext = posixpath.splitext(path)
        names[path] = f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}{ext}"
    return names


def make_environment(templates_dir, site: Site, asset_names: dict[str, str], preview: bool,
                     bytecode_cache: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """One Jinja2 environment per build: autoescaped, strict about typos, with the URL helpers."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=bytecode_cache,
    )
    base_path, base_url = site.config.base_path, site.config.base_url

    def url(path: str = "") -> str:
        return base_path + path

    def absolute_url(path: str = "") -> str:
        return base_url + path

    def asset(path: str) -> str:
        return base_path + asset_names[path]

    env.globals.update(site=site.config, url=url, absolute_url=absolute_url, asset=asset,
                       quizzes=site.quizzes, all_tags=site.tags, all_tips=site.tips,
                       all_pages=site.pages, preview=preview,
                       live_reload_script=live_reload_script(site.config) if preview else "")
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
    env.filters["long_date"] = lambda day: f"{day.day} {day:%B %Y}"
    env.filters["urlencode_all"] = lambda text: quote(str(text), safe="")
    return env


def live_reload_script(config) -> str:
    """livereload.js, loaded as a file: the inline loader livereload injects is blocked by our CSP."""
    port = urlsplit(config.base_url).port or 80
    return f"{config.base_path}livereload.js?port={port}"


def related_tips(tips, limit: int = 3) -> dict[str, list[Tip]]:
    """For each tip, the tips sharing most tags with it (ties: site order, then title).

    Goes through a tag index, so only tips that share a tag are compared, and counts and
    sorts in C (Counter, sorted): at 1,000 tips this is a few hundredths of a second.
    """
    ranked = sorted(tips, key=lambda tip: (tip.order, tip.title))  # a tip's position breaks ties
    by_tag: dict[str, list[int]] = {}
    for position, tip in enumerate(ranked):
        for tag in tip.tags:
            by_tag.setdefault(tag, []).append(position)
    related = {}
    for position, tip in enumerate(ranked):
        shared = Counter(chain.from_iterable(by_tag[tag] for tag in tip.tags))
        shared.pop(position, None)
        # sorted() is stable, also in reverse: most shared tags first, equal counts in site order
        best = sorted(sorted(shared), key=shared.__getitem__, reverse=True)[:limit]
        related[tip.slug] = [ranked[other] for other in best]
    return related


def organisation(config) -> dict:
    """The clinic, as schema.org structured data; pages refer to it by its @id."""
    data = {"@type": "MedicalClinic", "@id": config.base_url + "#clinic", "name": config.name,
            "url": config.base_url, "telephone": config.phone}
    return {**data, "email": config.email} if config.email else data


def web_page(config, page_url: str, name: str, description: str, kind: str = "WebPage") -> dict:
    """One page as schema.org structured data."""
    return {"@context": "https://schema.org", "@type": kind, "name": name, "description": description,
            "url": config.base_url + page_url, "inLanguage": config.language,
            "publisher": organisation(config)}


def tip_page(config, tip: Tip) -> dict:
    """A tip is a MedicalWebPage: published and updated dates, and a review only if a clinician signed it off."""
    return {**web_page(config, tip.url, tip.title, tip.summary, "MedicalWebPage"),
            "datePublished": tip.date.isoformat(), "dateModified": tip.updated.isoformat(),
            "keywords": ", ".join(tip.tags), **review_claim(tip.review)}


def review_claim(review: Review) -> dict:
    """schema.org's lastReviewed and reviewedBy, only while the text is the one a clinician signed off."""
    done = review.sign_off
    if not review.signed or done is None:   # signed implies a sign-off; the second test tells mypy
        return {}
    return {"lastReviewed": done.date.isoformat(),
            "reviewedBy": {"@type": "Person", "name": done.name, "jobTitle": done.role}}


def list_pages(site: Site, related: dict[str, list[Tip]] | None = None):
    """Every output made from a template: (output path, template, context, source it comes from,
    what only this page shows besides the site-wide facts — None: never reused, see memo.py)."""
    config = site.config
    home = web_page(config, "", config.name, config.tagline)
    yield "index.html", "home.html", {"page_url": "", "json_ld": {**home, "@type": "WebSite"}}, "content/site.yml", ()
    yield "tips/index.html", "tips.html", {"page_url": "tips/"}, "content/tips/", ()
    related = related if related is not None else related_tips(site.tips)
    for tip in site.tips:
        context = {"tip": tip, "related": related[tip.slug], "page_url": tip.url, "review": tip.review,
                   "json_ld": tip_page(config, tip), "og_type": "article"}
        yield f"{tip.url}index.html", "tip.html", context, tip.source, (tip, [t.slug for t in related[tip.slug]])
    yield "tags/index.html", "tags.html", {"page_url": "tags/"}, "content/tips/", ()
    yield "search/index.html", "search.html", {"page_url": "search/"}, "templates/search.html", ()
    for tag in site.tags:
        yield f"{tag.url}index.html", "tag.html", {"tag": tag, "page_url": tag.url}, "content/tips/", ()
    for page in site.pages:
        context = {"page": page, "page_url": page.url, "json_ld": web_page(config, page.url, page.title, page.summary)}
        yield f"{page.url}index.html", "page.html", context, page.source, ()
    tips_by_slug = {tip.slug: tip for tip in site.tips}
    for quiz in site.quizzes:
        quiz_page = web_page(config, quiz.url, quiz.model.title, quiz.model.summary or quiz.model.title)
        context = {"quiz": quiz.model, "quiz_data": quiz.data, "tips": tips_by_slug, "page_url": quiz.url,
                   "review": quiz.review, "json_ld": {**quiz_page, **review_claim(quiz.review)}}
        yield f"{quiz.url}index.html", "quiz.html", context, quiz.source, None
    yield "404.html", "404.html", {"page_url": "404.html"}, "templates/404.html", ()
    yield "sitemap.xml", "sitemap.xml", {"urls": sitemap_entries(site)}, "templates/sitemap.xml", ()
    yield "feed.xml", "feed.xml", {"updated": latest_change(site.tips)}, "templates/feed.xml", ()
    yield "robots.txt", "robots.txt", {}, "templates/robots.txt", ()


def sitemap_entries(site: Site) -> list[tuple[str, str]]:
    """(page URL, last modified date or '') for every public page."""
    fixed = ["", "tips/", "tags/", "search/"] + [tag.url for tag in site.tags] + [p.url for p in site.pages]
    entries = [(url, "") for url in fixed] + [(q.url, "") for q in site.quizzes]
    entries += [(tip.url, tip.reviewed.isoformat()) for tip in site.tips]
    return sorted(entries)


def latest_change(tips) -> str:
    """The feed's 'updated' time: from the content, never the clock, so builds are reproducible."""
    days = [max(tip.date, tip.reviewed) for tip in tips]
    return (max(days).isoformat() if days else "2000-01-01") + "T00:00:00Z"


def template_problem(error: jinja2.TemplateError, template: str, source: str):
    """A template mistake, located in the template when Jinja knows the line."""
    name, line = getattr(error, "name", None) or template, getattr(error, "lineno", None)
    if line is None:  # runtime errors: Jinja maps the traceback's frames back to template lines
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(".html")]
        if frames:
            name, line = Path(frames[-1].filename).name, frames[-1].lineno
    return problem(f"templates/{name}", line, f"The template could not be used for {source}: {error.message}",
                   "This is a problem in the site's design files, not in the content.")


def minify_asset(path: str, data: bytes) -> bytes:
    """A script or stylesheet without comments and indentation (other files as they are): the
    sources stay readable, and every page stays inside its first-round-trip budget (weight.py).
    Done while loading, so a build with caches minifies only what changed (Incremental.make)."""
    minifiers = {".js": minify_script, ".css": rcssmin.cssmin}
    minifier = minifiers.get(posixpath.splitext(path)[1])
    if path.endswith(".module.js"):   # an ES module (search): calmjs.parse reads only ES5; sent as written
        return data
    return minifier(data) if minifier else data


@functools.lru_cache(maxsize=16)
def minify_script(source: bytes) -> bytes:
    """A script with its local names shortened, by calmjs.parse (a real ES5 parser, pure Python).

    Renaming is what brings quiz.js from 4.4 to 3.8 KB gzip and keeps the quiz page inside
    its budget; whitespace removal alone (rjsmin) cannot. Globals keep their names, so the
    page's `module.exports` check and the browser's APIs are untouched. Parsing takes about
    0.1 s: builds with caches keep the result (Incremental.make), and so does this process.
    """
    return minify_print(es5(source.decode("utf-8")), obfuscate=True, obfuscate_globals=False).encode("utf-8")


def compact_html(html: str) -> str:
    """Drop the templates' indentation at line starts, except inside <pre>, where it is content."""
    parts = re.split(r"(<pre\b.*?</pre>)", html, flags=re.S)
    return "".join(part if part.startswith("<pre") else re.sub(r"\n[ \t]+", "\n", part) for part in parts)


class PlannedPage(NamedTuple):
    """One page to make from a template, and where it comes from."""

    out_path: str
    template: str
    context: dict[str, Any]
    source: str           # for messages: the content file or template it is made from
    key: str | None       # its reuse key (memo.page_key); None: rendered every time


class RenderedPage(NamedTuple):
    out_path: str
    data: bytes | None    # None when the template failed: see `problem`
    key: str | None
    problem: Problem | None


def render_site(site: Site, templates_dir, preview: bool = False, speedups: Incremental = COLD) -> dict[str, bytes]:
    """Every output file in memory, for the preview (which compares them with the last ones)."""
    return dict(render_pages(site, templates_dir, preview, speedups))


def render_pages(site: Site, templates_dir, preview: bool = False, speedups: Incremental = COLD):
    """Yield (output path, bytes) for every page, asset and image, one at a time, so a build
    can write each page as it is made instead of holding the whole site in memory.

    Every problem (two sources for one output path, a template mistake) is collected and
    raised together after the last page, before anything is swapped in. `speedups` may hand
    back the last render's pages (a page whose key is unchanged is reused as it is, so a save
    or a warm build renders the few pages that changed, not thousands) and may render a big
    site's pages in several processes (see render_in_parallel).
    """
    assets = site.assets            # minified when loaded
    asset_names = fingerprint_assets(assets)
    env = make_environment(templates_dir, site, asset_names, preview, speedups.template_cache)
    reuse = speedups.page_reuse(site, templates_dir, asset_names, preview)
    plan, problems = plan_pages(site, reuse)
    to_render = [page for page in plan if not (page.key and reuse and reuse.expects(page.out_path, page.key))]
    if speedups.workers > 1 and len(to_render) >= PARALLEL_FROM:
        rendered = render_in_parallel(env, plan, reuse, speedups.workers)
    else:
        rendered = (render_planned(env, page, reuse) for page in plan)
    for page in rendered:
        if page.problem:
            problems.append(page.problem)
            continue
        if reuse and page.key:
            reuse.keep(page.out_path, page.key, page.data)
        yield page.out_path, page.data
    if problems:
        raise BuildFailed(problems)
    for path, data in [(asset_names[path], data) for path, data in assets.items()] + list(site.images.items()):
        yield path, reuse.copied_file(path, data) if reuse else data
    yield from render_admin(env, site.config, preview, Path(templates_dir).parent, reuse)  # the web editor: admin.py


def plan_pages(site: Site, reuse: PageReuse | None = None) -> tuple[list[PlannedPage], list[Problem]]:
    """Every page to render, and a problem for each output path that two sources would both write."""
    plan: list[PlannedPage] = []
    problems: list[Problem] = []
    sources = {f"{INDEX_FOLDER}/index.html": "the site's search index"}   # output path → its source; search.py
    related = reuse.related(site.tips, related_tips) if reuse else related_tips(site.tips)
    for out_path, template, context, source, own in list_pages(site, related):
        if out_path in sources:
            problems.append(problem(source, None, f"This would be written to {out_path}, "
                                    f"which {sources[out_path]} already uses", "Rename one of the two files."))
            continue
        sources[out_path] = source
        plan.append(PlannedPage(out_path, template, context, source, reuse.key(out_path, own) if reuse else None))
    return plan, problems


def render_planned(env: jinja2.Environment, page: PlannedPage, reuse: PageReuse | None) -> RenderedPage:
    """One planned page, reused or rendered."""
    data = reuse.reuse(page.out_path, page.key) if reuse and page.key else None
    if data is None:
        try:
            html = env.get_template(page.template).render(**page.context)
        except jinja2.TemplateError as error:
            return RenderedPage(page.out_path, None, page.key, template_problem(error, page.template, page.source))
        data = (compact_html(html) if page.out_path.endswith(".html") else html).encode("utf-8")
    return RenderedPage(page.out_path, data, page.key, None)


def render_in_parallel(env: jinja2.Environment, plan: list[PlannedPage], reuse: PageReuse | None, workers: int):
    """render_planned over the plan in forked workers (parallel.stream_chunks), results in plan
    order; the templates are compiled once, here, before the fork."""
    for name in {page.template for page in plan}:
        with contextlib.suppress(jinja2.TemplateError):  # a mistake is reported per page
            env.get_template(name)
    yield from stream_chunks(_render_range, len(plan), workers, (env, plan, reuse))


def _render_range(env: jinja2.Environment, plan: list[PlannedPage], reuse: PageReuse | None,
                  start: int, stop: int) -> list[RenderedPage]:
    return [render_planned(env, plan[index], reuse) for index in range(start, stop)]
