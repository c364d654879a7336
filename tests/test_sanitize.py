"""Raw HTML in Markdown: allowed markup kept, anything that could run script removed with a warning."""
from signpost.pipeline import Project, load_site
from signpost.sanitize import clean_html, removed_parts
from tests.sitekit import ROOT, make_content, tip


def test_allowed_markup_is_kept():
    html = '<h2 id="a">Hi</h2><p>A <abbr title="National Health Service">NHS</abbr> <a href="https://x.example/">link</a></p>'
    assert clean_html(html, keep_ids=frozenset({"a"})) == html


def test_only_the_ids_the_build_gave_are_kept():
    html = '<h2 id="a">Hi</h2><div id="main">x</div><p id="quiz-data">y</p>'
    assert clean_html(html, keep_ids=frozenset({"a"})) == '<h2 id="a">Hi</h2><div>x</div><p>y</p>'
    assert clean_html(html) == "<h2>Hi</h2><div>x</div><p>y</p>"   # quiz text: no ids at all
    assert removed_parts('<div id="main">x</div>') == ["the id attribute"]


def test_script_handlers_and_javascript_links_are_removed():
    html = '<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:alert(1)">go</a><img src="a.png" alt="" onerror="x()"></p>'
    assert clean_html(html) == '<p>Hi<a>go</a><img src="a.png" alt=""></p>'
    assert removed_parts(html) == ["<script>", "a 'javascript:' link", "the onclick attribute", "the onerror attribute"]


def test_pasted_html_in_a_tip_is_cleaned_with_a_warning_naming_the_line(tmp_path):
    body = "Intro.\n\n<div onmouseover=\"steal()\">Hover</div>\n\n<iframe src=\"https://evil.example/\"></iframe>\n"
    site, problems = load_site(Project.at(ROOT, make_content(tmp_path, {"tips/warm-up.md": tip(body=body)})))
    assert [str(p) for p in problems] == [
        "content/tips/warm-up.md:10: warning: Some HTML was removed because it isn't allowed here: the onmouseover "
        "attribute. Hint: Write the content in Markdown instead of HTML.",
        "content/tips/warm-up.md:12: warning: Some HTML was removed because it isn't allowed here: <iframe>."
        " Hint: Write the content in Markdown instead of HTML.",
    ]
    html = site.tips[0].body_html
    assert "onmouseover" not in html and "iframe" not in html and "<div>Hover</div>" in html
