"""Reading source files: text within limits, front matter split off, signatures that say when to read again.

The first of the build's steps (pipeline.load_site): everything here reads the disk and
nothing here knows Markdown, templates or caches.
"""
from __future__ import annotations

import hashlib
import os
import re
import time
import unicodedata
from pathlib import Path

from .model import Document
from .problems import Problem, problem
from .yamlfile import YamlMap, load_yaml

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # used with fullmatch: $ would let a final new line through
MAX_TEXT_BYTES = 100_000  # 15,000 words; Python-Markdown slows down quadratically on some long texts
def read_text_file(file: Path, display: str) -> tuple[str | None, list[Problem]]:
    """File contents as text with a byte-order mark and Windows line endings removed."""
    try:
        with open(file, "rb") as stream:   # no more than the limit: a device such as /dev/zero never ends
            raw, size = stream.read(MAX_TEXT_BYTES + 1), os.fstat(stream.fileno()).st_size
    except OSError as error:
        return None, [problem(display, None, f"This file could not be read: {error.strerror}")]
    if len(raw) > MAX_TEXT_BYTES:  # ten times the longest tip; a pasted log could take minutes to read
        shown = (f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size // 1000} KB" if size > MAX_TEXT_BYTES
                 else f"more than {MAX_TEXT_BYTES // 1000} KB")   # a device's size is 0
        return None, [problem(display, None, f"This file is {shown}, too big for a text file "
                              f"(the limit is {MAX_TEXT_BYTES // 1000} KB)",
                              "Check nothing was pasted in by mistake; pictures go in content/images/.")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [problem(display, line, "This file is not saved as UTF-8 text",
                              "Save it again as 'UTF-8' in your editor.")]
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"), []


def fingerprint(text: str) -> str:
    """SHA-256 of a file's text as read_text_file gives it (no byte-order mark, plain newlines), so
    saving the same words on another computer doesn't change it: what a sign-off records (signoff.py)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def outside_problem(file: Path, content_dir: Path, display: str) -> Problem | None:
    """Only ordinary files inside the content folder are read: a link out of it could publish any file."""
    real = os.path.realpath(file)  # unlike Path.resolve, never raises on a link loop
    if os.path.commonpath([real, os.path.realpath(content_dir)]) != os.path.realpath(content_dir):
        return problem(display, None, "This file is a link to a file outside the content folder",
                       "Copy the file into the content folder instead of linking to it.")
    if os.path.exists(real) and not os.path.isfile(real):
        return problem(display, None, "This is not an ordinary file", "Replace it with a saved file.")
    return None


def slugify(title: str, longest: int = 60) -> str:
    """'Café stretches: 5 ways!' → 'cafe-stretches-5-ways': the file name and web address, cut at a
    word so a long title can't make a name the disk refuses (255 bytes) or nobody could type."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    if len(slug) <= longest:
        return slug
    cut = slug[:longest + 1]  # one more, so a word ending exactly at the limit is kept whole
    return cut.rsplit("-", 1)[0] if "-" in cut else slug[:longest]


def slug_problem(display: str, stem: str) -> Problem | None:
    """File names become web addresses, so they must be lowercase words joined by hyphens."""
    if SLUG.fullmatch(stem):
        return None
    better = slugify(stem) or "my-tip"
    return problem(display, None, f"The file name '{stem}' can't be used as a web address",
                   f"Use lowercase letters, numbers and hyphens only, e.g. '{better}'.")


def read_document(file: Path, content_dir: Path) -> tuple[Document | None, list[Problem]]:
    """Read one Markdown file and split off its front matter."""
    rel = file.relative_to(content_dir).as_posix()
    display = f"{content_dir.name}/{rel}"
    bad_file = slug_problem(display, file.stem) or outside_problem(file, content_dir, display)
    if bad_file:
        return None, [bad_file]
    text, problems = read_text_file(file, display)
    if text is None:
        return None, problems
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, [problem(display, 1, "The file must start with front matter: a line with just '---'",
                              "Put '---' on the first line, then the settings (title, summary, …), then '---'.")]
    closing = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---"), None)
    if closing is None:
        return None, [problem(display, 1, "The front matter has no closing '---' line",
                              "Did you forget the closing ---? Add a line with just --- after the settings.")]
    meta, problems = load_yaml("\n".join(lines[1:closing]), display, first_line=2)
    if meta is None and not problems:
        problems = [problem(display, 2, "The front matter is empty", "Add at least a title and a summary.")]
    elif meta is not None and not isinstance(meta, YamlMap):
        problems = [problem(display, 2, "The front matter must be 'key: value' lines")]
    if problems:
        return None, problems
    return Document(rel, display, meta, "\n".join(lines[closing + 1:]), closing + 2, fingerprint(text)), []


def signature_of(file: Path) -> tuple[int, int, int, int] | None:
    """What changes whenever a file's contents may have: its times, size and inode (as git's index).

    None for a file changed in the last two seconds: the disk's clock may be too coarse to tell
    two saves of the same size apart, so such a file is read again next time ("racy git")."""
    try:
        info = file.stat()
    except OSError:
        return None
    if time.time_ns() - info.st_mtime_ns < 2_000_000_000:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino, info.st_ctime_ns


def markdown_files(folder: Path) -> list[Path]:
    """The .md files in a folder, sorted by name (as strings: sorting Path objects is slow)."""
    try:
        names = sorted(name for name in os.listdir(folder) if name.endswith(".md"))
    except OSError:  # missing (a site without pages) or unreadable
        return []
    return [folder / name for name in names]


def read_documents(content: Path, files: list[Path]) -> list[tuple[Document | None, list[Problem]]]:
    """read_document for each file, in order; also the work of one worker process (parallel.py)."""
    return [read_document(file, content) for file in files]
