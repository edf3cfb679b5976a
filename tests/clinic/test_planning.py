"""DRG target planning: ranking, lead plan, coverage, bilateral maps, the 4-lead cap."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from drgstim.anatomy import PainEntry, PainMap, Region, Side, parse_region_arg
from drgstim.clinic.planning import plan_targets
from drgstim.errors import InputError


def _plan(*args: str, max_leads: int = 4) -> dict:  # type: ignore[type-arg]
    return plan_targets(PainMap(parse_region_arg(a) for a in args), max_leads=max_leads).to_dict()


def _leads(plan: dict) -> set[tuple[str, str]]:  # type: ignore[type-arg]
    return {(lead["level"], lead["side"]) for lead in plan["leads"]}


@pytest.mark.parametrize(
    ("region", "expected"),
    [("knee", {"L3"}), ("groin", {"T12", "L1"}), ("foot_top", {"L5"}), ("foot_bottom", {"S1"}),
     ("toes", {"L5", "S1"}), ("lower_back", {"L2"}), ("hip", {"L1", "L2"}), ("ankle", {"L4", "L5"}),
     ("thigh_front", {"L2", "L3"}), ("lower_leg_front", {"L4", "L5"})],
)  # fmt: skip
def test_single_region_gets_spec_levels(region: str, expected: set[str]) -> None:
    plan = _plan(f"{region}:left:7")
    assert {level for level, _ in _leads(plan)} == expected
    assert plan["targets"][0]["level"] in expected and plan["targets"][0]["side"] == "left"
    assert plan["uncovered"] == [] and plan["warnings"] == []
    assert all(lead["covers"] == [region] for lead in plan["leads"])


def test_score_is_weight_times_intensity_best_first() -> None:
    plan = _plan("knee:left:7")
    scores = [t["score"] for t in plan["targets"]]
    assert scores == sorted(scores, reverse=True)
    assert plan["targets"][0] == {"level": "L3", "side": "left", "score": 4.2, "regions": ["knee"]}


def test_overlap_adds_scores_across_regions() -> None:
    # Knee (L4 0.3) and ankle (L4 0.35) both load L4: 0.3*6 + 0.35*6 = 3.9.
    plan = _plan("knee:left:6", "ankle:left:6")
    l4 = next(t for t in plan["targets"] if t["level"] == "L4")
    assert l4["score"] == pytest.approx(3.9) and set(l4["regions"]) == {"knee", "ankle"}


def test_unilateral_pain_gets_unilateral_leads() -> None:
    assert {side for _, side in _leads(_plan("knee:right:6", "foot_top:right:5"))} == {"right"}


def test_bilateral_pain_gets_leads_on_both_sides() -> None:
    plan = _plan("foot_top:bilateral:6")
    assert _leads(plan) == {("L5", "left"), ("L5", "right")}
    assert _plan("foot_top:left:6", "foot_top:right:6")["leads"] == plan["leads"]


def test_four_lead_cap_leaves_lowest_intensity_region_uncovered() -> None:
    plan = _plan("knee:bilateral:7", "foot_bottom:bilateral:5", "groin:left:3")
    assert len(plan["leads"]) == 4
    assert plan["uncovered"] == [{"region": "groin", "side": "left"}]
    assert any("uncovered" in w for w in plan["warnings"])


def test_max_leads_is_respected_and_checked() -> None:
    assert len(_plan("knee:left:7", "groin:left:5", max_leads=1)["leads"]) == 1
    for bad in (0, 5):
        with pytest.raises(InputError, match="max_leads"):
            _plan("knee:left:7", max_leads=bad)


def test_warns_outside_t10_s2() -> None:
    plan = _plan("chest_wall:left:6")
    assert plan["leads"] and all(lead["level"].startswith("T") for lead in plan["leads"])
    assert len(plan["warnings"]) == len(plan["leads"])
    assert all("T10–S2" in w for w in plan["warnings"])
    assert _plan("perineum:midline:5")["warnings"], "S3 leads are below S2"


def test_widespread_map_is_warned() -> None:
    plan = _plan("chest_wall:left:5", "foot_top:left:6")
    assert any(w.startswith("widespread pain") for w in plan["warnings"])


def test_no_pain_gives_empty_plan() -> None:
    plan = _plan("knee:left:0")
    assert plan == {"targets": [], "leads": [], "uncovered": [], "warnings": [], "rules": []}


_entries = st.lists(
    st.builds(PainEntry, region=st.sampled_from(list(Region)), side=st.sampled_from(list(Side)),
              intensity=st.floats(min_value=0, max_value=10)),
    max_size=10, unique_by=lambda e: (e.region, e.side),
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(_entries)
# The smallest positive intensity: weight × intensity underflows to 0 (found by hypothesis).
@example([PainEntry(Region.LOWER_BACK, Side.LEFT, 5e-324)])
def test_plan_invariants(entries: list[PainEntry]) -> None:
    pain_map = PainMap(entries)
    plan = plan_targets(pain_map).to_dict()
    assert len(plan["leads"]) <= 4
    assert len(_leads(plan)) == len(plan["leads"])  # no lead twice
    sites = {(r.value, s.value) for r, s in pain_map.sites()}
    covered = {(r, lead["side"]) for lead in plan["leads"] for r in lead["covers"]}
    uncovered = {(u["region"], u["side"]) for u in plan["uncovered"]}
    assert covered <= sites and uncovered <= sites
    if len(plan["leads"]) < 4:
        assert uncovered == set(), "a free lead is never left unused while pain is uncovered"
