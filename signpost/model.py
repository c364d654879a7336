"""Plain data that flows from loading to rendering. Frozen: nothing changes it after loading."""
from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .yamlfile import YamlMap

if TYPE_CHECKING:   # types only: the quiz engine is imported when a quiz is loaded
    from .quiz.model import Quiz
    from .quiz.scenarios import ScenarioRun


@dataclass(frozen=True)
class SiteConfig:
    """Site-wide settings from content/site.yml."""

    name: str
    tagline: str
    base_url: str              # absolute, always ending in "/", e.g. https://clinic.example/guidance/
    booking_url: str
    phone: str
    footer: str
    language: str = "en-GB"
    review_months: int = 12    # default gap between 'reviewed' and 'next_review'
    reading_age: int = 11      # readability target for `check`
    email: str = ""
    cms_backend: str = ""      # where the web editor saves in production: "", "github", "git-gateway"
    cms_repo: str = ""
    cms_branch: str = "main"

    @property
    def base_path(self) -> str:
        """The path part of base_url ("/" or "/guidance/"): every internal link starts with it."""
        rest = self.base_url.split("://", 1)[-1]
        return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


@dataclass(frozen=True)
class SignOff:
    """One entry of the sign-off ledger (content/sign-off.yml): who approved which text, and when."""

    name: str
    role: str
    date: dt.date
    sha256: str                # the fingerprint of the exact text approved (signoff.fingerprint)

    @property
    def by(self) -> str:
        return f"{self.name}, {self.role}"


@dataclass(frozen=True)
class Review:
    """Whether a tip's or quiz's text as it is now is the text a clinician signed off."""

    clinical: bool = False            # a quiz, or a tip marked 'clinical: true': a release build needs a sign-off
    fingerprint: str = ""             # of the file's text as it is now
    sign_off: SignOff | None = None   # the ledger's entry for the file, if any

    @property
    def signed(self) -> bool:
        """The current text is exactly the text signed off: the only case a page may claim a review."""
        return self.sign_off is not None and self.sign_off.sha256 == self.fingerprint

    @property
    def changed(self) -> bool:
        """Signed off once, but the text has changed since."""
        return self.sign_off is not None and not self.signed


@dataclass(frozen=True, eq=False)   # two reads of a file are two documents: their lines may differ
class Document:
    """A Markdown source split into its front matter and its body, with line numbers kept."""

    path: str          # relative to the content folder, posix style: "tips/shoes.md"
    display: str       # as shown in messages: "content/tips/shoes.md"
    meta: YamlMap
    body: str
    body_line: int     # the file line on which the body starts
    fingerprint: str = ""  # of the whole file's text, to compare with its sign-off (signoff.py)

    @property
    def slug(self) -> str:
        return posixpath.splitext(posixpath.basename(self.path))[0]



def tip_url(slug: str) -> str:
    """Where a tip's page lives, relative to the site root: the one definition of it."""
    return f"tips/{slug}/"


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class LinkTargets:
    """What links in Markdown are rewritten to and checked against: every source file's page, every picture."""

    base_path: str        # where the site lives: "/" or "/guidance/"
    files: dict[str, str | None]   # source path → page path: "tips/shoes.md" → "tips/shoes/"; None for a draft left out
    images: frozenset[str]         # "images/shoe.jpg", relative to the content folder
    pictures: dict[str, Any] = field(default_factory=dict)   # the same paths → pictures.Picture: sizes and files


@dataclass(frozen=True)
class HeadingLink:
    """A link to a heading ('shoes.md#socks', '#socks'), checked once every page's headings are known."""

    display: str          # the file the link is written in, as messages name it
    line: int | None
    href: str             # as written
    target: str           # the linked source file: "tips/shoes.md"
    fragment: str


@dataclass(frozen=True)
class HeadingTarget:
    """A file that links can point into: its title, for hints, and its headings' ids in page order."""

    title: str
    ids: tuple[str, ...]


@dataclass(frozen=True)
class Tip:
    """One tip article, from content/tips/<slug>.md."""

    slug: str
    title: str
    summary: str
    tags: tuple[str, ...]
    date: dt.date
    reviewed: dt.date
    next_review: dt.date
    body_html: str
    headings: tuple[Heading, ...]
    words: int
    source: str                # path relative to the content folder, for messages
    draft: bool = False
    sources: tuple[str, ...] = ()
    order: int = 100           # lower comes first on the home page; then by title
    reviewed_by: str = ""      # accepted for old files, never shown: only a sign-off names a reviewer
    clinical: bool = False     # clinical advice: a release build refuses it without a current sign-off
    hero_html: str = ""        # the picture at the top of the tip (front matter `hero:`), see pictures.py
    review: Review = Review()  # from the sign-off ledger, added once every file is read
    document: Document | None = field(default=None, compare=False, repr=False)  # body and lines, for check

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.words / 200))

    @property
    def updated(self) -> dt.date:
        """When the text was last brought up to date, as the editor recorded it: 'reviewed', else 'date'."""
        return max(self.date, self.reviewed)

    @property
    def url(self) -> str:
        return tip_url(self.slug)


@dataclass(frozen=True)
class Page:
    """A free-standing page such as 'about', from content/pages/<slug>.md."""

    slug: str
    title: str
    summary: str
    body_html: str
    headings: tuple[Heading, ...]
    source: str
    draft: bool = False
    nav_title: str = ""        # the short name in the site's main menu, e.g. "About us"
    document: Document | None = field(default=None, compare=False, repr=False)  # body and lines, for check

    @property
    def url(self) -> str:
        return f"{self.slug}/"


@dataclass(frozen=True)
class Tag:
    name: str
    slug: str
    tips: tuple[Tip, ...]

    @property
    def url(self) -> str:
        return f"tags/{self.slug}/"


@dataclass(frozen=True)
class QuizPage:
    """A quiz from content/quiz/<slug>.yml, validated and proven, ready for its page."""

    slug: str
    source: str
    model: Quiz
    data: dict                 # what quiz.js reads, embedded in the page as JSON
    proof: str                 # one-line summary of what the build proved
    scenarios: tuple[ScenarioRun, ...] = ()   # every clinical scenario, passed
    review: Review = Review(clinical=True)  # every quiz is clinical; from the sign-off ledger

    @property
    def url(self) -> str:
        return f"{self.slug}/"


@dataclass(frozen=True)
class Site:
    """Everything loaded and validated: the whole input of rendering."""

    config: SiteConfig
    tips: tuple[Tip, ...]
    pages: tuple[Page, ...]
    tags: tuple[Tag, ...]
    quizzes: tuple[QuizPage, ...] = ()
    assets: dict[str, bytes] = field(default_factory=dict)  # "css/site.css" -> bytes, from assets/
    images: dict[str, bytes] = field(default_factory=dict)  # "images/a.960.1a2b3c4d5e.webp" -> bytes, made from content/images/
