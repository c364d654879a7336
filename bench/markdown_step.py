"""CPU time of the Markdown step alone: every tip body of a corpus through MarkdownRenderer.

    python bench/markdown_step.py [--tips 1000] [--code PATH] [--repeat 5] [--html OUT]

--code runs another checkout's signpost (e.g. a worktree of main), so a change to the renderer
can be measured before and after in one session, on one corpus; --html writes every rendered
body to one file, to compare the two byte for byte.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from corpus import DEFAULT_SEED, write_corpus  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Time the Markdown step on a corpus.")
    parser.add_argument("--tips", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--code", type=Path, default=REPO, help="checkout whose signpost/ to measure")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--html", type=Path, help="write every rendered body here")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.code.resolve()))
    from signpost.content import MarkdownRenderer
    try:
        from signpost.sources import read_document
    except ImportError:   # a checkout from before file reading moved out of content.py
        from signpost.content import read_document

    with tempfile.TemporaryDirectory() as folder:
        content = write_corpus(args.tips, Path(folder) / "corpus", args.seed) / "content"
        docs = [read_document(file, content)[0] for file in sorted((content / "tips").glob("*.md"))]
    renderer = MarkdownRenderer(None)
    times, html = [], []
    for _ in range(args.repeat):
        started = time.process_time()
        html = [renderer.render(doc)[0] for doc in docs]
        times.append(time.process_time() - started)
    if args.html:
        args.html.write_text("\n\x00\n".join(html), encoding="utf-8")
    print(f"{args.code}: {len(docs)} bodies, Markdown step {min(times):.3f} s CPU "
          f"(best of {args.repeat}; all: {', '.join(f'{t:.3f}' for t in times)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
