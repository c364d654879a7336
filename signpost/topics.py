"""Topics: the tags tips share, as readers see them.

A tag is written as a web address (`cool-down`); a reader sees it as words ("Cool down"). A tag
that every tip carries (`running`, on a running site) tells a reader nothing about any tip, so it
is no topic: no page, not in the list of topics, not under a tip's title. Tips keep it, so it
still counts towards related tips.
"""
from __future__ import annotations

from collections.abc import Sequence

from .model import Tag, Tip


def topic_label(tag: str) -> str:
    """'cool-down' -> 'Cool down': the tag's words, the first one capitalised."""
    words = tag.replace("-", " ")
    return words[:1].upper() + words[1:]


def collect_tags(tips: Sequence[Tip]) -> tuple[Tag, ...]:
    """One Tag per topic, alphabetical, each listing its tips in site order. With a single tip
    every tag is on every tip, yet still says what the tip is about: those stay."""
    names = sorted({name for tip in tips for name in tip.tags})
    topics = [(name, tuple(t for t in tips if name in t.tags)) for name in names]
    return tuple(Tag(topic_label(name), name, tagged) for name, tagged in topics
                 if len(tips) < 2 or len(tagged) < len(tips))
