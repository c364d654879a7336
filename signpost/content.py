"""Markdown sources → Tip and Page: front matter, Markdown body, links between sources.

Reading happens in two steps so links can be checked: first every file's front matter and
body text (sources.read_document), then the Markdown of each, once every link target is known.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import html as htmllib
import posixpath
import re
from typing import NamedTuple
from xml.etree.ElementTree import Element

import markdown
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import render_inner_html, strip_tags, unique
from markdown.extensions.toc import slugify as toc_slugify
from markdown.inlinepatterns import Pattern
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import Registry

from .model import Document, Heading, HeadingLink, HeadingTarget, LinkTargets, Page, SiteConfig, Tip
from .pictures import PictureTreeprocessor
from .problems import Problem, problem
from .sanitize import clean_html, removed_html_problem
from .schema import PAGE_FIELDS, TIP_FIELDS, keys
from .sources import SLUG
from .yamlfile import check_keys, read_bool, read_date, read_int, read_text, read_text_list, suggest

TIP_KEYS = keys(TIP_FIELDS)    # schema.py declares them, for the build and the web editor alike
PAGE_KEYS = keys(PAGE_FIELDS)
MAX_BRACKETS = 2_000


def read_tip(doc: Document, config: SiteConfig, body_html: str, headings, words: int):
    """Validate a tip's front matter and combine it with its rendered body."""
    meta, path = doc.meta, doc.display
    problems: list[Problem] = []
    check_keys(meta, TIP_KEYS, path, problems)
    title = read_text(meta, "title", path, problems, required=True)
    summary = read_text(meta, "summary", path, problems, required=True)
    date = read_date(meta, "date", path, problems, required=True)
    reviewed = read_date(meta, "reviewed", path, problems) or date
    next_review = read_date(meta, "next_review", path, problems)
    if reviewed and not next_review:
        next_review = add_months(reviewed, config.review_months)
    if reviewed and next_review and next_review <= reviewed:
        problems.append(problem(path, meta.line_of("next_review"),
                                f"'next_review' ({next_review}) must come after 'reviewed' ({reviewed})"))
    tags = read_text_list(meta, "tags", path, problems)
    for tag in tags:
        if not SLUG.fullmatch(tag):
            problems.append(problem(path, meta.line_of("tags"), f"The tag '{tag}' can't be used as a web address",
                                    "Use lowercase letters, numbers and hyphens, e.g. 'warm-up'."))
    draft = read_bool(meta, "draft", path, problems)
    if not draft:
        problems += example_text_problems(doc)
    tip = Tip(
        slug=doc.slug, title=title, summary=summary, tags=tuple(dict.fromkeys(tags)), date=date,
        reviewed=reviewed, next_review=next_review, body_html=body_html, headings=tuple(headings),
        words=words, source=path, draft=draft,
        sources=read_text_list(meta, "sources", path, problems),
        order=read_int(meta, "order", path, problems, default=100),
        reviewed_by=read_text(meta, "reviewed_by", path, problems),
        clinical=read_bool(meta, "clinical", path, problems), document=doc,
    )
    return (None if problems else tip), problems


# The example text `build.py new tip` writes (scaffold.py), for the editor to replace: a tip that
# still holds any of it is refused unless it is a draft. Its headings may stay.
EXAMPLE_SUMMARY = "Say in one short sentence how this tip helps."
EXAMPLE_BODY = """\
## Why it matters

Say why this tip helps. Keep each sentence short. Use the words your patients use.

## What to do

Give the steps in order:

- Write one step on each line.
- Start each step with a verb, like walk or stretch.

## When to get help

Say when to stop and get help. Tell the reader they can book a visit with us.
"""
EXAMPLE_TEXTS = frozenset({EXAMPLE_SUMMARY} | {line.strip() for line in EXAMPLE_BODY.split("\n")
                                               if line.strip() and not line.startswith("#")})


def example_text_problems(doc: Document) -> list[Problem]:
    """The first line of a tip that is still the example text `build.py new tip` wrote, if any."""
    lines = [(doc.meta.line_of("summary"), str(doc.meta.get("summary", "")).strip())]
    lines += [(number, line.strip()) for number, line in enumerate(doc.body.split("\n"), start=doc.body_line)]
    first = next(((number, text) for number, text in lines if text in EXAMPLE_TEXTS), None)
    if first is None:
        return []
    return [problem(doc.display, first[0], f"This tip still has the example text that 'build.py new' wrote: "
                    f"'{shorten(first[1])}'", "Replace every example sentence with your own words, or keep the "
                    "line 'draft: true' until the tip is ready.")]


def shorten(text: str, words: int = 8) -> str:
    """The first few words of a sentence, to name it in a message."""
    split = text.split()
    return " ".join(split[:words]) + ("…" if len(split) > words else "")


def read_page(doc: Document, body_html: str, headings):
    """Validate a free-standing page's front matter."""
    meta, path = doc.meta, doc.display
    problems: list[Problem] = []
    check_keys(meta, PAGE_KEYS, path, problems)
    page = Page(
        slug=doc.slug, title=read_text(meta, "title", path, problems, required=True),
        summary=read_text(meta, "summary", path, problems), body_html=body_html,
        headings=tuple(headings), source=path, draft=read_bool(meta, "draft", path, problems),
        nav_title=read_text(meta, "nav_title", path, problems), document=doc,
    )
    if not page.nav_title:
        page = dataclasses.replace(page, nav_title=page.title)
    return (None if problems else page), problems


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    if year > dt.MAXYEAR:  # e.g. reviewed: 9999-06-01; Python has no later dates
        return dt.date.max
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def count_words(body: str) -> int:
    """Words a reader reads: Markdown link targets and symbols are not words."""
    end = body.rfind(")") + 1  # no target can close after the last ')': stops the regex trying in quadratic time
    without_targets = re.sub(r"\]\([^)]*\)", "]", body[:end]) + body[end:]
    return len(re.findall(r"[A-Za-z0-9’']+", without_targets))


# ---- Markdown ----

class Unreadable(NamedTuple):
    """Why a Markdown text can't be turned into a page, and what to do about it."""

    reason: str
    hint: str = ("Markdown uses [ ] for links, and indented '-' or '>' lines for lists and quotes; "
                 "look for a long run of them.")
    at: int = 0   # where in the text the trouble starts


def convert_markdown(md: markdown.Markdown, text: str) -> tuple[str, Unreadable | None]:
    """Markdown → (HTML, None), or ("", why it can't be read) for text that would crash or stall Python-Markdown."""
    brackets = text.count("[")
    if brackets > MAX_BRACKETS:  # Python-Markdown pairs brackets in quadratic time: 20,000 take minutes
        return "", Unreadable(f"it has {brackets} '[' brackets, more than the {MAX_BRACKETS} that can be read in good time")
    stall = markdown_stall(text)
    if stall:
        return "", stall
    try:
        return md.convert(text), None
    except RecursionError:  # hundreds of lists or quotes inside each other
        return "", Unreadable("lists or quotes are nested inside each other too deeply")


def unreadable_markdown(path: str, line: int | None, why: Unreadable) -> Problem:
    return problem(path, line, f"This text could not be turned into a page: {why.reason}", why.hint)


# ---- Text that Python-Markdown reads in quadratic time ----
#
# Under the 100 KB limit, some texts take Python-Markdown minutes (99 KB of '<a ' took 121 s).
# Three mechanisms, each estimated here in about linear time, each with a limit of roughly
# half a second of Markdown time on these machines; ordinary tips use a small fraction of each:
#  1. html.parser, looking for raw HTML, matches each '<' + letter as a start tag, and a tag with
#     no '>' runs on over the text after it. Measured by running the same pattern, stopping once
#     the characters it has scanned pass the limit.
#  2. Inline patterns (emphasis, code, escapes, links, entities, HTML, line breaks) search from
#     each of their marks towards the end of a paragraph, and each match copies the rest of it:
#     marks × length.
#  3. A block loses one heading or rule line at a time, and the tables extension splits what is
#     left into lines again each time: such lines × lines in the block.
MAX_TAG_SCAN = 2_000_000        # characters html.parser may scan looking for the ends of start tags
MAX_INLINE_WORK = 50_000_000    # sum over paragraphs of inline marks × paragraph length
MAX_LINE_WORK = 2_000_000       # sum over paragraphs of heading or rule lines × lines
# html.parser's own start-tag pattern (Python 3.11's locatestarttagend_tolerant): what it scans.
START_TAG = re.compile(r"""
  <[a-zA-Z][^\t\n\r\f />\x00]*
  (?:[\s/]*(?:(?<=['"\s/])[^\s/>][^\s/=>]*(?:\s*=+\s*(?:'[^']*'|"[^"]*"|(?!['"])[^>\s]*)\s*)?(?:\s|/(?!>))*)*)?
  \s*""", re.VERBOSE)
TAG_OPENER = re.compile(r"<[a-zA-Z]")
SINGLE_LINE_BLOCK = re.compile(r"^ {0,3}(?:#|=+[ \t]*$|-+[ \t]*$|(?:[-*_][ \t]*){3,}$)", re.MULTILINE)
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def markdown_stall(text: str) -> Unreadable | None:
    """Why Python-Markdown would take minutes over this text, or None; `at` is where the trouble starts."""
    scanned, first_long = 0, None
    for opener in TAG_OPENER.finditer(text):
        tag = START_TAG.match(text, opener.start())  # always a match: START_TAG begins with TAG_OPENER
        length = (tag or opener).end() - opener.start()
        scanned += length
        if first_long is None and length > 1000:
            first_long = opener.start()
        if scanned > MAX_TAG_SCAN:
            return Unreadable(f"it has {len(TAG_OPENER.findall(text)):,} '<' signs that start HTML tags, some not "
                              "closed with '>', which would take minutes to read",
                              "Close each HTML tag with '>', or write &lt; for a '<' that doesn't start one.",
                              opener.start() if first_long is None else first_long)
    lines = text.count("\n") + 1
    if inline_marks(text) * len(text) <= MAX_INLINE_WORK and lines * lines <= MAX_LINE_WORK:
        return None   # quick even as one paragraph of heading lines: most texts stop here
    parts = list(paragraphs(text))
    inline_work = [(inline_marks(part) * len(part), start) for start, part in parts]
    line_work = [(len(SINGLE_LINE_BLOCK.findall(part)) * (part.count("\n") + 1), start) for start, part in parts]
    if sum(work for work, _ in inline_work) > MAX_INLINE_WORK:
        return Unreadable("it has long paragraphs full of '*', '_', '`', '\\', '<', '[', '!' or '&' signs, "
                          "which would take minutes to read",
                          "Break long paragraphs up with blank lines, and check nothing was pasted in by mistake.",
                          max(inline_work)[1])
    if sum(work for work, _ in line_work) > MAX_LINE_WORK:
        return Unreadable("it has thousands of heading or rule lines ('#', '===', '---') with no blank lines "
                          "between them, which would take minutes to read",
                          "Put a blank line before and after each heading.", max(line_work)[1])
    return None


def inline_marks(text: str) -> int:
    """The signs inline patterns search from, and line breaks (two spaces at a line's end)."""
    return sum(map(text.count, "*_`\\<[&!")) + text.count("  \n")


def paragraphs(text: str):
    """(offset, text) of each run of lines between blank lines."""
    start = 0
    for gap in PARAGRAPH_BREAK.finditer(text):
        yield start, text[start:gap.start()]
        start = gap.end()
    yield start, text[start:]


class _LinkRewriter(Treeprocessor):
    """Turns links to source files (shoes.md, ../quiz/x.yml, ../images/a.png) into site URLs."""

    def __init__(self, md, renderer: MarkdownRenderer):
        super().__init__(md)
        self.renderer = renderer

    def run(self, root):
        for element in root.iter():
            if element.tag == "a" and "href" in element.attrib:
                element.set("href", self.renderer.resolve_link(element.get("href"), element))
            elif element.tag == "img":
                element.set("src", self.renderer.resolve_image(element.get("src", ""), element))
        return root


class QuickInline(InlineProcessor):
    """Python-Markdown's inline step, trying only the inline patterns this text could match.

    The stock step tries every inline pattern on every run of text, each through Python calls
    that cost far more than the regex, and most tips have none of the characters some patterns
    need (a backtick, a backslash, '<', '&', two spaces before a line break). A pattern that
    can't match changes nothing, so leaving it out gives the same HTML, faster. Uses only the
    public API: registered as the "inline" tree processor in place of the stock one, it hands
    its parent, per document, a registry of the patterns whose characters occur in the tree's
    text. tests/test_content.py compares it with the stock step.
    """

    NEEDS = {name: re.compile(needs) for name, needs in {  # what every match of the pattern contains
        "backtick": "`", "escape": r"\\", "reference": r"\[", "link": r"\[", "short_reference": r"\[",
        "image_link": r"!\[", "image_reference": r"!\[", "short_image_ref": r"!\[", "autolink": "<",
        "automail": "<", "html": "<", "linebreak": "  \n", "entity": "&", "em_strong": "[*_]",
    }.items()}

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.every_pattern = md.inlinePatterns
        self.needs: list[re.Pattern[str] | None] = [None] * len(self.every_pattern)  # None: always tried (a pattern not in NEEDS)
        for name, regex in self.NEEDS.items():
            if name in self.every_pattern:
                self.needs[self.every_pattern.get_index_for_name(name)] = regex

    def run(self, tree, ancestors=None):
        self.inlinePatterns = self.patterns_for("".join(tree.itertext()))
        return super().run(tree, ancestors)

    def patterns_for(self, text: str) -> Registry[Pattern]:
        """The inline patterns, in their order, that could match somewhere in `text`."""
        kept = [pattern for pattern, needs in zip(self.every_pattern, self.needs)
                if needs is None or needs.search(text)]
        patterns: Registry[Pattern] = Registry()
        for place, pattern in enumerate(kept):
            patterns.register(pattern, f"pattern-{place}", len(kept) - place)  # higher priority runs first
        return patterns


HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
# The ids the templates give their own elements: a heading never takes one (a heading "Main"
# becomes #main_1), so the skip link and the page's own anchors always reach their targets.
# tests/test_content.py checks this list against the templates.
PAGE_IDS = frozenset(("main", "quiz-title", "error-summary-title", "warning-signs-title", "toc-heading",
                      "related-heading", "share-heading", "tips-heading", "urgent-help-heading", "booking-heading"))
NOT_PLAIN = re.compile("[&<>\x02]")  # entities, tags and Python-Markdown's stash placeholders


class _Headings(Treeprocessor):
    """Heading ids as the toc extension gave them, and their texts as plain text, without its extra work.

    toc's run() also walks the tree for a [TOC] marker and builds and serializes a table of
    contents we never use (7% of render time); a '[TOC]' paragraph now stays as text. Like toc,
    every heading (h1 too) gets an id, duplicates get _1, _2, and only h2–h6 are listed; ids
    already on elements are not looked for: with our extensions (no attr_list) there are none.
    """

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.headings: list[Heading] = []
        self.ids: set[str] = set()      # every id given, h1 too: the only ids the sanitizer keeps

    def run(self, root: Element) -> Element:
        used: set[str] = set(PAGE_IDS)
        self.ids = set()
        counters: dict[str, int] = {}
        for element in root.iter():
            if element.tag in HEADING_TAGS:
                text = element.text or ""
                if len(element) or NOT_PLAIN.search(text):
                    name = strip_tags(render_inner_html(element, self.md))  # toc's own steps
                else:  # plain text: what those steps come to, without serializing
                    name = " ".join(text.split())
                anchor = unique(toc_slugify(htmllib.unescape(name), "-"), used, counters)
                element.set("id", anchor)
                self.ids.add(anchor)
                if element.tag != "h1":  # plain text: toc's name is HTML, and the template escapes it again
                    self.headings.append(Heading(int(element.tag[1]), anchor, htmllib.unescape(name)))
        return root


SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)   # https:, mailto:, tel: …


def has_scheme(url: str) -> bool:
    """Whether a link names its scheme (an address on the web, a mail address…) rather than a file here."""
    return SCHEME.match(url) is not None


def linked_file(here: str, target: str) -> str:
    """The content file a link in `here` (e.g. "tips/shoes.md") points at: "../pages/about.md" → "pages/about.md"."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(here), target))


class MarkdownRenderer:
    """One reusable Markdown converter for a whole build, aware of every link target: the one reader
    of links in Markdown, for tips, pages and the quiz's texts alike.

    Without `links` (a lone quiz file, build.py quiz) links to files are left as written, unchecked.
    """

    def __init__(self, links: LinkTargets | None):
        self.links = links
        self.md = markdown.Markdown(
            # Instances, not names: a name is looked up among every installed package's entry
            # points (50 ms). No smarty: it doubles Markdown time.
            extensions=[TableExtension(), SaneListExtension()],
            output_format="html",
        )
        self.headings = _Headings(self.md)
        self.md.treeprocessors.register(self.headings, "signpost-headings", 5)  # where toc ran
        self.md.treeprocessors.register(QuickInline(self.md), "inline", 20)  # replaces the stock one
        self.md.treeprocessors.register(_LinkRewriter(self.md, self), "signpost-links", 1)
        self.md.treeprocessors.register(PictureTreeprocessor(self.md, links), "signpost-pictures", 0.5)  # after links
        self._doc: Document | None = None
        self._problems: list[Problem] = []
        self._heading_links: list[HeadingLink] = []

    @property
    def _current(self) -> Document:
        """The document render() is converting: links and headings are checked only during a render."""
        if self._doc is None:
            raise RuntimeError("MarkdownRenderer checks links only while render() converts a document")
        return self._doc

    def render(self, doc: Document, heading_ids: bool = True):
        """Markdown body → (HTML, headings for a table of contents, problems, links to headings).

        Links to headings are checked later (heading_link_problems), once every page's headings
        are known. Without `heading_ids` the HTML keeps no ids: the quiz's texts share one page
        with each other and with the form's own ids.
        """
        self._doc, self._problems, self._heading_links = doc, [], []
        self.md.reset()
        self.headings.headings, self.headings.ids = [], set()  # convert() skips them for a blank body
        html, why = convert_markdown(self.md, doc.body)
        if why is not None:
            line = doc.body_line + doc.body.count("\n", 0, why.at)
            return "", [], [unreadable_markdown(doc.display, line, why)], []
        headings = self.headings.headings
        self._check_heading_levels(headings)
        self._check_raw_html(self.md.htmlStash.rawHtmlBlocks)
        ids = frozenset(self.headings.ids) if heading_ids else frozenset()
        return clean_html(html, ids), headings, self._problems, self._heading_links

    def _check_raw_html(self, snippets) -> None:
        """Warn about each piece of pasted HTML the sanitizer will cut down."""
        for snippet in map(str, snippets):
            warning = removed_html_problem(self._current.display, self._line_of(snippet.strip()[:40]), snippet)
            if warning:
                self._problems.append(warning)

    def _line_of(self, text: str) -> int | None:
        """Best guess at the file line where `text` appears in the body."""
        index = self._current.body.find(text)
        return None if index < 0 else self._current.body_line + self._current.body.count("\n", 0, index)

    def _report(self, needle: str, message: str, hint: str = "") -> None:
        self._problems.append(problem(self._current.display, self._line_of(needle), message, hint))

    def _check_heading_levels(self, headings: list[Heading]) -> None:
        for number, line in enumerate(self._current.body.split("\n"), start=self._current.body_line):
            if line.startswith("# "):
                self._problems.append(problem(self._current.display, number, "Use '## ' for section headings; "
                                              "the title is the page's only top heading"))
        previous = 2
        for heading in headings:
            if heading.level > previous + 1:
                self._report(heading.text, f"The heading '{heading.text}' skips a level",
                             f"Use {'#' * (previous + 1)} for it.")
            previous = heading.level

    def resolve_link(self, href: str, element) -> str:
        """A link in Markdown → the URL to write into the page."""
        text = "".join(element.itertext()).strip()
        if not text and not list(element):
            self._report(f"]({href}", f"A link to '{href}' has no text", "Write the link text between [ and ].")
        if re.match(r"^\s*(javascript|vbscript|data):", href, re.I):
            self._report(href, f"The link '{href}' is not allowed", "Links must go to web pages or other tips.")
            return "#"
        if has_scheme(href):
            return href  # https:, mailto:, tel:
        if href.startswith("#"):  # a heading on the same page
            self._note_heading_link(href, self._current.path, href[1:])
            return href
        target, _, fragment = href.partition("#")
        if href.startswith("/"):
            self._report(href, f"The link '{href}' points at a web address, not a file",
                         "Link to the file instead, e.g. [Shoes](shoes.md) or [About](../pages/about.md).")
            return href
        if self.links is None:
            return href
        source = linked_file(self._current.path, target)
        pages = self.links.files
        if source not in pages:
            known = [posixpath.relpath(k, posixpath.dirname(self._current.path)) for k in pages if k != self._current.path]
            self._report(href, f"The link '{href}' points at a file that doesn't exist",
                         suggest(target, known) or "Links to other tips look like [Shoes](shoes.md).")
            return href
        page = pages[source]
        if page is None:
            self._report(href, f"The link '{href}' points at a draft, which won't be published",
                         "Remove the link, or publish the draft first.")
            return href
        if fragment:
            self._note_heading_link(href, source, fragment)
        return self.links.base_path + page + (f"#{fragment}" if fragment else "")

    def _note_heading_link(self, href: str, source: str, fragment: str) -> None:
        self._heading_links.append(HeadingLink(self._current.display, self._line_of(href), href, source, fragment))

    def resolve_image(self, src: str, element) -> str:
        """An image in Markdown → its URL; images must exist and have a description."""
        if not element.get("alt", "").strip():
            self._report(f"]({src}", f"The image '{src}' has no description (alt text)",
                         "Write what the picture shows between the brackets: ![A runner stretching](...).")
        if has_scheme(src):
            self._report(src, f"The image '{src}' is on another website",
                         "Save the picture in content/images/ and link to it from there.")
            return src
        if self.links is None:
            return src
        source = linked_file(self._current.path, src)
        if source not in self.links.images:
            self._report(src, f"The image '{src}' doesn't exist",
                         "Put it in content/images/ and write ../images/NAME in the tip.")
            return src
        return self.links.base_path + source


# ---- Links to headings: checked once every page's headings are known ----

def heading_target(doc: Document, headings) -> HeadingTarget:
    """What links into this file are checked against: its title (for hints) and its headings."""
    title = doc.meta.get("title")
    return HeadingTarget(str(title) if title else doc.slug, tuple(h.id for h in headings))


def heading_link_problems(links, targets: dict[str, HeadingTarget]) -> list[Problem]:
    """A link to a heading must name one that exists there. Files whose headings aren't known (the
    quiz, a file that could not be read) are left alone: their own problems are reported already."""
    return [problem(link.display, link.line, f"The link '{link.href}' points at a heading that doesn't exist",
                    heading_hint(link, targets[link.target]))
            for link in links if link.target in targets and link.fragment not in targets[link.target].ids]


def heading_hint(link: HeadingLink, target: HeadingTarget) -> str:
    """The nearest real heading, or the headings there are."""
    if not target.ids:
        return f"'{target.title}' has no headings; link to it without the part after '#'."
    close = difflib.get_close_matches(link.fragment, target.ids, n=1, cutoff=0.6)  # as yamlfile.suggest, on the id alone
    written = link.href.partition("#")[0]
    return f"Did you mean '{written}#{close[0]}'?" if close else (
        f"Headings in '{target.title}': " + ", ".join(f"#{i}" for i in target.ids) + ".")
