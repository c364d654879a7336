"""Topics: tags shown as words, and a tag on every tip is no topic."""
import pytest

from tests.sitekit import build_site, tip
from signpost.topics import topic_label


@pytest.mark.parametrize("tag, label", [
    ("cool-down", "Cool down"), ("footwear", "Footwear"), ("getting-help", "Getting help"), ("5k-plan", "5k plan"),
])
def test_a_tag_reads_as_words(tag, label):
    assert topic_label(tag) == label


def test_a_tag_on_every_tip_is_no_topic(tmp_path):
    out = build_site(tmp_path, {
        "tips/warm-up.md": tip(tags="[running, warm-up, stretching]"),
        "tips/cool-down.md": tip(title="Cool down", tags="[running, cool-down, stretching]"),
        "tips/shoes.md": tip(title="Shoes", tags="[running]"),
    })
    topics = (out / "tags/index.html").read_text()
    assert '<a href="/tags/cool-down/">Cool down</a>' in topics and '<a href="/tags/warm-up/">Warm up</a>' in topics
    assert "running" not in topics.lower().split("<main")[1]
    assert not (out / "tags/running").exists() and "/tags/running/" not in (out / "sitemap.xml").read_text()
    warm_up = (out / "tips/warm-up/index.html").read_text()
    assert ('Topics:\n<a href="/tags/stretching/">Stretching</a>, <a href="/tags/warm-up/">Warm up</a></p>'
            in warm_up)
    assert "/tags/running/" not in warm_up
    shoes = (out / "tips/shoes/index.html").read_text()
    assert "Topics:" not in shoes  # its one tag says nothing
    assert "/tips/cool-down/" in shoes.split('id="related-heading"')[1]  # yet still relates tips
    assert "<h1>Tips about cool down</h1>" in (out / "tags/cool-down/index.html").read_text()


def test_the_only_tip_keeps_its_topics(tmp_path):
    out = build_site(tmp_path, {"tips/warm-up.md": tip(tags="[running, warm-up]")})
    assert (out / "tags/running/index.html").exists() and (out / "tags/warm-up/index.html").exists()
    assert '<a href="/tags/running/">Running</a>' in (out / "tips/warm-up/index.html").read_text()
