"""The acceptance set: realistic cases a pain clinician tried, each with the screening
verdict, the rule that must fire (with its action and primary source), the alternatives
offered and, where DRG suits, the lead plan. Keep these cases; add new ones here."""

from __future__ import annotations

from typing import Any

import pytest

from drgstim.anatomy import PainEntry, PainMap
from drgstim.clinic.planning import plan_targets
from drgstim.clinic.screening import ScreeningInput, screen

ADULT = {"birth_date": "1968-04-11", "assessed_on": "2026-05-04"}
TREATED = {"failed_treatments": ["medication", "nerve_block", "physiotherapy"],
           "medication_classes_tried": 3, "expectations_aligned": True, "neuropathic": True,
           "pain_duration_months": 14, "phq9": 6, "gad7": 4, "pcs": 18}  # fmt: skip


def _case(pain_map: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    return ADULT | TREATED | {"pain_map": pain_map} | changes


KNEE_TKA = _case([{"region": "knee", "side": "right", "intensity": 7}],
                 diagnoses=["post_surgical"], pain_average_nrs=7)  # fmt: skip
GROIN_HERNIA = _case([{"region": "groin", "side": "left", "intensity": 6}],
                     diagnoses=["post_herniorrhaphy"])  # fmt: skip
FOOT_CRPS = _case([{"region": "foot_top", "side": "left", "intensity": 8},
                   {"region": "foot_bottom", "side": "left", "intensity": 7}],
                  diagnoses=["crps1"])  # fmt: skip
PELVIC = _case([{"region": "pelvis", "side": "midline", "intensity": 7}],
               diagnoses=["post_surgical"])  # fmt: skip

# name → (input, verdict, rule that must fire, text in its action, text in its source,
#         alternatives that must be offered)
CASES: dict[str, tuple[dict[str, Any], str, str, str, str, set[str]]] = {
    "knee pain after TKA": (KNEE_TKA, "eligible", "focal_diagnosis", "", "Deer TR, Pope JE", set()),
    "groin after hernia repair": (
        GROIN_HERNIA, "eligible", "focal_diagnosis", "", "Neuromodulation 2019", set()),
    "foot CRPS": (FOOT_CRPS, "eligible", "crps_lower_limb", "", "Axium", set()),
    "pelvic pain": (PELVIC, "eligible", "focal_diagnosis", "", "Deer TR", set()),
    "axial back pain": (
        _case([{"region": "lower_back", "side": "midline", "intensity": 8}],
              diagnoses=["discogenic_low_back_pain"]),
        "not_eligible", "axial_back_main", "do not plan DRG", "Axium",
        {"scs", "radiofrequency", "multidisciplinary"}),
    "fibromyalgia with lower-body regions only": (
        _case([{"region": "knee", "side": "bilateral", "intensity": 6},
               {"region": "thigh_front", "side": "bilateral", "intensity": 6}],
              diagnoses=["fibromyalgia"], neuropathic=False),
        "not_eligible", "fibromyalgia", "stop", "Wolfe F, Clauw DJ",
        {"multidisciplinary", "psychological"}),
    "diabetic neuropathy": (
        _case([{"region": "foot_bottom", "side": "bilateral", "intensity": 7}],
              diagnoses=["diabetic_neuropathy"], conditions=["diabetes"], hba1c_pct=8.6),
        "needs_review", "diabetic_polyneuropathy", "spinal cord stimulation", "Petersen EA",
        {"scs_pdn", "medication"}),
    "anticoagulated (rivaroxaban and clopidogrel)": (
        KNEE_TKA | {"anticoagulants": ["rivaroxaban", "clopidogrel"]},
        "needs_review", "anticoagulant",
        "rivaroxaban: stop 3 days before the procedure, restart 24 h after", "Narouze S", set()),
    "pregnancy": (
        FOOT_CRPS | {"conditions": ["pregnancy"]}, "not_eligible", "pregnancy",
        "defer until after pregnancy", "pregnancy, nursing", {"defer"}),
    "untreated depression (PHQ-9 22, item 9 positive)": (
        GROIN_HERNIA | {"phq9": 22, "phq9_item9": 1}, "needs_review", "severe_depression",
        "psychological evaluation and treatment before any trial", "Kroenke K",
        {"psychological"}),
    "15-year-old": (
        KNEE_TKA | {"birth_date": "2011-01-20"}, "not_eligible", "age_under_18",
        "paediatric pain care", "pediatric use", {"pediatric_pain"}),
    "NRS 3": (
        KNEE_TKA | {"pain_average_nrs": 3}, "not_eligible", "pain_below_floor",
        "treat conservatively", "ACCURATE", {"medication"}),
    "new foot drop (neurological deficit)": (
        FOOT_CRPS | {"neurological_deficit": True}, "not_eligible", "neurological_deficit",
        "refer urgently", "Finucane LM", {"urgent_referral"}),
    "spinal stenosis untreated": (
        FOOT_CRPS | {"conditions": ["untreated_structural_cause"]}, "not_eligible",
        "untreated_structural_cause", "spine care", "Deer TR", {"spine_care"}),
    "active substance use": (
        KNEE_TKA | {"active_substance_use": True}, "needs_review", "substance_use",
        "before any trial", "Neuromodulation 2014", {"psychological"}),
    "immunosuppressed": (
        KNEE_TKA | {"conditions": ["immunosuppression"]}, "needs_review", "immunosuppression",
        "prescriber", "infection prevention", set()),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_acceptance_case(name: str) -> None:
    data, verdict, rule_id, action, source, alternatives = CASES[name]
    result = screen(ScreeningInput.model_validate(data)).to_dict()
    assert result["verdict"] == verdict, result
    fired = {r["id"]: r for r in result["rules"]}
    assert rule_id in fired, sorted(fired)
    assert action in fired[rule_id]["action"]
    assert source in fired[rule_id]["source"]
    offered = {a["id"] for a in result["alternatives"]}
    assert alternatives <= offered
    if verdict == "eligible":
        assert result["alternatives"] == []
    else:
        assert result["alternatives"], "a non-eligible verdict must offer alternatives"
        assert all(a["reason"] and a["source"] for a in result["alternatives"])


def test_before_trial_lists_the_psychological_hold() -> None:
    result = screen(ScreeningInput.model_validate(GROIN_HERNIA | {"phq9": 21}))
    assert [r.id for r in result.before_trial] == ["severe_depression"]
    assert "PHQ-9 21 >= 20" in result.rules[-1].reason or any(
        "PHQ-9 21 >= 20" in r.reason for r in result.rules
    )


def test_age_counts_completed_years() -> None:
    # 18th birthday tomorrow: still 17 → not eligible; on the birthday → eligible.
    eve = KNEE_TKA | {"birth_date": "2008-05-05", "assessed_on": "2026-05-04"}
    day = KNEE_TKA | {"birth_date": "2008-05-04", "assessed_on": "2026-05-04"}
    assert screen(ScreeningInput.model_validate(eve)).verdict == "not_eligible"
    assert screen(ScreeningInput.model_validate(day)).verdict == "eligible"


def test_birth_date_after_assessment_is_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match="birth_date"):
        ScreeningInput.model_validate(KNEE_TKA | {"birth_date": "2027-01-01"})


@pytest.mark.parametrize(
    ("case", "levels"),
    [(KNEE_TKA, {("L3", "right")}),
     (GROIN_HERNIA, {("T12", "left"), ("L1", "left")}),
     (FOOT_CRPS, {("L5", "left"), ("S1", "left")}),
     (PELVIC, {("L1", "left"), ("S2", "left"), ("L1", "right"), ("S2", "right")})],
)  # fmt: skip
def test_eligible_cases_plan_the_published_levels(
    case: dict[str, Any], levels: set[tuple[str, str]]
) -> None:
    pain_map = PainMap(PainEntry.from_dict(e) for e in case["pain_map"])
    plan = plan_targets(pain_map).to_dict()
    assert {(lead["level"], lead["side"]) for lead in plan["leads"]} == levels
    assert all(rule["source"] and rule["action"] for rule in plan["rules"])


def test_every_stop_or_review_rule_names_alternatives_with_sources() -> None:
    from drgstim.clinic._screening_rules import load_rules

    doc = load_rules()
    for rule in doc["rules"]:
        assert (rule["sources"] and rule["action"]) or rule["outcome"] == "supports", rule["id"]
        if rule["outcome"] != "supports":
            assert rule["alternatives"], rule["id"]
            for key in rule["alternatives"]:
                assert doc["alternatives"][key]["sources"], key


def test_hand_crps_is_outside_the_labelled_range_with_alternatives() -> None:
    case = _case([{"region": "hand", "side": "right", "intensity": 8}], diagnoses=["crps1"])
    result = screen(ScreeningInput.model_validate(case)).to_dict()
    assert result["verdict"] == "needs_review"
    fired = {r["id"]: r for r in result["rules"]}
    assert "hand → C7" in fired["outside_labelled_range"]["reason"]
    assert {"pns", "scs"} <= {a["id"] for a in result["alternatives"]}


def test_widespread_pain_across_arms_neck_and_legs_stops() -> None:
    case = _case([{"region": "neck", "side": "midline", "intensity": 6},
                  {"region": "forearm", "side": "bilateral", "intensity": 6},
                  {"region": "knee", "side": "bilateral", "intensity": 6}])  # fmt: skip
    result = screen(ScreeningInput.model_validate(case)).to_dict()
    assert result["verdict"] == "not_eligible"
    assert "ACR 1990" in next(r for r in result["rules"] if r["id"] == "widespread_pain")["reason"]
