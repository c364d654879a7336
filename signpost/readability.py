"""How hard a tip is to read: Flesch–Kincaid grade + 5 as a reading age, sentence by sentence.

Written here rather than taken from textstat, which downloads dictionaries at run time.
Markdown is read block by block: a heading, a list item, a table row or a paragraph; each
block is split into sentences at . ! or ? followed by a capital letter or a digit, so a
heading or a list item without a full stop still counts as one sentence. Code, link
targets, images and Markdown symbols are not words. Numbers are left out (they are read
as numbers, not as words), so "250 miles" is one word.

    Flesch–Kincaid grade = 0.39 × words per sentence + 11.8 × syllables per word − 15.59
    reading age ≈ grade + 5 (a US school grade starts at age 5 or 6; NHS aims for 9 to 11)

The syllable counter is a heuristic, documented in count_syllables: right for most
everyday words and rarely out by more than one, which is enough to estimate a level and
find the hardest sentences.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
BLOCK_START = re.compile(r"^\s{0,3}(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|\|)")
SENTENCE_END = re.compile(r"[.!?]+[\"'’”)\]]*\s+(?=[\"'‘“(]?[A-Z0-9])")


@dataclass(frozen=True)
class Sentence:
    """One sentence of prose, where it starts in the file, and what it costs to read."""

    text: str
    line: int
    words: int
    syllables: int

    @property
    def grade(self) -> float:
        """This sentence's own Flesch–Kincaid grade, for ranking the hardest."""
        return grade_of(self.words, 1, self.syllables)


def count_syllables(word: str) -> int:
    """Syllables in an English word, by vowel groups with the usual exceptions.

    Count groups of vowels (a e i o u y), then: a final 'e' is silent ('make') except in
    '-le' after a consonant ('little'); '-ed' is silent except after t or d ('jumped' 1,
    'wanted' 2); '-es' is silent except after s, x, z, c, g, ch, sh or a consonant + l or r
    ('makes' 1, 'boxes' 2, 'muscles' 2, 'metres' 2); one 'e' is silent before -ly, -ful,
    -ment, -ness or -less and at the end of some-, home-, life-, time-, there-, where- and
    care- in compounds ('likely', 'movement', 'sometimes'); 'ia', 'iu', 'io' and a final
    'ea' are two ('media', 'stadium', 'physio', 'area', but not '-tion', '-sion',
    '-cious'); a vowel before a final '-ing' is its own syllable ('going', 'being').
    Every word has at least one. Known misses include 'create' (1) and 'union' (3).
    """
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    if len(w) > 2:
        if w.endswith("e") and not re.search(r"[^aeiouy][lr]e$|[aeiou]e$", w):
            w = w[:-1]
        elif w.endswith("ed") and len(w) > 3 and not re.search(r"[td]ed$", w):
            w = w[:-2]
        elif w.endswith("es") and len(w) > 3 and not re.search(r"(?:[sxzcg]|ch|sh|[^aeiouy][lr])es$", w):
            w = w[:-2]
    count = len(re.findall(r"[aeiouy]+", w))
    compound = r"[^aeiouy]e(?:ly|ful|ment|ness|less)|^(?:some|home|life|time|there|where|care)[^aeiouy].."
    count -= 1 if re.search(compound, w) else 0
    count += 1 if len(w) > 3 and w.endswith("ea") else 0
    count += len(re.findall(r"[^ctsg]ia|iu", w))
    count += len(re.findall(r"io", w)) - len(re.findall(r"[tscx]io(?:n|us)", w))
    count += 1 if re.search(r"[aeiouy]ing$", w) else 0
    return max(1, count)


def grade_of(words: int, sentences: int, syllables: int) -> float:
    """The Flesch–Kincaid grade level of a stretch of prose."""
    if not words or not sentences:
        return 0.0
    return 0.39 * words / sentences + 11.8 * syllables / words - 15.59


def reading_age(sentences: list[Sentence]) -> float:
    """The age at which a typical reader can read this prose: the grade level + 5."""
    words = sum(s.words for s in sentences)
    syllables = sum(s.syllables for s in sentences)
    return grade_of(words, len(sentences), syllables) + 5


def split_sentences(markdown: str, first_line: int = 1) -> list[Sentence]:
    """Markdown → its sentences in order, each with the file line it starts on."""
    sentences = []
    for line, block in read_blocks(markdown, first_line):
        for offset, text in split_block(block):
            words = WORD.findall(text)
            if words:
                sentences.append(Sentence(" ".join(text.split()), line + block.count("\n", 0, offset), len(words),
                                          sum(count_syllables(w) for w in words)))
    return sentences


def split_block(block: str) -> list[tuple[int, str]]:
    """A block of text → (offset, sentence) pairs, split where a sentence ends."""
    ends = [m.end() for m in SENTENCE_END.finditer(block)] + [len(block)]
    starts = [0] + ends[:-1]
    return [(start + len(block[start:end]) - len(block[start:end].lstrip()), block[start:end].strip())
            for start, end in zip(starts, ends)]


def read_blocks(markdown: str, first_line: int = 1) -> list[tuple[int, str]]:
    """Headings, list items, table rows and paragraphs as (first line, plain text)."""
    blocks: list[tuple[int, list[str]]] = []   # (first line, the block's lines of text)
    current: list[str] | None = None
    fenced = False
    for number, raw in enumerate(markdown.split("\n"), start=first_line):
        if re.match(r"^\s{0,3}(```|~~~)", raw):
            fenced, current = not fenced, None
            continue
        if fenced or not raw.strip() or re.match(r"^\s{0,3}\[[^\]]+\]:\s", raw) or re.match(r"^[\s|:-]+$", raw):
            current = None
            continue
        text = strip_markdown(raw)
        if current is None or BLOCK_START.match(raw):
            current = [text]
            blocks.append((number, current))
        else:
            current.append(text)
        if re.match(r"^\s{0,3}(#{1,6}\s|\|)", raw):
            current = None  # a heading or a table row is a block of its own
    joined = [(number, "\n".join(lines)) for number, lines in blocks]
    return [(number, text) for number, text in joined if text.strip()]


def strip_markdown(line: str) -> str:
    """One line of Markdown → the words a reader sees."""
    line = re.sub(r"^\s{0,3}(?:>\s?)*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+)?", "", line)
    line = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", line)            # images: their alt text is not read aloud in flow
    line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)       # links: keep the text
    line = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", line)      # reference links
    line = re.sub(r"<[^>]+>|`[^`]*`", " ", line)               # HTML tags, autolinks and code
    line = re.sub(r"\{#[^}]*\}|[*_~|#]+", " ", line)           # emphasis, table pipes, heading ids
    return " ".join(line.split())
