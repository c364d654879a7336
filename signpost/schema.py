"""What an editor may write: the keys of site.yml and of a tip's and a page's front matter.

One declaration read by two readers: the build (content.py's allowed keys) and the web
editor's form (admin.py), so the form can never offer a key the build refuses, or miss one
it accepts. The values themselves are still checked where they are read (content.py,
config.py); this says only which keys exist, what kind of value each holds, and the hint an
editor sees beside it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str   # "text", "long text", "date", "switch", "whole number", "list", "word list", "web address", "picture"
    required: bool = False
    hint: str = ""


TIP_FIELDS = (
    Field("title", "Title", "text", True, "Short and plain, as a patient would say it."),
    Field("summary", "Summary", "long text", True, "One short sentence: how this tip helps. Shown on lists "
          "and in search results."),
    Field("tags", "Topics", "word list", False, "Separated by commas. Lowercase words joined by hyphens, e.g. "
          "running, warm-up. Tips that share a topic are linked."),
    Field("date", "First published", "date", True),
    Field("reviewed", "Last reviewed", "date", False, "When a clinician last checked this tip. Leave empty to "
          "use the first published date."),
    Field("next_review", "Next review due", "date", False, "Leave empty for the usual gap after the last review."),
    Field("reviewed_by", "Reviewed by (no longer shown)", "text", False, "Only a clinician's sign-off puts a "
          "reviewer's name on a page now: you can empty this."),
    Field("clinical", "Clinical advice", "switch", False, "On if this tip gives clinical advice: a release "
          "needs a clinician's sign-off of its exact text."),
    Field("draft", "Draft", "switch", False, "On while you are still writing: drafts show in the preview only."),
    Field("order", "Order", "whole number", False, "Lower numbers come first in lists. Default 100."),
    Field("sources", "Sources", "list", False, "Where the advice comes from, one source a line."),
    Field("hero", "Picture at the top", "picture", False, "Optional: a picture from content/images/, shown "
          "under the title."),
    Field("hero_alt", "What the top picture shows", "long text", False, "Needed with a picture: describe it for "
          "people who can't see it, or write decorative if it adds nothing."),
)

PAGE_FIELDS = (
    Field("title", "Title", "text", True),
    Field("nav_title", "Menu title", "text", False, "A shorter title for the menu. Leave empty to use the title."),
    Field("summary", "Summary", "long text", False, "One short sentence, shown to search engines."),
    Field("draft", "Draft", "switch", False, "On while you are still writing: drafts show in the preview only."),
)

# site.yml: the settings config.py reads, plus where the web editor saves in production.
SITE_FIELDS = (
    Field("name", "Clinic name", "text", True),
    Field("tagline", "Tagline", "text"),
    Field("base_url", "Site address", "web address", True, "Where the site is published, starting with https://"),
    Field("booking_url", "Booking page", "web address", True, "Where patients book a visit."),
    Field("phone", "Phone number", "text", True),
    Field("email", "Email", "text"),
    Field("footer", "Footer text", "long text", True),
    Field("language", "Language", "text", False, "A language code, e.g. en-GB."),
    Field("review_months", "Months between reviews", "whole number"),
    Field("reading_age", "Target reading age", "whole number"),
    Field("cms_backend", "Web editor: where it saves", "text", False,
          "github or git-gateway. Leave empty for no web editor on the published site."),
    Field("cms_repo", "Web editor: repository", "text", False, "For github: owner/name of the site's repository."),
    Field("cms_branch", "Web editor: branch", "text", False, "The branch the site is built from. Default main."),
)


def keys(fields: Iterable[Field]) -> set[str]:
    return {field.name for field in fields}
