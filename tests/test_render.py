"""What the rendered pages contain: tip furniture, metadata, feeds, and a strict CSP everywhere."""
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from tests.sitekit import build_site, tip

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LONG_BODY = "Intro.\n\n## Warm up\n\nWalk.\n\n## Run\n\nRun.\n\n## Cool down\n\nStretch.\n"


def read(out, path):
    return (out / path).read_text(encoding="utf-8")


def test_tip_page_has_everything_a_reader_expects(tmp_path):
    out = build_site(tmp_path, {
        "tips/warm-up.md": tip(body=LONG_BODY, tags="[running, warm-up]", reviewed_by="Sam Lee, physiotherapist"),
        "tips/shoes.md": tip(title="Shoes", tags="[running]"),
        "tips/rest.md": tip(title="Rest", tags="[sleep]"),
    })
    html = read(out, "tips/warm-up/index.html")
    assert "<h1>Warm up</h1>" in html and '<p class="lead">Get ready to run.</p>' in html
    assert "1 minute read" in html
    assert '<nav class="toc" aria-labelledby="toc-heading" data-pagefind-ignore>' in html and '<a href="#run">Run</a>' in html
    # Not signed off (test_signoff.py signs), so no review is claimed, whatever 'reviewed_by' says
    assert 'Last updated: <time datetime="2026-01-10">10 January 2026</time>' in html
    assert "reviewed" not in html.lower() and "Sam Lee" not in html and "Next review due" not in html
    assert '<h2>Sources</h2>' not in html  # the tip lists none
    assert '<a href="/tags/warm-up/">Warm up</a>' in html
    related = html.split('id="related-heading"')[1]
    assert "/tips/shoes/" in related and "/tips/rest/" not in related  # shares no tag
    assert 'href="https://clinic.example/book"' in html
    help_box = html.split('<aside class="help-box"')[1].split("</aside>")[0]
    # A site without a quiz has no list of warning signs, only where to turn: 999 and 111.
    assert 'href="tel:999"' in help_box and 'href="tel:111"' in help_box and "<ul>" not in help_box
    assert "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fclinic.example%2Ftips%2Fwarm-up%2F" in html
    assert '<a href="https://wa.me/?text=Warm%20up%20https%3A%2F%2Fclinic.example%2Ftips%2Fwarm-up%2F">WhatsApp</a>' in html
    assert '<li data-share-sheet hidden><button type="button" class="link-button" data-share=' in html
    assert "general guidance, not a diagnosis" in html
    short = read(out, "tips/shoes/index.html")
    assert 'class="toc"' not in short  # fewer than 3 sections


def json_ld(html):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))


def test_structured_data_and_social_metadata(tmp_path):
    out = build_site(tmp_path, {"tips/warm-up.md": tip(reviewed_by="Sam Lee")})
    html = read(out, "tips/warm-up/index.html")
    data = json_ld(html)
    assert data["@type"] == "MedicalWebPage" and data["dateModified"] == "2026-01-10"
    assert "lastReviewed" not in data and "reviewedBy" not in data  # only a sign-off claims a review
    assert data["publisher"]["@type"] == "MedicalClinic" and data["publisher"]["name"] == "Test Clinic"
    assert '<meta property="og:title" content="Warm up">' in html
    assert '<meta property="og:url" content="https://clinic.example/tips/warm-up/">' in html
    assert '<meta property="og:type" content="article">' in html
    assert json_ld(read(out, "index.html"))["@type"] == "WebSite"


def test_sitemap_feed_and_robots(tmp_path):
    out = build_site(tmp_path, {"tips/shoes.md": tip(title="Shoes")}, base_url="https://clinic.example/guidance/")
    locs = [e.text for e in ET.parse(out / "sitemap.xml").iter(f"{SITEMAP}loc")]
    pages = sorted(p.relative_to(out).as_posix().removesuffix("index.html") for p in out.rglob("*.html"))
    assert sorted(locs) == sorted("https://clinic.example/guidance/" + p for p in pages if p != "404.html")
    feed = ET.parse(out / "feed.xml").getroot()
    assert [e.find(f"{ATOM}title").text for e in feed.iter(f"{ATOM}entry")] == ["Shoes", "Warm up"]
    assert feed.find(f"{ATOM}updated").text == "2026-01-10T00:00:00Z"
    assert read(out, "robots.txt").splitlines()[-1] == "Sitemap: https://clinic.example/guidance/sitemap.xml"


class _ScriptsAndStyles(HTMLParser):
    """Finds what a strict CSP would block: inline scripts, style elements and attributes, handlers."""

    def __init__(self):
        super().__init__()
        self.blocked, self.csp = [], None
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy":
            self.csp = attrs["content"]
        if tag == "script" and "src" not in attrs and attrs.get("type") not in ("application/json",
                                                                                 "application/ld+json"):
            self.blocked.append("inline <script>")
        if tag == "style":
            self.blocked.append("<style>")
        self.blocked += [f"{name}= on <{tag}>" for name in attrs if name == "style" or name.startswith("on")]


def test_every_page_has_a_strict_csp_and_nothing_it_would_block(built_site):
    for page in built_site.rglob("*.html"):
        parser = _ScriptsAndStyles()
        parser.feed(page.read_text(encoding="utf-8"))
        # Pagefind's search engine is WebAssembly: the search page alone may compile it (tests/test_search.py)
        csp = parser.csp or ""
        if page == built_site / "search/index.html":
            csp = csp.replace(" 'wasm-unsafe-eval'", "", 1)
        assert "default-src 'self'" in csp and "unsafe" not in csp, page
        assert "connect-src 'self'" in parser.csp, page  # nothing can be sent to another site
        assert parser.blocked == [], (page, parser.blocked)


def test_preview_pages_load_the_reload_script_as_a_file(tmp_path):
    out = build_site(tmp_path, preview=True, base_url="http://127.0.0.1:8123/")
    assert '<script src="/livereload.js?port=8123"></script>' in read(out, "index.html")
    assert "livereload" not in read(build_site(tmp_path / "published"), "index.html")


def test_assets_are_fingerprinted_and_referenced(tmp_path):
    out = build_site(tmp_path)
    css = [p.name for p in (out / "css").iterdir() if p.suffix not in (".br", ".gz")]   # precompressed: hosting.py
    assert css and all(re.fullmatch(r"[a-z]+\.[0-9a-f]{10}\.css", name) for name in css), css
    assert f'href="/css/{[n for n in css if n.startswith("site.")][0]}"' in read(out, "index.html")


def test_related_tips_rank_by_shared_tags_then_order_then_title(tmp_path):
    from signpost.pipeline import Project, load_site
    from signpost.render import related_tips
    from tests.sitekit import ROOT, make_content
    files = {"tips/warm-up.md": tip(tags="[a, b, c]"),
             "tips/two.md": tip(title="Two", tags="[a, b]"),
             "tips/zed.md": tip(title="Zed", tags="[c]", order=1),
             "tips/alpha.md": tip(title="Alpha", tags="[c]", order=1),
             "tips/late.md": tip(title="Late", tags="[a]", order=5),
             "tips/none.md": tip(title="None", tags="[z]")}
    site, _ = load_site(Project.at(ROOT, make_content(tmp_path, files)))
    related = related_tips(site.tips)
    assert [t.slug for t in related["warm-up"]] == ["two", "alpha", "zed"]
    assert related["none"] == []


def test_scripts_and_styles_are_minified_and_pages_lose_template_indentation(tmp_path):
    from signpost.render import compact_html, minify_asset
    sources = {"a.js": b"// why\nvar  x = 1;\n(function () { var longName = 2; return longName; })();\n",
               "b.css": b"/* c */\nbody {\n  color: red;\n}\n", "c.svg": b"<svg>\n  </svg>"}
    assert {path: minify_asset(path, data) for path, data in sources.items()} == {
        "a.js": b"var x=1;(function(){var a=2;return a;})();",   # local names shortened, globals kept
        "b.css": b"body{color:red}", "c.svg": b"<svg>\n  </svg>"}
    assert compact_html("<ul>\n  <li>a</li>\n</ul>\n<pre>\n  code\n</pre>") == "<ul>\n<li>a</li>\n</ul>\n<pre>\n  code\n</pre>"
