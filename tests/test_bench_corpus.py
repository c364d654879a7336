"""The benchmark corpus (bench/corpus.py): seeded, byte-for-byte reproducible, and a clean site."""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

from signpost.pipeline import Project, build

ROOT = Path(__file__).resolve().parent.parent
N = 12


def load_corpus():
    """bench/ is scripts, not a package: load corpus.py by its path."""
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def read_tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_gives_the_same_bytes_in_every_format(tmp_path):
    corpus = load_corpus()
    first = read_tree(corpus.write_corpus(N, tmp_path / "a", 6, corpus.PEERS))
    second = read_tree(corpus.write_corpus(N, tmp_path / "b", 6, corpus.PEERS))
    assert first == second
    assert len([p for p in first if p.startswith("content/tips/")]) == N
    assert read_tree(corpus.write_corpus(N, tmp_path / "c", 7))["content/site.yml"] == first["content/site.yml"]
    assert read_tree(tmp_path / "c") != {k: v for k, v in first.items() if k.startswith("content/")}


def test_tips_have_every_field_and_the_shape_of_a_real_tip(tmp_path):
    corpus = load_corpus()
    content = corpus.write_corpus(N, tmp_path / "corpus", 6) / "content"
    for file in (content / "tips").glob("*.md"):
        text = file.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        for key in ("title", "summary", "tags", "date", "reviewed", "order", "sources"):
            assert re.search(rf"^{key}:", front, re.M), (file.name, key)
        assert 600 <= corpus.count_words(body) <= 900, file.name
        assert "\n## " in body and "\n> " in body and "**" in body, file.name
        assert "\n- " in body or "\n1. " in body, file.name
        assert re.search(r"\]\([a-z0-9-]+\.md\)", body), file.name


def test_the_corpus_builds_with_signpost_without_any_problem(tmp_path):
    corpus = load_corpus()
    content = corpus.write_corpus(N, tmp_path / "corpus", 6) / "content"
    report = build(Project.at(ROOT, content), tmp_path / "dist")
    assert report.warnings == ()
    assert all((tmp_path / "dist" / "tips" / f.stem / "index.html").is_file() for f in (content / "tips").glob("*.md"))
