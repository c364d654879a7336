"""The floors a Python generator can't go below, each run as its own process by run.py.

    python bench/floors.py read CONTENT          # just read every tip file
    python bench/floors.py naive CONTENT OUT     # one-process Jinja2 + Python-Markdown loop

The naive loop is the best case for a generator built on these libraries: one Markdown
instance reset per file (same extensions as Signpost), one compiled Jinja2 template, front
matter parsed with yaml.safe_load, one file written per tip. No checks, no link rewriting,
no index or tag pages.
"""
from __future__ import annotations

import sys
from pathlib import Path

LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }} – Bench</title></head>
<body><main><h1>{{ title }}</h1><p>{{ summary }}</p>
{{ body_html|safe }}
</main></body></html>
"""


def read_corpus(content: Path) -> int:
    """Read every tip as text; the number of characters read."""
    return sum(len(file.read_text(encoding="utf-8")) for file in sorted((content / "tips").glob("*.md")))


def naive_build(content: Path, out: Path) -> int:
    """Front matter + Markdown + one template per tip, written to out/tips/<slug>/index.html."""
    import jinja2
    import markdown
    import yaml

    md = markdown.Markdown(extensions=["toc", "tables", "sane_lists", "smarty"], output_format="html")
    template = jinja2.Environment(autoescape=True).from_string(LAYOUT)
    count = 0
    for file in sorted((content / "tips").glob("*.md")):
        _, front, body = file.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        md.reset()
        html = template.render(title=meta["title"], summary=meta["summary"], body_html=md.convert(body))
        target = out / "tips" / file.stem / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        count += 1
    return count


def main(argv: list[str]) -> int:
    if argv[:1] == ["read"] and len(argv) == 2:
        print(read_corpus(Path(argv[1])))
        return 0
    if argv[:1] == ["naive"] and len(argv) == 3:
        print(naive_build(Path(argv[1]), Path(argv[2])))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
