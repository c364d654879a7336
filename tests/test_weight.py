"""Page weight: every page of the real site fits its budget, and the measure itself is right."""
import gzip
import hashlib

from signpost.weight import PAGE_BUDGET, SCRIPT_BUDGET, format_weights, gzipped_size, page_weights
from tests.sitekit import snapshot


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


def test_every_real_page_is_within_budget(built_site):
    files = snapshot(built_site)
    weights = page_weights(files)
    print("\n".join(format_weights(weights)))
    assert len(weights) >= 25
    assert [w.path for w in weights if w.over_budget] == [], format_weights(weights)
    quiz_js = [p for p in files if p.startswith("js/quiz.")]
    assert quiz_js and all(gzipped_size(files[p]) <= SCRIPT_BUDGET for p in quiz_js)
    assert PAGE_BUDGET == 14 * 1024


def test_check_weighs_every_page_and_warns_about_heavy_ones(tmp_path):
    import datetime as dt
    from signpost.check import check_site, format_report
    from signpost.pipeline import Project
    from tests.sitekit import ROOT, make_content, tip
    noise = " ".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(600))
    content = make_content(tmp_path, {"tips/big.md": tip(title="Big", body=f"{noise}\n")})
    report = check_site(Project.at(ROOT, content), dt.date(2026, 1, 10), weights=True)
    warnings = [str(p) for p in report.problems if p.severity == "warning" and p.path.startswith("page ")]
    assert len(warnings) == 1 and warnings[0].startswith("page tips/big/index.html: warning: This page needs ")
    assert warnings[0].endswith("KB (gzip) on first load, over the 14 KB budget. Hint: Shorten it, or split it into two pages.")
    # 7: `running`, on both tips, is no topic and has no page (topics.py); the search page is one
    assert len(report.weights) == 7 and [w.path for w in report.weights if w.over_budget] == ["tips/big/index.html"]
    assert format_report(report).splitlines()[-2] == "7 pages; budget 14 KB gzip per page: 1 over."
