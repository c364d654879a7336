"""The JSON the page embeds: plain data, everything decided by the build, nothing to re-derive."""
from __future__ import annotations

import json

from signpost.quiz.export import quiz_data
from tests.quiz.helpers import CLINIC_QUIZ, fixture, load_file


def test_clinic_quiz_exports_plain_json():
    data = quiz_data(load_file(CLINIC_QUIZ))
    assert json.loads(json.dumps(data)) == data
    assert data["slug"] == "should-i-see-someone" and data["stop_flag"] == "emergency"
    assert [q["id"] for q in data["questions"]][:3] == ["emergency-signs", "urgent-signs", "gp-signs"]
    assert data["rules"][0] == {"when": {"flag": "emergency"}, "outcome": "call-999"}
    assert data["rules"][2]["when"] == {"question": "gp-signs", "is": ["pregnant"]}
    assert data["rules"][3] == {"when": {"flag": "gp"}, "outcome": "see-gp"}
    # Where quizzes end once the result is settled (an emergency answer ends it by itself).
    assert data["settled"] == {"urgent-signs": ["urgent-help"], "gp-signs": ["midwife-or-gp", "see-gp"],
                               "age": ["see-gp"], "new-pain": ["see-gp"], "how-long": ["book"],
                               "running-worse": ["book"], "leg": ["book"], "bother": ["book"]}
    assert data["rules"][-1] == {"when": {"always": True}, "outcome": "self-care"}
    running = next(q for q in data["questions"] if q["id"] == "running-worse")
    assert running["show_if"] == {"question": "runs", "is": ["yes"]}


def test_not_sure_exports_the_flags_it_really_raises():
    red = quiz_data(load_file(CLINIC_QUIZ))["questions"][0]
    assert red["options"][-2] == {"id": "not-sure", "raises": ["emergency"]}   # "none" keys are left out
    assert red["options"][0] == {"id": "numb-saddle", "raises": ["emergency"]}
    assert red["options"][-1]["exclusive"] is True


def test_reverse_scored_points_are_exported_already_reversed():
    data = quiz_data(fixture("orebro-like.yml"))
    sleep = next(q for q in data["questions"] if q["id"] == "sleep")
    assert [o.get("points", 0) for o in sleep["options"]] == list(range(10, -1, -1))   # 0 is left out
    assert sleep["max_points"] == 10
    assert data["rules"][0]["when"] == {"score": "risk", "at_least": 50, "at_most": None, "above": None, "below": None}


def test_counts_and_strict_limits_and_rounding_are_exported():
    data = quiz_data(fixture("oswestry-like.yml"))
    assert data["scores"] == [{"id": "odi", "label": "Disability index", "percent": True, "min_answered": 8,
                               "round": 0}]
    assert [rule["when"] for rule in data["rules"][:3]] == [
        {"score": "odi", "counts": False},
        {"score": "odi", "at_least": None, "at_most": None, "above": 80, "below": None},
        {"score": "odi", "at_least": None, "at_most": None, "above": 60, "below": None}]
    assert data["outcomes"][-1] == {"id": "too-few-answers", "urgency": "neutral", "show_scores": True}
    assert quiz_data(fixture("orebro-like.yml"))["scores"][0]["round"] == 1    # the default; unused by a plain score
