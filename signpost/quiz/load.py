"""One quiz YAML file → a validated Quiz, with every problem found, each with file:line.

The order of work: read the fields of each part, then check the names the parts use
(questions, options, flags, scores, outcomes, tips) against each other, then the safety
rules of the clinical brief (red-flag questions first, required and always shown).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Protocol

from ..model import Document, Heading, HeadingLink
from ..problems import Problem, errors_in, problem
from ..yamlfile import (YamlList, YamlMap, check_keys, load_yaml, read_bool, read_date, read_int, read_text,
                        read_text_list, suggest)
from .analyse import TooBig, check_sizes, settled_outcomes
from .model import (BOOKING_STYLES, BUILT_IN_FLAGS, FLAG_FLOORS, URGENCIES, AllOf, Always, AnswerIs, AnyOf,
                    Citation, FlagRaised, NotTrue, Option, Outcome, Question, Quiz, Rule, Score, ScoreBetween,
                    ScoreCounts, Source)

QUIZ_KEYS = ("title", "summary", "intro", "safety_net", "reviewed", "next_review", "reviewed_by", "sources",
             "notes", "flags", "scores", "questions", "rules", "outcomes")
SOURCE_KEYS = ("id", "title", "url")
CITATION_KEYS = ("page", "list")
QUESTION_KEYS = ("id", "question", "hint", "choose", "required", "scores", "reverse", "show_if", "options")
OPTION_KEYS = ("id", "label", "hint", "short", "value", "flags", "exclusive", "not_sure", "source")
SCORE_KEYS = ("id", "label", "percent", "min_answered", "round")
OUTCOME_KEYS = ("id", "urgency", "title", "body", "how_soon", "next_steps", "tips", "booking", "show_scores")
RULE_KEYS = ("when", "outcome", "otherwise")
CONDITION_KINDS = ("flag", "question", "score", "all", "any", "not")
CONDITION_KEYS = {"flag": ("flag",), "question": ("question", "is"),
                  "score": ("score", "at_least", "at_most", "above", "below", "counts"),
                  "all": ("all",), "any": ("any",), "not": ("not",)}
# A score's limits: at_least and above are lower limits, at_most and below upper ones.
LIMITS = ("at_least", "above", "at_most", "below")
LIMIT_WORDS = {"at_least": "at least", "above": "more than", "at_most": "at most", "below": "less than"}
MAX_DECIMALS = 2
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # used with fullmatch: $ would let a final new line through
# 'body: |', 'intro: >-' or 'intro:' alone on its line: the text starts on the next line.
TEXT_BELOW = re.compile(r"^[\s-]*[\w-]+:\s*([|>][-+0-9]*)?\s*(#.*)?$")
RED_FLAGS = tuple(FLAG_FLOORS)


class MarkdownToHtml(Protocol):
    """What a quiz asks of the tips' Markdown renderer (content.MarkdownRenderer, made with the site's
    link targets, or none for a lone file): its texts get the same links, cleaning and checks."""

    def render(self, doc: Document, heading_ids: bool = True
               ) -> tuple[str, list[Heading], list[Problem], list[HeadingLink]]: ...


@dataclass(frozen=True)
class Names:
    """What a condition may refer to, where it sits."""

    questions: dict        # question id -> Question (only those a condition here may use)
    later: dict            # question id -> line, for questions that exist but may not be used here
    flags: tuple
    scores: dict           # score id -> Score; empty where scores may not be used
    where: str             # "a rule" or "show_if"


def load_quiz(text: str, display_path: str, tip_slugs: set[str] | None,
              markdown: MarkdownToHtml) -> tuple[Quiz | None, list[Problem]]:
    """Read and check one quiz file; tip_slugs=None skips the tip-link check. Its Markdown texts
    go through `markdown`, which checks their links if it was made with the site's."""
    path = display_path
    data, problems = load_yaml(text, path)
    if data is None:  # an empty file must not make the quiz silently vanish from the site
        return None, problems or [problem(path, 1, "The quiz file is empty", "Start with 'title: …', then "
                                          "'questions:', 'rules:' and 'outcomes:'.")]
    if not isinstance(data, YamlMap):
        return None, problems + [problem(path, 1, "A quiz file must be a set of 'key: value' lines",
                                         "Start with 'title: …', then 'questions:', 'rules:' and 'outcomes:'.")]
    check_keys(data, QUIZ_KEYS, path, problems, " in the quiz")
    texts = QuizMarkdown(path, text, markdown)
    flags = read_flags(data, path, problems)
    sources = read_sources(data, path, problems)
    scores = [s for s in (read_score(m, path, problems) for m in read_maps(data, "scores", path, problems)) if s]
    questions = read_questions(data, path, problems, flags)
    scores = finish_scores(scores, questions, path, problems)
    outcomes = read_outcomes(data, path, problems, tip_slugs, texts)
    rules = read_rules(data, path, problems, questions, flags, scores, outcomes)
    check_red_flags(questions, path, problems)
    check_citations(questions, sources, path, problems)
    check_unused(questions, scores, outcomes, rules, flags, data, path, problems)
    intro_html = texts.html(read_text(data, "intro", path, problems), data.line_of("intro"), problems)
    safety_net_html = texts.html(read_text(data, "safety_net", path, problems), data.line_of("safety_net"), problems)
    quiz = Quiz(
        slug=PurePath(path).stem,
        title=read_text(data, "title", path, problems, required=True),
        source=path,
        questions=tuple(questions),
        scores=tuple(scores),
        rules=tuple(rules),
        outcomes=tuple(outcomes),
        summary=read_text(data, "summary", path, problems),
        intro_html=intro_html,
        safety_net_html=safety_net_html,
        flags=flags,
        reviewed=read_date(data, "reviewed", path, problems, required=True),
        next_review=read_date(data, "next_review", path, problems, required=True),
        reviewed_by=read_text(data, "reviewed_by", path, problems),
        sources=sources,
        notes=read_text(data, "notes", path, problems),
        heading_links=tuple(texts.heading_links),
    )
    check_dates(quiz, data, path, problems)
    if errors_in(problems):
        return None, problems
    if check_sizes(quiz, path):   # too big to walk: the proof reports it
        return quiz, problems
    try:
        return replace(quiz, settled=settled_outcomes(quiz)), problems
    except TooBig as too_big:   # the proof would walk the same states: say so once, here
        return None, problems + [too_big.problem(path)]


# ---- Sources and citations ----

def read_sources(data: YamlMap, path, problems) -> tuple[Source, ...]:
    """The guidance the quiz rests on: plain texts, or {id, title, url} that red-flag options can cite."""
    value = data.get("sources")
    if value is None:
        return ()
    if not isinstance(value, YamlList):
        problems.append(problem(path, data.line_of("sources"), "'sources' must be a list, each item starting "
                                "with '- '", "Write each source as '- id: …' with 'title:' and 'url:'."))
        return ()
    sources = []
    for index, item in enumerate(value):
        line = value.line_of(index)
        if isinstance(item, str) and item.strip():
            sources.append(Source("", item.strip(), line))
        elif isinstance(item, YamlMap):
            check_keys(item, SOURCE_KEYS, path, problems, " in a source")
            url = read_text(item, "url", path, problems)
            if url and not url.startswith("https://"):
                problems.append(problem(path, item.line_of("url"), f"The source's url must start with https://, "
                                        f"got '{url}'", "Copy the page's address from the browser."))
            sources.append(Source(read_id(item, path, problems, "source"),
                                  read_text(item, "title", path, problems, required=True, where=" from this source"),
                                  item.line, url))
        else:
            problems.append(problem(path, line, f"A source must be a title or a set of 'key: value' lines, got "
                                    f"'{item}'", "Write '- id: nhs-back-pain' with 'title:' and 'url:' below it."))
    check_unique([s for s in sources if s.id], "source", path, problems)
    return tuple(sources)


def read_citation(data: YamlMap, path, problems) -> Citation | None:
    """An option's 'source: {page: source-id, list: which list on that page}'."""
    if "source" not in data:
        return None
    node = data["source"]
    if not isinstance(node, YamlMap) or "page" not in node or "list" not in node:
        problems.append(problem(path, data.line_of("source"), "An option's 'source' needs 'page' (a source id) "
                                "and 'list' (which list on that page)",
                                "For example: source: {page: nhs-back-pain, list: \"Call 999 if\"}."))
        return None
    check_keys(node, CITATION_KEYS, path, problems, " in an option's source")
    return Citation(read_text(node, "page", path, problems, required=True),
                    read_text(node, "list", path, problems, required=True), node.line)


def check_citations(questions: list[Question], sources: tuple[Source, ...], path, problems) -> None:
    """Every citation names a declared source."""
    known = [s.id for s in sources if s.id]
    for question in questions:
        for option in question.options:
            cited = option.source
            if cited and cited.source and cited.source not in known:
                problems.append(problem(path, cited.line, f"Option '{option.id}' cites source '{cited.source}', "
                                        "which is not under 'sources:'", suggest(cited.source, known) or
                                        "Add it under 'sources:' with an id, a title and a url."))


class QuizMarkdown:
    """The quiz's Markdown texts → trusted HTML, through the tips' renderer: links to tips, pages and
    pictures rewritten and checked, pasted HTML cleaned, each problem at its line in the quiz file."""

    def __init__(self, path: str, text: str, renderer: MarkdownToHtml):
        self.path = path                                  # as messages name it: "content/quiz/x.yml"
        self.source = f"quiz/{PurePath(path).name}"       # where its links are relative to
        self.lines = text.split("\n")
        self.renderer = renderer
        self.heading_links: list[HeadingLink] = []

    def html(self, text: str, key_line: int, problems) -> str:
        """One text, written under the key on `key_line`, as HTML."""
        if not text:
            return ""
        doc = Document(self.source, self.path, YamlMap(), text, self.first_line(key_line))
        html, _, found, heading_links = self.renderer.render(doc, heading_ids=False)
        problems += [p if p.line else replace(p, line=key_line) for p in found]
        self.heading_links += heading_links
        return html

    def first_line(self, key_line: int) -> int:
        """The file line the text starts on: the key's own, or the next (see TEXT_BELOW)."""
        written = self.lines[key_line - 1] if 0 < key_line <= len(self.lines) else ""
        return key_line + 1 if TEXT_BELOW.match(written) else key_line


def read_maps(data: YamlMap, key: str, path, problems, required=False) -> list[YamlMap]:
    """A list of 'key: value' blocks, such as the questions."""
    value = data.get(key)
    if value is None:
        if required:
            problems.append(problem(path, data.line, f"'{key}' is missing", f"Add a list under '{key}:'."))
        return []
    if not isinstance(value, YamlList):
        problems.append(problem(path, data.line_of(key), f"'{key}' must be a list, each item starting with '- '"))
        return []
    maps = []
    for index, item in enumerate(value):
        if isinstance(item, YamlMap):
            maps.append(item)
        else:
            problems.append(problem(path, value.line_of(index), f"Each item in '{key}' must be a set of "
                                    f"'key: value' lines, got '{item}'", "Start the item with '- id: …'."))
    return maps


def read_id(data: YamlMap, path, problems, kind: str) -> str:
    """An id: lowercase letters, digits and hyphens (it becomes part of the page's HTML ids)."""
    value = read_text(data, "id", path, problems, required=True, where=f" from this {kind}")
    if value and not ID_PATTERN.fullmatch(value):
        better = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
        problems.append(problem(path, data.line_of("id"), f"The {kind} id '{value}' must use only lowercase "
                                "letters, digits and hyphens", f"Write it as '{better}'."))
    return value


def check_unique(items, kind: str, path, problems, where: str = "") -> None:
    """Report each id used a second time, naming the line of the first."""
    seen: dict[str, int] = {}
    for item in items:
        if item.id in seen:
            problems.append(problem(path, item.line, f"The {kind} id '{item.id}' is used twice{where} "
                                    f"(first on line {seen[item.id]})", "Give each one its own id."))
        seen.setdefault(item.id, item.line)


def read_flags(data: YamlMap, path, problems) -> tuple[str, ...]:
    """The built-in flags plus the ones this quiz declares."""
    declared = read_text_list(data, "flags", path, problems)
    for name in declared:
        if not ID_PATTERN.fullmatch(name):
            problems.append(problem(path, data.line_of("flags"), f"The flag name '{name}' must use only "
                                    "lowercase letters, digits and hyphens"))
        elif name in BUILT_IN_FLAGS:
            problems.append(problem(path, data.line_of("flags"), f"'{name}' is a built-in flag; no need to "
                                    "declare it", "Remove it from 'flags:'.", severity="warning"))
    return BUILT_IN_FLAGS + tuple(n for n in dict.fromkeys(declared) if n not in BUILT_IN_FLAGS)


# ---- Scores ----

def read_score(data: YamlMap, path, problems) -> Score | None:
    """One score definition; its questions and range are filled in once the questions are read."""
    check_keys(data, SCORE_KEYS, path, problems, " in a score")
    score = Score(
        id=read_id(data, path, problems, "score"),
        label=read_text(data, "label", path, problems, required=True, where=" from this score"),
        line=data.line,
        percent=read_bool(data, "percent", path, problems),
        min_answered=read_int(data, "min_answered", path, problems, minimum=0),
    )
    return replace(score, decimals=read_decimals(data, score, path, problems))


def read_decimals(data: YamlMap, score: Score, path, problems) -> int:
    """'round': how many decimals a percent is shown with (1 when not given)."""
    if "round" not in data:
        return 1
    count = len(problems)
    decimals = read_int(data, "round", path, problems, default=1, minimum=0)
    if len(problems) > count:
        return 1
    if not score.percent:
        problems.append(problem(path, data.line_of("round"), f"Score '{score.id}' is not a percent, so it has no "
                                "decimals to round", "Remove 'round', or add 'percent: true'."))
    elif decimals > MAX_DECIMALS:
        problems.append(problem(path, data.line_of("round"), f"'round' must be 0, 1 or 2, got {decimals}",
                                "Write 0 for whole numbers (43%) or 1 for one decimal (42.5%)."))
        return 1
    return decimals


def finish_scores(scores: list[Score], questions: list[Question], path, problems) -> list[Score]:
    """Attach each score's questions and possible range; report scores nothing feeds."""
    check_unique(scores, "score", path, problems)
    finished = []
    for score in scores:
        fed_by = [q for q in questions if score.id in q.scores]
        if not fed_by:
            problems.append(problem(path, score.line, f"Score '{score.id}' is not fed by any question",
                                    f"Add 'scores: [{score.id}]' to the questions that count towards it."))
        if score.min_answered > len(fed_by):
            problems.append(problem(path, score.line, f"Score '{score.id}' needs {score.min_answered} answered "
                                    f"questions, but only {len(fed_by)} feed it"))
        low, high = score_range(fed_by)
        if score.percent:
            low, high = 0, 100
        finished.append(replace(score, questions=tuple(q.id for q in fed_by), minimum=low, maximum=high))
    return finished


def score_range(questions: list[Question]) -> tuple[int, int]:
    """The lowest and highest total these questions can give; a skippable question may add nothing."""
    low = high = 0
    for q in questions:
        skippable = not q.required or q.show_if is not None
        low += min(q.min_points, 0) if skippable else q.min_points
        high += max(q.max_points, 0) if skippable else q.max_points
    return low, high


# ---- Questions and options ----

def read_questions(data: YamlMap, path, problems, flags) -> list[Question]:
    """Every question, in order; show_if may use only the questions before it."""
    maps = read_maps(data, "questions", path, problems, required=True)
    if "questions" in data and not maps:
        problems.append(problem(path, data.line_of("questions"), "The quiz has no questions"))
    questions = [read_question(m, path, problems, flags) for m in maps]
    check_unique(questions, "question", path, problems)
    # Ids as read_id reads them (text), skipping blank ones: those are reported with the score itself.
    score_ids = {str(m["id"]) for m in read_maps(data, "scores", path, [], required=False)
                 if isinstance(m.get("id"), (str, int, float))}
    for q, m in zip(questions, maps):
        for name in q.scores:
            if name not in score_ids:
                problems.append(problem(path, m.line_of("scores"), f"Unknown score '{name}' in question '{q.id}'",
                                        suggest(name, score_ids) or "Declare it under 'scores:' at the top."))
    finished: list[Question] = []
    for index, (q, m) in enumerate(zip(questions, maps)):
        show_if = None
        if "show_if" in m:
            names = Names({e.id: e for e in finished}, {e.id: e.line for e in questions[index:]}, flags, {},
                          "show_if")
            show_if = read_condition(m["show_if"], m.line_of("show_if"), names, path, problems)
        finished.append(replace(q, show_if=show_if))
    return finished


def read_question(data: YamlMap, path, problems, flags) -> Question:
    """One question with its options (show_if is read later, once all ids are known)."""
    check_keys(data, QUESTION_KEYS, path, problems, " in a question")
    qid = read_id(data, path, problems, "question")
    choose = read_text(data, "choose", path, problems, default="one")
    if choose not in ("one", "many"):
        problems.append(problem(path, data.line_of("choose"), f"'choose' must be 'one' or 'many', got '{choose}'",
                                "Use 'one' for a single answer (radios), 'many' for a checklist (checkboxes)."))
        choose = "one"
    scores = read_text_list(data, "scores", path, problems)
    reverse = read_bool(data, "reverse", path, problems)
    options = [read_option(m, path, problems, flags, qid, bool(scores))
               for m in read_maps(data, "options", path, problems, required=True)]
    if len(options) < 2:
        problems.append(problem(path, data.line, f"Question '{qid}' needs at least 2 options"))
    check_unique(options, "option", path, problems, f" in question '{qid}'")
    check_options(qid, choose, options, path, problems)
    if reverse and choose == "many":
        problems.append(problem(path, data.line_of("reverse"), f"Question '{qid}' takes many answers, so it "
                                "cannot be reverse scored", "Reverse scoring is for one-answer scales."))
    if reverse and not scores:
        problems.append(problem(path, data.line_of("reverse"), f"Question '{qid}' is reverse scored but feeds "
                                "no score", "Add 'scores: [name]' or remove 'reverse'."))
    required = read_bool(data, "required", path, problems, default=True)
    if choose == "many" and required and not any(o.exclusive for o in options):
        problems.append(problem(path, data.line, f"Question '{qid}' must be answered, but a reader to whom none "
                                "of its options apply has nothing to tick", "Add an answer such as 'None of these' "
                                "with 'exclusive: true', or write 'required: false'.", severity="warning"))
    return Question(
        id=qid,
        text=read_text(data, "question", path, problems, required=True, where=f" from question '{qid}'"),
        line=data.line,
        options=tuple(finish_options(options, reverse)),
        choose=choose,
        hint=read_text(data, "hint", path, problems),
        required=required,
        scores=scores,
        reverse=reverse,
    )


def read_option(data: YamlMap, path, problems, flags, qid: str, scored: bool) -> Option:
    """One option: its label, value and flags."""
    check_keys(data, OPTION_KEYS, path, problems, " in an option")
    oid = read_id(data, path, problems, "option")
    value = read_value(data, path, problems)
    if value is None and scored:
        problems.append(problem(path, data.line, f"Option '{oid}' in question '{qid}' has no 'value', but the "
                                "question counts towards a score", "Add 'value: 0' or the number this answer adds."))
    if value is not None and not scored:
        problems.append(problem(path, data.line_of("value"), f"Option '{oid}' has a 'value', but question '{qid}' "
                                "feeds no score", "Add 'scores: [name]' to the question, or remove the value."))
    option_flags = read_text_list(data, "flags", path, problems)
    for flag in option_flags:
        if flag not in flags:
            problems.append(problem(path, data.line_of("flags"), f"Unknown flag '{flag}' on option '{oid}'",
                                    suggest(flag, flags) or "Declare it under 'flags:' at the top of the quiz."))
    return Option(
        id=oid,
        label=read_text(data, "label", path, problems, required=True, where=f" from option '{oid}'"),
        line=data.line,
        hint=read_text(data, "hint", path, problems),
        short=read_text(data, "short", path, problems),
        value=value,
        flags=option_flags,
        exclusive=read_bool(data, "exclusive", path, problems),
        not_sure=read_bool(data, "not_sure", path, problems),
        source=read_citation(data, path, problems),
    )


def read_value(data: YamlMap, path, problems) -> int | None:
    """An option's value: a whole number; a yes/no gets a hint about what was probably meant."""
    if "value" not in data or data["value"] is None:
        return None
    value = data["value"]
    if isinstance(value, str) and value.lower() in ("yes", "no", "y", "n", "on", "off"):
        problems.append(problem(path, data.line_of("value"), f"'value' must be a whole number, got '{value}'",
                                "An answer adds a number to a score: write 1 for yes and 0 for no."))
        return None
    return read_int(data, "value", path, problems, default=None)


def check_options(qid: str, choose: str, options: list[Option], path, problems) -> None:
    """Exclusive and not-sure options only make sense in some questions."""
    for option in options:
        if option.exclusive and choose == "one":
            problems.append(problem(path, option.line, f"Option '{option.id}' is exclusive, but question '{qid}' "
                                    "takes one answer anyway", "Remove 'exclusive: true'."))
        if option.exclusive and any(f in RED_FLAGS for f in option.flags):
            problems.append(problem(path, option.line, f"Option '{option.id}' is exclusive but raises a red flag",
                                    "Only the 'none of these' answer should be exclusive."))
    flagged = any(f in BUILT_IN_FLAGS for o in options for f in o.flags)
    for option in options:
        if option.not_sure and not flagged:
            problems.append(problem(path, option.line, f"Option '{option.id}' is marked not_sure, but question "
                                    f"'{qid}' has no emergency, urgent or gp options for it to count as",
                                    "Remove 'not_sure: true', or add the flags it should raise."))


def finish_options(options: list[Option], reverse: bool) -> list[Option]:
    """Work out each option's points (after reverse scoring) and the flags it raises."""
    values = [o.value for o in options if o.value is not None]
    # "Not sure" counts as yes to every built-in flag its question asks about (clinical brief).
    sibling_flags = tuple(f for f in BUILT_IN_FLAGS if any(f in o.flags for o in options))
    finished = []
    for o in options:
        points = o.value
        if reverse and points is not None:
            points = max(values) + min(values) - points
        raises = o.flags + tuple(f for f in sibling_flags if o.not_sure and f not in o.flags)
        finished.append(replace(o, points=points, raises=raises))
    return finished


# ---- Conditions ----

def read_condition(node, line: int, names: Names, path, problems):
    """A condition written as YAML (flag / question+is / score+limits or counts / all / any / not)."""
    if not isinstance(node, YamlMap):
        problems.append(problem(path, line, f"A condition in {names.where} must be a set of 'key: value' lines, "
                                f"got '{node}'", "For example: {flag: emergency} or {question: age, is: under-16}."))
        return None
    kinds = [k for k in CONDITION_KINDS if k in node]
    if len(kinds) != 1:
        found = " and ".join(f"'{k}'" for k in kinds)
        message = (f"A condition has both {found}" if kinds else "A condition needs one of: " +
                   ", ".join(CONDITION_KINDS))
        problems.append(problem(path, node.line, message, "Write one test per condition and combine them "
                                "with 'all:' or 'any:'."))
        return None
    kind = kinds[0]
    check_keys(node, CONDITION_KEYS[kind], path, problems, f" in a '{kind}' condition")
    reader = {"flag": read_flag_condition, "question": read_answer_condition, "score": read_score_condition,
              "all": read_group_condition, "any": read_group_condition, "not": read_not_condition}[kind]
    return reader(node, names, path, problems)


def read_flag_condition(node: YamlMap, names: Names, path, problems):
    """{flag: name}"""
    flag = read_text(node, "flag", path, problems, required=True)
    if flag and flag not in names.flags:
        problems.append(problem(path, node.line_of("flag"), f"Unknown flag '{flag}' in {names.where}",
                                suggest(flag, names.flags) or "Declare it under 'flags:' at the top of the quiz."))
        return None
    return FlagRaised(flag, node.line) if flag else None


def read_answer_condition(node: YamlMap, names: Names, path, problems):
    """{question: id, is: option} or {question: id, is: [option, option]}"""
    qid = read_text(node, "question", path, problems, required=True)
    question = names.questions.get(qid)
    if question is None:
        if qid in names.later:
            problems.append(problem(path, node.line_of("question"), f"'show_if' can only use questions asked "
                                    f"earlier, but '{qid}' comes later (line {names.later[qid]})",
                                    "Move this question after the one it depends on."))
        elif qid:
            problems.append(problem(path, node.line_of("question"), f"Unknown question '{qid}' in {names.where}",
                                    suggest(qid, names.questions) or "Use the 'id' of a question."))
        return None
    raw = node.get("is")
    wanted = [raw] if isinstance(raw, (str, int)) and not isinstance(raw, bool) else raw
    if not isinstance(wanted, list) or not wanted or not all(isinstance(w, (str, int)) and not isinstance(w, bool)
                                                             for w in wanted):
        hint = ("Put the option id in quotes: YAML reads true/false as a yes/no switch."
                if isinstance(raw, bool) else "Write 'is: option-id' or 'is: [option-id, option-id]'.")
        shown = str(raw).lower() if isinstance(raw, bool) else raw
        problems.append(problem(path, node.line_of("is") if "is" in node else node.line,
                                f"'is' must name one or more options of question '{qid}', got '{shown}'", hint))
        return None
    ids = [o.id for o in question.options]
    bad = [str(w) for w in wanted if str(w) not in ids]
    for w in bad:
        problems.append(problem(path, node.line_of("is"), f"Question '{qid}' has no option '{w}'",
                                suggest(w, ids) or "Options: " + ", ".join(ids) + "."))
    return None if bad else AnswerIs(qid, tuple(str(w) for w in wanted), node.line)


def read_score_condition(node: YamlMap, names: Names, path, problems):
    """{score: id, at_least/above: n, at_most/below: n} or {score: id, counts: false}"""
    sid = read_text(node, "score", path, problems, required=True)
    if not names.scores:
        problems.append(problem(path, node.line, f"{names.where} cannot use scores, only earlier answers and flags"))
        return None
    score = names.scores.get(sid)
    if score is None:
        problems.append(problem(path, node.line_of("score"), f"Unknown score '{sid}' in {names.where}",
                                suggest(sid, names.scores) or "Use the 'id' of a score."))
        return None
    if "counts" in node:
        return read_counts_condition(node, score, path, problems)
    if not any(key in node for key in LIMITS):
        problems.append(problem(path, node.line, "A score condition needs 'at_least', 'at_most', 'above' or "
                                "'below', or 'counts'", "For example: {score: total, at_least: 4}."))
        return None
    bounds = {}
    for key in LIMITS:
        if key in node:
            count = len(problems)
            bounds[key] = read_int(node, key, path, problems, default=None)
            if len(problems) == count:
                check_threshold(score, key, bounds[key], node, path, problems)
    if None in bounds.values() or not check_limits_together(score, bounds, node, path, problems):
        return None
    return ScoreBetween(sid, bounds.get("at_least"), bounds.get("at_most"), node.line,
                        bounds.get("above"), bounds.get("below"))


def check_threshold(score: Score, key: str, value: int, node: YamlMap, path, problems) -> None:
    """A threshold the score can never reach (or always passes) is a mistake."""
    unit = "%" if score.percent else ""
    outside = value < score.minimum or value > score.maximum
    never = (key == "above" and value == score.maximum) or (key == "below" and value == score.minimum)
    pointless = (key == "at_least" and value <= score.minimum) or (key == "at_most" and value >= score.maximum)
    if outside:
        problems.append(problem(path, node.line_of(key), f"{key}: {value} is outside the possible range of score "
                                f"'{score.id}' ({score.minimum}{unit} to {score.maximum}{unit})",
                                "Check the number against the values of the score's options."))
    elif never:
        edge, instead = ("highest", "at_least") if key == "above" else ("lowest", "at_most")
        problems.append(problem(path, node.line_of(key), f"{key}: {value} is never true for score '{score.id}': "
                                f"{value}{unit} is its {edge} possible value", f"Write '{instead}: {value}' for "
                                f"exactly {value}{unit}, or check the number."))
    elif pointless and not score.percent:
        problems.append(problem(path, node.line_of(key), f"{key}: {value} is always true for score '{score.id}' "
                                f"({score.minimum} to {score.maximum})", "Check the number, or drop this test.",
                                severity="warning"))


def check_limits_together(score: Score, bounds: dict, node: YamlMap, path, problems) -> bool:
    """One lower and one upper limit at most, and some value must meet both."""
    for first, second in (("at_least", "above"), ("at_most", "below")):
        if first in bounds and second in bounds:
            problems.append(problem(path, node.line_of(second), f"A score condition has both '{first}' and "
                                    f"'{second}'", f"Keep one: '{first}: n' includes n itself, '{second}: n' "
                                    "does not."))
            return False
    low = next((key for key in ("at_least", "above") if key in bounds), None)
    high = next((key for key in ("at_most", "below") if key in bounds), None)
    if low is None or high is None:
        return True
    # A plain score is a whole number: 'above: 3' means at least 4. A percent can fall anywhere between.
    if score.percent:
        empty = bounds[low] > bounds[high] or (bounds[low] == bounds[high] and (low, high) != ("at_least", "at_most"))
    else:
        empty = bounds[low] + (low == "above") > bounds[high] - (high == "below")
    if empty:
        unit = "%" if score.percent else ""
        whole = "" if score.percent else f" Score '{score.id}' is always a whole number."
        problems.append(problem(path, node.line, f"No value of score '{score.id}' is {LIMIT_WORDS[low]} "
                                f"{bounds[low]}{unit} and {LIMIT_WORDS[high]} {bounds[high]}{unit}, so this "
                                "condition is never true", "Check the two numbers." + whole))
        return False
    return True


def read_counts_condition(node: YamlMap, score: Score, path, problems):
    """{score: id, counts: false}: true while too few of the score's questions are answered for it to count."""
    limits = [key for key in LIMITS if key in node]
    if limits:
        problems.append(problem(path, node.line_of("counts"), f"'counts' is a test on its own, but this condition "
                                f"also has '{limits[0]}'", "Limits only ever match a score that counts. Write "
                                f"{{score: {score.id}, counts: false}} on its own, and join tests with 'all:' or "
                                "'any:'."))
        return None
    count = len(problems)
    counts = read_bool(node, "counts", path, problems)
    if len(problems) > count:
        return None
    if not score.percent and score.min_answered == 0:   # nothing answered is still a total of 0
        if not counts:
            problems.append(problem(path, node.line_of("counts"), f"Score '{score.id}' always counts (it has no "
                                    "'min_answered'), so 'counts: false' is never true",
                                    "Add 'min_answered: n' to the score, or remove this test."))
            return None
        problems.append(problem(path, node.line_of("counts"), f"Score '{score.id}' always counts (it has no "
                                "'min_answered'), so 'counts: true' is always true", "Remove this test.",
                                severity="warning"))
    return ScoreCounts(score.id, counts, node.line)


def read_group_condition(node: YamlMap, names: Names, path, problems):
    """{all: [...]} or {any: [...]}"""
    kind = "all" if "all" in node else "any"
    items = node[kind]
    if not isinstance(items, YamlList) or not items:
        problems.append(problem(path, node.line_of(kind), f"'{kind}' must be a list of conditions",
                                f"Write each one on its own line starting with '- ' under '{kind}:'."))
        return None
    parsed = [read_condition(item, items.line_of(i), names, path, problems) for i, item in enumerate(items)]
    if None in parsed:
        return None
    return (AllOf if kind == "all" else AnyOf)(tuple(parsed), node.line)


def read_not_condition(node: YamlMap, names: Names, path, problems):
    """{not: condition}"""
    item = read_condition(node["not"], node.line_of("not"), names, path, problems)
    return NotTrue(item, node.line) if item is not None else None


# ---- Outcomes and rules ----

def read_outcomes(data: YamlMap, path, problems, tip_slugs, texts: QuizMarkdown) -> list[Outcome]:
    """Every outcome, each an NHS-style care card."""
    outcomes = [read_outcome(m, path, problems, tip_slugs, texts)
                for m in read_maps(data, "outcomes", path, problems, required=True)]
    check_unique(outcomes, "outcome", path, problems)
    return outcomes


def read_outcome(data: YamlMap, path, problems, tip_slugs, texts: QuizMarkdown) -> Outcome:
    """One outcome: urgency, title, body, next steps and tip links."""
    check_keys(data, OUTCOME_KEYS, path, problems, " in an outcome")
    oid = read_id(data, path, problems, "outcome")
    urgency = read_text(data, "urgency", path, problems, required=True, where=f" from outcome '{oid}'")
    if urgency and urgency not in URGENCIES:
        problems.append(problem(path, data.line_of("urgency"), f"'urgency' must be one of {', '.join(URGENCIES)}; "
                                f"got '{urgency}'", suggest(urgency, URGENCIES)))
    tips = read_text_list(data, "tips", path, problems)
    for slug in tips:
        if tip_slugs is not None and slug not in tip_slugs:
            problems.append(problem(path, data.line_of("tips"), f"Outcome '{oid}' links to tip '{slug}', which "
                                    "does not exist", suggest(slug, tip_slugs) or
                                    "Use a tip's file name from content/tips/ without '.md'."))
    body = read_text(data, "body", path, problems)
    outcome = Outcome(
        id=oid, urgency=urgency, line=data.line, body=body, body_html=texts.html(body, data.line_of("body"), problems),
        title=read_text(data, "title", path, problems, required=True, where=f" from outcome '{oid}'"),
        how_soon=read_text(data, "how_soon", path, problems),
        next_steps=read_text_list(data, "next_steps", path, problems),
        tips=tips,
        booking=read_booking(data, path, problems),
        show_scores=read_bool(data, "show_scores", path, problems),
    )
    if urgency == "emergency" and (outcome.tips or outcome.booking or outcome.show_scores):
        problems.append(problem(path, data.line, f"Outcome '{oid}' is an emergency, so it must not show tips, "
                                "scores or the booking link", "An emergency result only says: call 999 or go to A&E."))
    if urgency == "urgent" and outcome.booking:
        problems.append(problem(path, data.line_of("booking"), f"Outcome '{oid}' is urgent, so it must not show the "
                                "booking link", "An urgent result only says: see a GP today or call 111."))
    return outcome


def read_booking(data: YamlMap, path, problems) -> str:
    """'booking: true' is the main booking button; 'booking: secondary' a plain link after the next steps."""
    value = data.get("booking", False)
    if isinstance(value, bool):
        return BOOKING_STYLES[0] if value else ""
    if value in BOOKING_STYLES[1:]:
        return value
    problems.append(problem(path, data.line_of("booking"), f"'booking' must be true, false or secondary, got '{value}'",
                            "Write true for the booking button, or secondary for a plain link after the next "
                            "steps (when the main action is someone else's, such as a GP)."))
    return ""


def read_rules(data: YamlMap, path, problems, questions, flags, scores, outcomes) -> list[Rule]:
    """The ordered rules; the last must be the catch-all 'otherwise'."""
    names = Names({q.id: q for q in questions}, {}, flags, {s.id: s for s in scores}, "a rule")
    known = [o.id for o in outcomes]
    rules, catch_all_line = [], None
    maps = read_maps(data, "rules", path, problems, required=True)
    for m in maps:
        rule = read_rule(m, names, known, path, problems)
        if catch_all_line is not None:
            problems.append(problem(path, m.line, f"This rule comes after the catch-all on line {catch_all_line}, "
                                    "so it can never be used", "Move the 'otherwise' rule to the end."))
        if rule is not None:
            rules.append(rule)
            if rule.catch_all and catch_all_line is None:
                catch_all_line = rule.line
    if maps and catch_all_line is None:
        problems.append(problem(path, data.line_of("rules"), "The last rule must be a catch-all "
                                "('- otherwise: outcome-id')", "Add it so that every set of answers has a result."))
    return rules


def read_rule(data: YamlMap, names: Names, known, path, problems) -> Rule | None:
    """'- when: condition / outcome: id' or '- otherwise: id'."""
    check_keys(data, RULE_KEYS, path, problems, " in a rule")
    if "otherwise" in data:
        if "when" in data or "outcome" in data:
            problems.append(problem(path, data.line, "A catch-all rule has only 'otherwise: outcome-id'",
                                    "Remove 'when' and 'outcome' from it, or make it a normal rule."))
        outcome = read_outcome_id(data, "otherwise", known, path, problems)
        return Rule(Always(data.line), outcome, data.line) if outcome else None
    outcome = read_outcome_id(data, "outcome", known, path, problems)
    if "when" not in data:
        problems.append(problem(path, data.line, "A rule needs 'when:' (or is the catch-all 'otherwise:')"))
        return None
    when = read_condition(data["when"], data.line_of("when"), names, path, problems)
    return Rule(when, outcome, data.line) if when is not None and outcome else None


def read_outcome_id(data: YamlMap, key: str, known, path, problems) -> str:
    """The outcome a rule leads to, which must exist."""
    oid = read_text(data, key, path, problems, required=True, where=" from this rule")
    if oid and oid not in known:
        problems.append(problem(path, data.line_of(key), f"Unknown outcome '{oid}'",
                                suggest(oid, known) or "Use the 'id' of one of the outcomes."))
        return ""
    return oid


# ---- Whole-quiz checks ----

def check_red_flags(questions: list[Question], path, problems) -> None:
    """Red-flag questions come first, are required and are always shown (clinical brief)."""
    plain_seen = None
    for q in questions:
        red = [f for f in RED_FLAGS if any(f in o.raises for o in q.options)]
        if not red:
            plain_seen = plain_seen or q
            continue
        if plain_seen is not None:
            problems.append(problem(path, q.line, f"Question '{q.id}' has {red[0]} options, so it must come before "
                                    f"question '{plain_seen.id}' (line {plain_seen.line}), which has none",
                                    "Put the red-flag questions first."))
        if not q.required:
            problems.append(problem(path, q.line, f"Question '{q.id}' has {red[0]} options, so it must be required",
                                    "Remove 'required: false': a blank answer never counts as 'no'."))
        if q.show_if is not None:
            problems.append(problem(path, q.line, f"Question '{q.id}' has {red[0]} options, so it must always be "
                                    "shown", "Remove its 'show_if'."))


def check_unused(questions, scores, outcomes, rules, flags, data, path, problems) -> None:
    """Outcomes no rule names, and declared flags nothing raises, are probably mistakes."""
    used = {r.outcome for r in rules}
    for m in read_maps(data, "rules", path, []):   # rules with other mistakes still count as using it
        used.update(str(m.get(key)) for key in ("outcome", "otherwise"))
    for outcome in outcomes:
        if outcome.id not in used and outcome.id:
            problems.append(problem(path, outcome.line, f"Outcome '{outcome.id}' is not used by any rule",
                                    "Add a rule that leads to it, or remove it."))
    raised = {f for q in questions for o in q.options for f in o.raises}
    for flag in flags:
        if flag not in BUILT_IN_FLAGS and flag not in raised:
            problems.append(problem(path, data.line_of("flags"), f"The flag '{flag}' is declared but no option "
                                    "raises it", f"Add 'flags: [{flag}]' to an option, or remove it.",
                                    severity="warning"))


def check_dates(quiz: Quiz, data: YamlMap, path, problems) -> None:
    """The next review must come after the last one."""
    if quiz.reviewed and quiz.next_review and quiz.next_review <= quiz.reviewed:
        problems.append(problem(path, data.line_of("next_review"), f"'next_review' ({quiz.next_review}) must come "
                                f"after 'reviewed' ({quiz.reviewed})"))
