"""`build.py safety-report`: one printable page for the clinic's clinical lead.

Modelled on the hazard log that NHS clinical risk management (DCB0129) asks makers of
health software to keep: each red flag is a hazard ("a person with this sign is not sent
to the care they need"), with the guidance it rests on and the controls that guard it (the
routing rule, the exhaustive proof, the clinical scenarios); then the proofs' figures,
every scenario with its result, and whether each clinical file is signed off. It reads the
site exactly as the build does, so it reports what would be published.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .model import QuizPage
from .pipeline import load_site
from .project import Project
from .problems import BuildFailed, errors_in
from .quiz.analyse import ProofReport, prove_quiz
from .quiz.model import FLAG_FLOORS, Option, Question, Quiz
from .signoff import reviewed_items
from .version import CODE_VERSION

TIERS = {"emergency": "Call 999 or go to A&E", "urgent": "Urgent GP appointment today, or NHS 111",
         "gp": "See a GP"}


@dataclass(frozen=True)
class Hazard:
    """One red flag as a hazard-log entry."""

    id: str
    tier: str                      # the flag: emergency, urgent or gp
    question: Question
    option: Option
    source_title: str
    source_url: str
    source_list: str
    scenarios: tuple[str, ...]     # patients who give this answer
    proved: bool                   # the proofs cover it (emergency and urgent flags)


@dataclass(frozen=True)
class QuizSafety:
    """Everything the report says about one quiz."""

    page: QuizPage
    proof: ProofReport
    hazards: tuple[Hazard, ...]


def hazards_of(quiz: Quiz, page: QuizPage) -> tuple[Hazard, ...]:
    """Every option raising a built-in flag, in quiz order, numbered H1, H2, …"""
    found: list[Hazard] = []
    for question in quiz.questions:
        for option in question.options:
            tier = next((f for f in TIERS if f in option.raises), None)
            if tier is None:
                continue
            cited = option.source
            source = quiz.find_source(cited.source) if cited else None
            patients = tuple(run.scenario.patient for run in page.scenarios
                             if option.id in dict(run.scenario.answers).get(question.id, ()))
            found.append(Hazard(f"H{len(found) + 1}", tier, question, option, source.title if source else "",
                                source.url if source else "", cited.list if cited else "", patients,
                                tier in FLAG_FLOORS))
    return tuple(found)


def quiz_safety(page: QuizPage) -> QuizSafety:
    """A quiz's hazards with its proofs run afresh, for their figures."""
    quiz = page.model
    assert isinstance(quiz, Quiz)   # model.py types it as object, so as not to import the quiz engine
    proof, _ = prove_quiz(quiz, page.source)
    return QuizSafety(page, proof, hazards_of(quiz, page))


def sign_off_states(site) -> list[tuple[str, str]]:
    """(file, state in words) for every clinical file: the quizzes and the tips marked clinical."""
    return sorted((display, review_state(review)) for display, _, _, review in reviewed_items(site)
                  if review.clinical)


def review_state(review) -> str:
    """A sign-off as the clinical lead needs to read it."""
    if review.signed:
        return f"Signed off by {review.sign_off.by} on {review.sign_off.date.isoformat()}; unchanged since"
    if review.changed:
        return (f"CHANGED since {review.sign_off.by} signed it off on {review.sign_off.date.isoformat()}: "
                "not reviewed as it is now")
    return "NOT SIGNED OFF: no clinician has approved this text"


def safety_report(project: Project, today: dt.date) -> str:
    """The report as one HTML page; raises BuildFailed when the site would not build."""
    site, problems = load_site(project)
    if site is None or errors_in(problems):
        raise BuildFailed(problems)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(project.templates), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    return env.get_template("safety-report.html").render(
        site=site.config, quizzes=[quiz_safety(q) for q in site.quizzes], tiers=TIERS,
        sign_offs=sign_off_states(site), today=today, version=CODE_VERSION[:12])


def write_report(html: str, out: Path) -> Path:
    """Write the report; the folder is made if needed."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
