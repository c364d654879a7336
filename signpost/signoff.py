"""Clinical sign-off: which text of each tip and quiz a clinician approved, kept in content/sign-off.yml.

An entry records who (name and role), when, and the SHA-256 of the file's text at that moment.
A page claims a review only while the file's text still has that fingerprint: any later change,
even a date or a comma, makes it "not yet reviewed" again, until a clinician signs it off anew.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import replace
from pathlib import Path

from .sources import read_text_file
from .model import Review, SignOff, Site
from .problems import RUN_BUILD, Problem, errors_in, problem
from .yamlfile import YamlMap, check_keys, double_quoted, load_yaml, read_date, read_text

LEDGER = "sign-off.yml"
ENTRY_KEYS = ("name", "role", "date", "sha256")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
SIGNED_FOLDERS = {"tips": ".md", "quiz": ".yml"}   # what can be signed off: tips and quizzes
HEADER = """\
# Clinical sign-off: who approved exactly which text of each tip and quiz.
# Written by `.venv/bin/python build.py sign-off FILE --by "Name, role"`; see EDITING.md.
# 'sha256' is the fingerprint of the file's text when it was signed off: once the file
# changes, its page no longer says it was reviewed, until a clinician signs it off again.
"""


# ---- Reading the ledger ----

def load_ledger(content: Path, known_files: set[str] | None = None) -> tuple[dict[str, SignOff], list[Problem]]:
    """content/sign-off.yml → {path in content: SignOff}, and its problems; no file means no sign-offs.

    With `known_files` (paths like 'tips/rest.md': the tips and quizzes there are), an entry for
    any other file is a warning: it can't make any page claim a review."""
    file, display = content / LEDGER, f"{content.name}/{LEDGER}"
    if not file.exists():
        return {}, []
    text, problems = read_text_file(file, display)
    if text is None:
        return {}, problems
    data, problems = load_yaml(text, display)
    if problems or data is None:
        return {}, problems
    if not isinstance(data, YamlMap):
        return {}, [problem(display, 1, "The sign-off file must be a list of files, each with its sign-off",
                            "Let 'build.py sign-off' write it; see EDITING.md.")]
    ledger = {}
    for path, entry in data.items():
        sign_off, more = read_entry(data, path, entry, display)
        problems += more
        if sign_off:
            ledger[path] = sign_off
        if sign_off and known_files is not None and path not in known_files:
            problems.append(problem(display, data.line_of(path), f"This sign-off is for '{path}', which is not a "
                                    "tip or quiz in the content folder",
                                    "If the file was renamed, sign off the new name; then delete these lines.",
                                    severity="warning"))
    return ledger, problems


def read_entry(data: YamlMap, path, entry, display: str) -> tuple[SignOff | None, list[Problem]]:
    """One file's entry: name, role, date and the fingerprint of the text signed."""
    line = data.line_of(path)
    problems: list[Problem] = []
    if not isinstance(path, str) or not isinstance(entry, YamlMap):
        return None, [problem(display, line, f"The sign-off for '{path}' must be the lines name, role, date "
                              "and sha256", "Let 'build.py sign-off' write it; see EDITING.md.")]
    where = f" in the sign-off for '{path}'"
    check_keys(entry, ENTRY_KEYS, display, problems, where)
    name = read_text(entry, "name", display, problems, required=True, where=where)
    role = read_text(entry, "role", display, problems, required=True, where=where)
    date = read_date(entry, "date", display, problems, required=True)
    sha256 = read_text(entry, "sha256", display, problems, required=True, where=where)
    if sha256 and not SHA256.match(sha256):
        problems.append(problem(display, entry.line_of("sha256"), f"'sha256'{where} is not a fingerprint: it "
                                "must be 64 characters, each 0-9 or a-f",
                                "Sign the file off again with 'build.py sign-off' to write it afresh."))
    return (None if problems else SignOff(name, role, date, sha256)), problems


def with_review(item, ledger: dict[str, SignOff], path: str, text_fingerprint: str, clinical: bool):
    """A Tip or QuizPage with its review: the file's ledger entry, to compare with its text's fingerprint."""
    return replace(item, review=Review(clinical, text_fingerprint, ledger.get(path)))


# ---- What is not yet reviewed ----

def sign_off_hint(display: str) -> str:
    """The command that records a sign-off of this file, to end every 'not yet reviewed' message."""
    return f'When a clinician has approved the text as it is now, run: {RUN_BUILD} sign-off {display} --by "Name, role"'


def not_reviewed_problem(display: str, line: int | None, noun: str, review: Review, consequence: str,
                         severity: str = "error") -> Problem:
    """'This quiz is not yet reviewed: no clinician has signed it off, so …' (or: it has changed since …)."""
    done = review.sign_off
    if done is not None and review.changed:
        why = f"it has changed since {done.name} ({done.role}) signed it off on {done.date}"
    else:
        why = "no clinician has signed it off"
    return problem(display, line, f"This {noun} is not yet reviewed: {why}, so {consequence}",
                   sign_off_hint(display), severity)


def reviewed_items(site: Site):
    """(display path, line to point at, noun, review) for every tip and quiz in the site."""
    for tip in site.tips:
        line = tip.document.meta.line_of("clinical") if tip.clinical and tip.document is not None else None
        yield tip.source, line, "clinical tip" if tip.clinical else "tip", tip.review
    for quiz in site.quizzes:
        yield quiz.source, None, "quiz", quiz.review


def release_problems(site: Site) -> list[Problem]:
    """A release build publishes clinical text only as a clinician signed it off: one error per file that isn't."""
    return [not_reviewed_problem(display, line, noun, review, "a release build can't publish it")
            for display, line, noun, review in reviewed_items(site) if review.clinical and not review.signed]


def review_problems(site: Site) -> list[Problem]:
    """For `check`: each tip and quiz not yet reviewed; a warning when it is clinical, information otherwise."""
    return [not_reviewed_problem(display, line, noun, review, "a release build will refuse it", "warning")
            if review.clinical else
            not_reviewed_problem(display, line, noun, review, "its page makes no review claim", "info")
            for display, line, noun, review in reviewed_items(site) if not review.signed]


# ---- Signing off ----

def parse_signer(by: str) -> tuple[str, str, Problem | None]:
    """'Sam Lee, physiotherapist' → ('Sam Lee', 'physiotherapist'); both parts are needed."""
    name, _, role = (part.strip() for part in by.partition(","))
    if not name or not role or not by.isprintable():  # a control character would make the ledger unreadable
        return "", "", problem("--by", None, f"Say who is signing off and their role, got {by!r}",
                               'Write the name, a comma, then the role: --by "Sam Lee, physiotherapist".')
    return name, role, None


def place_in_content(file: Path, content: Path) -> tuple[str, Problem | None]:
    """The file's path inside the content folder ('tips/rest.md'), or why it can't be signed off."""
    shown = str(file)
    if not file.is_file():
        return "", problem(shown, None, "There is no such file",
                           "Give the path from the project folder, e.g. content/tips/rest.md.")
    real, root = os.path.realpath(file), os.path.realpath(content)
    if os.path.commonpath([real, root]) != root:
        return "", problem(shown, None, f"This file is not in the content folder ({content})",
                           "Sign off a tip or quiz from the content folder, e.g. content/tips/rest.md.")
    rel = Path(os.path.relpath(real, root)).as_posix()
    folder, _, name = rel.partition("/")
    if SIGNED_FOLDERS.get(folder) != Path(name).suffix or "/" in name:
        return "", problem(f"{content.name}/{rel}", None, "Only tips and quizzes are signed off",
                           "Sign off a file in content/tips/ (.md) or content/quiz/ (.yml).")
    return rel, None


def sign_off(project, file: Path, by: str, today: dt.date, load_site) -> tuple[str, list[Problem]]:
    """Record that `by` approved the file's text as it is now: (what to tell the editor, problems).

    Refused for a file outside the content folder, one that isn't a tip or quiz, or while the
    site has errors: what a clinician signs must be exactly what the build would publish, so
    the site is read by the build's own `load_site` (pipeline.py, which reads the ledger
    through this module: it is handed in, not imported)."""
    content = project.content
    name, role, bad_signer = parse_signer(by)
    rel, misplaced = place_in_content(Path(file), content)
    if bad_signer or misplaced:
        return "", [p for p in (misplaced, bad_signer) if p]
    display = f"{content.name}/{rel}"
    site, problems = load_site(project, drafts=True)
    errors = errors_in(problems)
    if errors:
        why = "it has" if any(p.path == display for p in errors) else "the site has"
        return "", errors + [problem(display, None, f"This file can't be signed off yet: {why} mistakes the build refuses",
                                     "Fix the mistakes listed above, then sign it off again.")]
    review = next(item.review for item in (*site.tips, *site.quizzes)
                  if item.source == display)  # place_in_content let through only tips and quizzes
    ledger, _ = load_ledger(content)
    earlier = ledger.get(rel)
    ledger[rel] = SignOff(name, role, today, review.fingerprint)
    write_ledger(content / LEDGER, ledger)
    return signed_message(display, ledger[rel], earlier, f"{content.name}/{LEDGER}"), []


def signed_message(display: str, done: SignOff, earlier: SignOff | None, ledger_display: str) -> str:
    """What the editor is told once the sign-off is recorded."""
    replaced = f" It replaces the sign-off by {earlier.by} on {earlier.date}." if earlier else ""
    return (f"Signed off {display}: {done.by}, {done.date}, text fingerprint {done.sha256[:12]}….{replaced}\n"
            f"Recorded in {ledger_display}. Any change to {display} from now on needs a new sign-off.")


def ledger_text(ledger: dict[str, SignOff]) -> str:
    """The ledger as YAML, files in order; texts quoted, so no name can break it and a
    fingerprint of digits alone isn't read as a number."""
    blocks = [HEADER]
    for path in sorted(ledger):
        entry = ledger[path]
        blocks.append(f"{path}:\n  name: {double_quoted(entry.name)}\n  role: {double_quoted(entry.role)}\n"
                      f"  date: {entry.date.isoformat()}\n  sha256: {double_quoted(entry.sha256)}\n")
    return "\n".join(blocks)


def write_ledger(file: Path, ledger: dict[str, SignOff]) -> None:
    """Replace the ledger whole (a temporary file renamed over it), so it is never half-written."""
    temporary = file.with_name(f".{file.name}.tmp")
    temporary.write_text(ledger_text(ledger), encoding="utf-8")
    os.replace(temporary, file)
