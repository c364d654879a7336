"""What each candidate speed-up would buy, measured in CPU seconds on one corpus.

    python bench/levers.py [--tips 1000]      # prints a table, writes bench/results/levers.json
    bench/.peers/profile-venv/bin/python bench/levers.py   # also markdown-it-py (after bench/profile.py)

Measures the pieces of a build the profile points at, next to a cheaper way of doing the
same work: front matter with PyYAML's C parser, Markdown without smartypants or with
markdown-it-py, related tips from a tag index (now in signpost/render.py) against every
pair, a Markdown cache lookup, and Markdown across both cores. The alternatives are
sketches, checked to give the same results where that matters, to put numbers on levers.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import markdown  # noqa: E402
import yaml  # noqa: E402

from corpus import DEFAULT_SEED, write_corpus  # noqa: E402
from measure import git_commit, machine  # noqa: E402
from signpost import yamlfile  # noqa: E402
from signpost.pipeline import Project, load_site  # noqa: E402
from signpost.render import related_tips  # noqa: E402

EXTENSIONS = ["toc", "tables", "sane_lists", "smarty"]


def cpu(work) -> tuple[float, object]:
    """CPU seconds of this process spent in work(), and its result."""
    started = time.process_time()
    result = work()
    return time.process_time() - started, result


def front_matters(content: Path) -> list[str]:
    """The YAML between the --- lines of every tip."""
    return [file.read_text(encoding="utf-8").split("---\n", 2)[1] for file in sorted((content / "tips").glob("*.md"))]


def bodies(content: Path) -> list[str]:
    return [file.read_text(encoding="utf-8").split("---\n", 2)[2] for file in sorted((content / "tips").glob("*.md"))]


def c_line_loader():
    """Signpost's line-aware loader rebuilt on PyYAML's libyaml parser (CSafeLoader)."""
    class CLineLoader(yaml.CSafeLoader):
        def __init__(self, stream, path="", first_line=1):
            super().__init__(stream)
            self.path, self.first_line, self.problems = path, first_line, []
        file_line = yamlfile._LineLoader.file_line
        construct_mapping = yamlfile._LineLoader.construct_mapping
        construct_sequence = yamlfile._LineLoader.construct_sequence
    CLineLoader.yaml_implicit_resolvers = yamlfile._Loader.yaml_implicit_resolvers
    CLineLoader.add_constructor("tag:yaml.org,2002:map", CLineLoader.construct_mapping)
    CLineLoader.add_constructor("tag:yaml.org,2002:seq", CLineLoader.construct_sequence)
    return CLineLoader


def lever_yaml(content: Path) -> dict:
    """Front matter: today's pure-Python loader against the same constructors on libyaml."""
    texts = front_matters(content)
    now, expected = cpu(lambda: [yamlfile.load_yaml(t, "x", 2)[0] for t in texts])
    loader = c_line_loader()
    faster, found = cpu(lambda: [loader(t, "x", 2).get_single_data() for t in texts])
    same = all(dict(a) == dict(b) and a.key_lines == b.key_lines for a, b in zip(expected, found))
    return {"now": now, "lever": faster, "same_result": same}


def lever_markdown(content: Path) -> dict:
    """Markdown: the same extensions, with and without smarty (curly quotes and dashes)."""
    texts = bodies(content)

    def convert_all(extensions):
        md = markdown.Markdown(extensions=extensions, output_format="html")
        return [md.reset().convert(t) for t in texts]
    now, _ = cpu(lambda: convert_all(EXTENSIONS))
    faster, _ = cpu(lambda: convert_all([e for e in EXTENSIONS if e != "smarty"]))
    return {"now": now, "lever": faster, "note": "without smarty (output differs: straight quotes)"}


def lever_markdown_it(content: Path) -> dict:
    """Markdown: Python-Markdown against markdown-it-py with tables and typographer.

    Skipped unless markdown-it-py is installed, as it is in bench/.peers/profile-venv."""
    try:
        from markdown_it import MarkdownIt
    except ImportError:
        return {"skipped": "markdown-it-py is not installed in this Python"}
    texts = bodies(content)
    md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    now, _ = cpu(lambda: [md.reset().convert(t) for t in texts])
    parser = MarkdownIt("commonmark", {"typographer": True}).enable(["table", "replacements", "smartquotes"])
    faster, _ = cpu(lambda: [parser.render(t) for t in texts])
    return {"now": now, "lever": faster, "note": "markdown-it-py: a different parser, output differs in details"}


def related_all_pairs(tips, limit: int = 3) -> dict:
    """Related tips as Signpost found them before commit 207bbf7: every pair of tips compared."""
    related = {}
    for tip in tips:
        scored = [(len(set(tip.tags) & set(other.tags)), other) for other in tips if other.slug != tip.slug]
        scored = sorted(((n, other) for n, other in scored if n), key=lambda p: (-p[0], p[1].order, p[1].title))
        related[tip.slug] = [other for _, other in scored[:limit]]
    return related


def lever_related(site) -> dict:
    """Related tips: comparing every pair against signpost.render.related_tips's tag index."""
    tips = site.tips
    now, expected = cpu(lambda: related_all_pairs(tips))
    faster, found = cpu(lambda: related_tips(tips))
    return {"now": now, "lever": faster, "same_result": expected == found, "note": "done in 207bbf7"}


def lever_cache(content: Path) -> dict:
    """A warm build's Markdown: hashing every body to look it up, against converting it."""
    texts = bodies(content)
    md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    now, rendered = cpu(lambda: {hashlib.sha256(t.encode()).hexdigest(): md.reset().convert(t) for t in texts})
    faster, _ = cpu(lambda: [rendered[hashlib.sha256(t.encode()).hexdigest()] for t in texts])
    return {"now": now, "lever": faster, "note": "cache hit for every body"}


def convert_chunk(texts: list[str]) -> list[str]:
    """One worker's share of the Markdown (a module-level function, so workers can import it)."""
    md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    return [md.reset().convert(t) for t in texts]


def lever_parallel(content: Path, workers: int = 2) -> dict:
    """Markdown on every core: wall seconds with one process against a pool of `workers`."""
    texts = bodies(content)
    started = time.perf_counter()
    convert_chunk(texts)
    now = time.perf_counter() - started
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        chunks = [texts[i::workers] for i in range(workers)]
        pool.map(convert_chunk, chunks)
    return {"now": now, "lever": time.perf_counter() - started, "unit": "wall seconds", "workers": workers}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Measure candidate speed-ups on one corpus.")
    parser.add_argument("--tips", type=int, default=1000)
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "results" / "levers.json")
    args = parser.parse_args(argv)
    content = write_corpus(args.tips, REPO / "bench" / "out" / f"levers-corpus-{args.tips}", DEFAULT_SEED) / "content"
    site, _ = load_site(Project.at(REPO, content))
    results = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "commit": git_commit(),
               "machine": machine(), "tips": args.tips, "front matter (libyaml)": lever_yaml(content),
               "markdown (no smarty)": lever_markdown(content), "markdown-it-py": lever_markdown_it(content),
               "related tips (tag index)": lever_related(site),
               "markdown cache (all hits)": lever_cache(content), "markdown on 2 cores": lever_parallel(content)}
    print(f"| lever at {args.tips:,} tips | now s | with lever s | speed-up | note |\n|---|---|---|---|---|")
    for name, r in results.items():
        if not isinstance(r, dict) or name == "machine":
            continue
        if "skipped" in r:
            print(f"| {name} | | | | skipped: {r['skipped']} |")
        else:
            note = "; ".join(filter(None, [r.get("note", ""), "same result" if r.get("same_result") else ""]))
            if r.get("same_result") is False:
                note = "RESULTS DIFFER"
            print(f"| {name} | {r['now']:.2f} | {r['lever']:.3f} | {r['now'] / max(r['lever'], 1e-9):.1f}× | "
                  f"{note}{' (' + r['unit'] + ')' if 'unit' in r else ''} |")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
