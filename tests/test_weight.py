"""Page weight: every page of the real site fits its budget, and the measure itself is right."""
import gzip
import hashlib

from signpost.weight import format_weights, page_weights


def test_a_page_counts_itself_and_what_it_loads():
    files = {"a/index.html": b'<link rel="stylesheet" href="/s.css"><script src="/j.js"></script>'
                             b'<a href="/other/">x</a><img src="https://elsewhere.example/i.png" alt="">',
             "s.css": b"body{}" * 100, "j.js": b"x", "other/index.html": b"<p>"}
    weight = next(w for w in page_weights(files) if w.path == "a/index.html")
    assert weight.parts == ("a/index.html", "s.css", "j.js")
    assert weight.raw == len(files["a/index.html"]) + 600 + 1
    assert weight.gzipped == sum(len(gzip.compress(files[p], 9, mtime=0)) for p in weight.parts)


def test_report_marks_pages_over_budget():
    noise = "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(1000))  # barely compresses
    files = {"big.html": f"<p>{noise}</p>".encode(), "small.html": b"<p>hi</p>"}
    lines = format_weights(page_weights(files))
    assert lines[1].startswith("big.html") and lines[1].endswith("OVER BUDGET")
    assert lines[-1] == "2 pages; budget 14 KB gzip per page: 1 over."
