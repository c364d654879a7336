"""A seeded benchmark corpus: N tips in Signpost's format, and the same tips for each peer.

    python bench/corpus.py 1000 bench/out/corpus-1000 [--seed 6] [--peers]

Same N and seed → byte-identical files. The tips are written like the clinic's own: front
matter with every field the site uses, 600–900 words under `## ` headings, lists, emphasis,
a blockquote and links to other tips. The first tips take the clinic's own file names so the
copied quiz (which recommends tips by name) and site.yml work unchanged.

Peers get the same tips, with links written in each tool's own checked convention:
Signpost and MkDocs `[t](other.md)`, Pelican `[t]({filename}other.md)`,
Hugo `[t]({{< ref "/tips/other.md" >}})`, Eleventy `[t]({{ "./tips/other.md" | inputPathToUrl }})`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEED = 6
PEERS = ("pelican", "mkdocs", "hugo", "eleventy")
# The clinic's tips: the quiz recommends some of them by file name, so the corpus has them.
CLINIC_SLUGS = ("running-with-back-pain", "warm-up", "cool-down", "shoes", "running-form", "mix-it-up",
                "stretching", "rest", "when-to-get-help")
TAGS = ("running", "walking", "stretching", "warm-up", "cool-down", "strength", "posture", "sleep",
        "desk-work", "lifting", "footwear", "rest", "self-care", "getting-help", "technique",
        "cross-training", "pregnancy", "older-adults", "sciatica", "pain-relief")
SOURCES = ('Life Effect, "Top tips for running with back pain"', '"NHS: Back pain"', '"NHS: Sciatica"',
           '"NICE guideline NG59: Low back pain and sciatica in over 16s"',
           '"Chartered Society of Physiotherapy: Back pain"')
REVIEWERS = ("Sam Patel, physiotherapist", "Jo Evans, clinical lead", "Alex Morgan, physiotherapist")
TITLE_VERBS = ("Ease", "Protect", "Strengthen", "Look after", "Loosen", "Support", "Rest", "Move", "Care for",
               "Relax", "Check", "Pace")
TITLE_OBJECTS = ("your lower back", "your hips", "your core", "tight hamstrings", "a stiff neck",
                 "your upper back", "sore muscles", "your posture", "your spine", "your knees")
TITLE_CONTEXTS = ("after a long run", "at your desk", "when you lift", "on rest days", "before bed",
                  "on long drives", "in the garden", "while you travel", "during pregnancy", "as you get older",
                  "when it is cold", "after sitting", "on hills", "in the morning", "at the gym")
SUBJECTS = ("Your back", "A short walk", "Gentle movement", "Most back pain", "A good routine", "Your body",
            "Many people", "A slow start", "Good sleep", "Your physiotherapist", "A warm bath", "Light exercise",
            "Strong core muscles", "A little rest", "Regular breaks")
VERBS = ("helps", "can ease", "often improves", "needs", "may change", "supports", "settles", "protects",
         "can shape", "usually helps", "makes a difference to", "keeps")
OBJECTS = ("the muscles around your spine", "the way you move", "how you feel the next day", "stiffness",
           "your balance", "everyday tasks", "the pain you notice", "your confidence", "blood flow to tight areas",
           "the load on your joints", "your breathing", "the rest of your week")
TAILS = ("over a few weeks", "if you keep at it", "for most people", "when you take it slowly", "at any age",
         "even on busy days", "without special kit", "as long as it feels comfortable", "bit by bit",
         "more than you might think", "", "", "")
HEADINGS = ("Why this matters", "What you can do", "How to start", "Make it a habit", "When to stop",
            "What to expect", "Small changes that help", "Common mistakes", "A simple plan", "Listen to your body",
            "How often", "If it still hurts", "Things to avoid", "Getting the balance right")
QUOTES = ("Pain is a sign to take notice of, not a reason to stop moving altogether.",
          "Start slowly, build up gently, and give your body time to adapt.",
          "Most back pain gets better within a few weeks with the right care.",
          "If you are unsure, ask a health professional before you carry on.")


@dataclass(frozen=True)
class TipSpec:
    """One generated tip: what every output format needs to write it."""

    slug: str
    title: str
    summary: str
    tags: tuple[str, ...]
    date: dt.date
    reviewed: dt.date
    next_review: dt.date | None
    order: int
    sources: tuple[str, ...]
    reviewed_by: str
    body: str  # Markdown with links written as {{link:slug|text}}, filled in per format


def slugify(text: str) -> str:
    """Lowercase words joined by hyphens, as Signpost requires for file names."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def make_titles(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """N distinct (slug, title) pairs; the first ones take the clinic's file names."""
    seen, pairs = set(), []
    while len(pairs) < n:
        title = f"{rng.choice(TITLE_VERBS)} {rng.choice(TITLE_OBJECTS)} {rng.choice(TITLE_CONTEXTS)}"
        slug = CLINIC_SLUGS[len(pairs)] if len(pairs) < len(CLINIC_SLUGS) else slugify(title)
        base, number = slug, 2
        while slug in seen:
            slug, number = f"{base}-{number}", number + 1
        seen.add(slug)
        pairs.append((slug, title))
    return pairs


def sentence(rng: random.Random) -> str:
    """One plain-English sentence about back care."""
    tail = rng.choice(TAILS)
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}{' ' + tail if tail else ''}."


def emphasise(rng: random.Random, text: str) -> str:
    """Now and then make a sentence's first two words strong, or its last word emphasised."""
    roll, words = rng.random(), text[:-1].split(" ")
    if roll < 0.12:
        return f"**{words[0]} {words[1]}** {' '.join(words[2:])}."
    if roll < 0.22:
        return f"{' '.join(words[:-1])} *{words[-1]}*."
    return text


def paragraph(rng: random.Random, words: int, links: list[tuple[str, str]]) -> str:
    """Sentences up to about `words` words, with emphasis and maybe one link to another tip."""
    parts, used = [], 0
    while used < words:
        text = emphasise(rng, sentence(rng))
        parts.append(text)
        used += len(text.split())
    if links:
        slug, title = links.pop()
        parts.append(f"Read more in {{{{link:{slug}|{title.lower()}}}}}.")
    return " ".join(parts)


def bullet_list(rng: random.Random) -> str:
    """A bulleted or numbered list of 3–5 short items."""
    items = [f"{rng.choice(OBJECTS)} {rng.choice(TAILS)}".strip() for _ in range(rng.randint(3, 5))]
    numbered = rng.random() < 0.3
    lines = [f"{i}. {item}" if numbered else f"- {item}" for i, item in enumerate(items, start=1)]
    return "\n".join(lines)


def count_words(markdown: str) -> int:
    """Words as Signpost counts them: link targets are not words."""
    text = fill_links(markdown, lambda slug, text: f"[{text}]({slug}.md)")
    return len(re.findall(r"[A-Za-z0-9’']+", re.sub(r"\]\([^)]*\)", "]", text)))


def make_body(rng: random.Random, links: list[tuple[str, str]]) -> str:
    """600–900 words of Markdown: 4–6 sections, a sub-section, a list, emphasis, a blockquote, links."""
    target, sections = rng.randint(605, 835), rng.randint(4, 6)
    headings = rng.sample(HEADINGS, sections)
    quote_at, list_at = rng.randrange(1, sections), rng.randrange(0, sections)
    blocks = []
    for section, heading in enumerate(headings):
        blocks.append(f"## {heading}")
        if section == 2:
            blocks.append(f"### {rng.choice(HEADINGS)} {rng.choice(TITLE_CONTEXTS)}")
        goal = target * (section + 1) // sections
        used = count_words("\n".join(blocks))
        while used < goal:
            blocks.append(paragraph(rng, min(goal - used, rng.randint(45, 90)), links))
            used = count_words("\n".join(blocks))
        if section == list_at:
            blocks.append(bullet_list(rng))
        if section == quote_at:
            blocks.append(f"> {rng.choice(QUOTES)}")
    return "\n\n".join(blocks) + "\n"


def summary(rng: random.Random) -> str:
    """Two sentences joined into one, like the clinic's one-line summaries."""
    first, second = sentence(rng), sentence(rng)
    return f"{first[:-1]}, and {second[0].lower()}{second[1:]}"


def make_tips(n: int, seed: int = DEFAULT_SEED) -> list[TipSpec]:
    """N tips, fully determined by n and seed."""
    if n < len(CLINIC_SLUGS):
        raise ValueError(f"the corpus needs at least {len(CLINIC_SLUGS)} tips (the quiz links to them)")
    rng = random.Random(f"signpost-bench-{seed}")
    names = make_titles(rng, n)
    tips = []
    for index, (slug, title) in enumerate(names):
        others = [names[i] for i in rng.sample(range(n), 4) if i != index][: rng.randint(2, 3)]
        date = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(700))
        reviewed = date + dt.timedelta(days=rng.randrange(0, 60))
        next_review = reviewed + dt.timedelta(days=rng.choice((180, 270))) if rng.random() < 0.3 else None
        tips.append(TipSpec(
            slug=slug, title=title,
            summary=summary(rng),
            tags=tuple(sorted(rng.sample(TAGS, rng.randint(1, 4)))), date=date, reviewed=reviewed,
            next_review=next_review, order=rng.randint(1, 200),
            sources=tuple(rng.sample(SOURCES, rng.randint(1, 3))),
            reviewed_by=rng.choice(REVIEWERS) if rng.random() < 0.5 else "",
            body=make_body(rng, list(others)),
        ))
    return tips


def fill_links(body: str, link) -> str:
    """Replace every {{link:slug|text}} with `link(slug, text)`."""
    return re.sub(r"\{\{link:([a-z0-9-]+)\|([^}]*)\}\}", lambda m: link(m.group(1), m.group(2)), body)


def yaml_text(value: str) -> str:
    """A YAML scalar that stays a string: quoted when it holds anything YAML might read."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' if re.search(r'[:#"\[\]{}&*!|>%@`]', value) \
        or value.lower() in ("yes", "no", "on", "off", "true", "false") else value


def signpost_tip(tip: TipSpec) -> str:
    """A tip file exactly as an editor writes it in content/tips/."""
    lines = ["---", f"title: {yaml_text(tip.title)}", f"summary: {yaml_text(tip.summary)}",
             f"tags: [{', '.join(tip.tags)}]", f"date: {tip.date}", f"reviewed: {tip.reviewed}"]
    if tip.next_review:
        lines.append(f"next_review: {tip.next_review}")
    if tip.reviewed_by:
        lines.append(f"reviewed_by: {yaml_text(tip.reviewed_by)}")
    lines.append(f"order: {tip.order}")
    lines += ["sources:"] + [f"  - {source}" for source in tip.sources] + ["---", ""]
    body = fill_links(tip.body, lambda slug, text: f"[{text}]({slug}.md)")
    return "\n".join(lines) + body


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 with \n line endings, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def write_signpost(tips: list[TipSpec], content: Path) -> None:
    """content/: site.yml, the generated tips, and the clinic's quiz and pages, copied."""
    source = REPO / "content"
    write_text(content / "site.yml", (source / "site.yml").read_text(encoding="utf-8"))
    for folder in ("quiz", "pages"):
        for file in sorted((source / folder).iterdir()):
            if file.is_file():
                write_text(content / folder / file.name, file.read_text(encoding="utf-8"))
    for tip in tips:
        write_text(content / "tips" / f"{tip.slug}.md", signpost_tip(tip))


def clinic_pages() -> list[tuple[str, str, str]]:
    """(slug, title, Markdown body) of the clinic's free-standing pages, for the peers."""
    pages = []
    for file in sorted((REPO / "content" / "pages").glob("*.md")):
        text = file.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        title = re.search(r"^title: (.*)$", front, re.M).group(1)
        pages.append((file.stem, title, body))
    return pages


def write_pelican(tips: list[TipSpec], root: Path) -> None:
    """Pelican: content/*.md with Pelican metadata, the built-in 'simple' theme, no feeds."""
    for tip in tips:
        body = fill_links(tip.body, lambda slug, text: f"[{text}]({{filename}}{slug}.md)")
        meta = [f"Title: {tip.title}", f"Date: {tip.date}", f"Modified: {tip.reviewed}", f"Tags: {', '.join(tip.tags)}",
                f"Summary: {tip.summary}", f"Slug: {tip.slug}", "Category: tips"]
        write_text(root / "content" / f"{tip.slug}.md", "\n".join(meta) + "\n\n" + body)
    for slug, title, body in clinic_pages():
        write_text(root / "content" / "pages" / f"{slug}.md", f"Title: {title}\nSlug: {slug}\n\n{body}")
    write_text(root / "pelicanconf.py", PELICAN_CONF)


PELICAN_CONF = '''\
# Benchmark settings: the built-in "simple" theme, the same Markdown extensions as Signpost,
# no feeds and no cache, so a build is a cold build of the same pages.
SITENAME = "Bench"
SITEURL = ""
PATH = "content"
PAGE_PATHS = ["pages"]
ARTICLE_PATHS = [""]
ARTICLE_EXCLUDES = ["pages"]
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
THEME = "simple"
DEFAULT_PAGINATION = False
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
ARTICLE_URL = "tips/{slug}/"
ARTICLE_SAVE_AS = "tips/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.toc": {},
        "markdown.extensions.tables": {},
        "markdown.extensions.sane_lists": {},
        "markdown.extensions.smarty": {},
    },
    "output_format": "html5",
}
'''


def front_matter(tip: TipSpec, extra: list[str]) -> str:
    """YAML front matter shared by MkDocs, Hugo and Eleventy."""
    lines = ["---", f"title: {yaml_text(tip.title)}", f"summary: {yaml_text(tip.summary)}",
             f"date: {tip.date}", *extra, "---", ""]
    return "\n".join(lines)


def write_mkdocs(tips: list[TipSpec], root: Path) -> None:
    """MkDocs: docs/tips/*.md, an index listing every tip, one-template theme, no search plugin."""
    for tip in tips:
        body = fill_links(tip.body, lambda slug, text: f"[{text}]({slug}.md)")
        tags = f"tags: [{', '.join(tip.tags)}]"
        write_text(root / "docs" / "tips" / f"{tip.slug}.md", front_matter(tip, [tags]) + body)
    listing = "".join(f"- [{tip.title}](tips/{tip.slug}.md)\n" for tip in tips)
    write_text(root / "docs" / "index.md", "# Tips\n\n" + listing)
    for slug, title, body in clinic_pages():
        write_text(root / "docs" / f"{slug}.md", f"---\ntitle: {yaml_text(title)}\n---\n{body}")
    write_text(root / "mkdocs.yml", MKDOCS_YML)
    write_text(root / "theme" / "main.html", MKDOCS_MAIN)


MKDOCS_YML = """\
site_name: Bench
site_url: https://bench.example/
docs_dir: docs
use_directory_urls: true
theme:
  name: null
  custom_dir: theme
plugins: []
markdown_extensions: [toc, tables, sane_lists, smarty]
"""
MKDOCS_MAIN = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ page.title }} – {{ config.site_name }}</title></head>
<body><header><a href="{{ nav.homepage.url|url }}">{{ config.site_name }}</a></header>
<main><h1>{{ page.title }}</h1>
{{ page.content }}
</main></body></html>
"""


def write_hugo(tips: list[TipSpec], root: Path) -> None:
    """Hugo: content/tips/*.md with front matter, ref shortcodes for links, two tiny layouts."""
    for tip in tips:
        body = fill_links(tip.body, lambda slug, text: f'[{text}]({{{{< ref "/tips/{slug}.md" >}}}})')
        extra = [f"lastmod: {tip.reviewed}", f"tags: [{', '.join(tip.tags)}]"]
        write_text(root / "content" / "tips" / f"{tip.slug}.md", front_matter(tip, extra) + body)
    for slug, title, body in clinic_pages():
        write_text(root / "content" / f"{slug}.md", f"---\ntitle: {yaml_text(title)}\n---\n{body}")
    write_text(root / "config.toml", HUGO_CONFIG)
    write_text(root / "layouts" / "_default" / "single.html", HUGO_SINGLE)
    write_text(root / "layouts" / "_default" / "list.html", HUGO_LIST)


HUGO_CONFIG = """\
baseURL = "https://bench.example/"
title = "Bench"
languageCode = "en"
disableKinds = ["RSS", "sitemap", "robotsTXT"]
[markup.goldmark.renderer]
unsafe = false
"""
HUGO_SINGLE = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} – {{ site.Title }}</title></head>
<body><header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></header>
<main><h1>{{ .Title }}</h1>
<p>{{ .Summary }}</p>
{{ .Content }}
</main></body></html>
"""
HUGO_LIST = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} – {{ site.Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</main></body></html>
"""


def write_eleventy(tips: list[TipSpec], root: Path) -> None:
    """Eleventy: tips/*.md with front matter, inputPathToUrl for links, a tip layout and tag pages."""
    for tip in tips:
        body = fill_links(tip.body, lambda slug, text: f'[{text}]({{{{ "./tips/{slug}.md" | inputPathToUrl }}}})')
        extra = [f"tags: [tip, {', '.join(tip.tags)}]", "layout: tip.njk", f"permalink: /tips/{tip.slug}/"]
        write_text(root / "tips" / f"{tip.slug}.md", front_matter(tip, extra) + body)
    for slug, title, body in clinic_pages():
        write_text(root / f"{slug}.md", f"---\ntitle: {yaml_text(title)}\nlayout: tip.njk\n"
                                         f"permalink: /{slug}/\n---\n{body}")
    write_text(root / "_includes" / "tip.njk", ELEVENTY_LAYOUT)
    write_text(root / "index.njk", ELEVENTY_INDEX)
    write_text(root / "tags.njk", ELEVENTY_TAGS)


ELEVENTY_LAYOUT = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }} – Bench</title></head>
<body><header><a href="/">Bench</a></header>
<main><h1>{{ title }}</h1>
<p>{{ summary }}</p>
{{ content | safe }}
</main></body></html>
"""
ELEVENTY_INDEX = """\
---
permalink: /
---
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bench</title></head>
<body><main><h1>Tips</h1>
<ul>{% for tip in collections.tip %}<li><a href="{{ tip.url }}">{{ tip.data.title }}</a></li>{% endfor %}</ul>
</main></body></html>
"""
ELEVENTY_TAGS = """\
---
pagination:
  data: collections
  size: 1
  alias: tag
  filter: [all, tip]
permalink: /tags/{{ tag }}/
---
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ tag }} – Bench</title></head>
<body><main><h1>{{ tag }}</h1>
<ul>{% for tip in collections[tag] %}<li><a href="{{ tip.url }}">{{ tip.data.title }}</a></li>{% endfor %}</ul>
</main></body></html>
"""

PEER_WRITERS = {"pelican": write_pelican, "mkdocs": write_mkdocs, "hugo": write_hugo, "eleventy": write_eleventy}


def write_corpus(n: int, out: Path, seed: int = DEFAULT_SEED, peers=()) -> Path:
    """Write the corpus under `out`: content/ for Signpost and one folder per requested peer."""
    tips = make_tips(n, seed)
    if out.exists():
        shutil.rmtree(out)
    write_signpost(tips, out / "content")
    for peer in peers:
        PEER_WRITERS[peer](tips, out / peer)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Write a seeded benchmark corpus.")
    parser.add_argument("n", type=int, help="number of tips")
    parser.add_argument("out", type=Path, help="folder to write (replaced)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--peers", action="store_true", help="also write Pelican, MkDocs, Hugo and Eleventy copies")
    args = parser.parse_args(argv)
    write_corpus(args.n, args.out, args.seed, PEERS if args.peers else ())
    print(f"Wrote {args.n} tips to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
