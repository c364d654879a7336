"""`build.py safety-report`: the clinical lead's printable report, from the real site."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys

import pytest

from signpost.pipeline import Project
from signpost.problems import BuildFailed
from signpost.safety import safety_report
from tests.sitekit import ROOT, make_content
from tests.test_site_in_browser import vnu_errors

TODAY = dt.date(2026, 12, 4)


@pytest.fixture(scope="module")
def report() -> str:
    return safety_report(Project.at(ROOT), TODAY)


def rows(html: str, heading: str) -> list[str]:
    """The body rows of the first table after a heading, as text."""
    table = html.split(heading, 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in table.split("</tr>")[:-1]]


def test_every_red_flag_is_a_hazard_with_its_source_and_controls(report):
    hazards = rows(report, "Hazard log: red flags")
    # 8 emergency and 11 urgent signs, "not sure" in both checklists, and the see-a-GP answers
    # (4 signs, "not sure", 2 ages, 2 "is it new").
    assert len(hazards) == 8 + 11 + 2 + 5 + 2 + 2
    aneurysm = next(h for h in hazards if "Sudden, very bad pain in your back or your tummy" in h)
    assert "Call 999 or go to A&amp;E" in aneurysm and "NHS.UK: Abdominal aortic aneurysm" in aneurysm
    assert "Proved over every combination of answers" in aneurysm and "70, sudden, severe back pain" in aneurysm
    assert not [h for h in hazards if "No scenario gives this answer" in h or "No source given" in h]
    # "Not sure" answers rest on the safety rule that "not sure" counts as yes, not on a page.
    not_sure = [h for h in hazards if "I&#39;m not sure" in h]
    assert len(not_sure) == 4 and all("Safety rule: “not sure” counts as yes" in h for h in not_sure)
    assert 'href="https://www.nhs.uk/conditions/abdominal-aortic-aneurysm/"' in report


def test_proofs_scenarios_and_sign_off_are_reported(report):
    text = re.sub(r"\s+", " ", report)
    assert "4,832 ways of filling in the quiz, as it ends, checked as 24 distinct cases: all proofs hold" in text
    scenarios = rows(report, "Clinical scenarios (")
    assert len(scenarios) == 54 and all(" Passed " in row for row in scenarios)
    assert "78, fell at home yesterday, no other signs" in report
    assert rows(report, "Sign-off of clinical content") == [
        "content/quiz/should-i-see-someone.yml NOT SIGNED OFF: no clinician has approved this text",
        "content/tips/when-to-get-help.md NOT SIGNED OFF: no clinician has approved this text"]
    assert "Notes for the reviewing clinician" in report


def test_the_report_is_valid_html(report, tmp_path):
    (tmp_path / "safety-report.html").write_text(report, encoding="utf-8")
    errors = vnu_errors(tmp_path)
    assert errors == [], "\n".join(f"{e.get('lastLine')}: {e['message']}" for e in errors)


def test_a_site_that_does_not_build_gets_no_report(tmp_path):
    content = make_content(tmp_path, {"quiz/q.yml": "title: [broken\n"})
    with pytest.raises(BuildFailed):
        safety_report(Project.at(ROOT, content), TODAY)
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "safety-report", "--content", str(content),
                           "--out", str(tmp_path / "r.html")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == "No report: the site does not build. Fix the problems above first."
    assert not (tmp_path / "r.html").exists()


def test_the_command_writes_the_report(tmp_path):
    out = tmp_path / "reports" / "safety.html"
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "safety-report", "--out", str(out)],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Wrote the clinical safety report to {out} (open it in a browser to print it)\n"
    assert "Clinical safety report: Life Effect" in out.read_text(encoding="utf-8")


def test_the_report_follows_the_sign_off_ledger(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    signed = subprocess.run([sys.executable, str(ROOT / "build.py"), "sign-off", "--content", str(content),
                             str(content / "quiz" / "should-i-see-someone.yml"), "--by", "Sam Lee, physiotherapist",
                             "--today", "2026-12-04"], capture_output=True, text=True, timeout=60)
    assert signed.returncode == 0, signed.stderr
    states = rows(safety_report(Project.at(ROOT, content), TODAY), "Sign-off of clinical content")
    assert states[0] == ("content/quiz/should-i-see-someone.yml Signed off by Sam Lee, physiotherapist on "
                         "2026-12-04; unchanged since")
    quiz = content / "quiz" / "should-i-see-someone.yml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("Do not drive yourself.", "Do not drive."),
                    encoding="utf-8")
    states = rows(safety_report(Project.at(ROOT, content), TODAY), "Sign-off of clinical content")
    assert states[0] == ("content/quiz/should-i-see-someone.yml CHANGED since Sam Lee, physiotherapist signed it "
                         "off on 2026-12-04: not reviewed as it is now")
