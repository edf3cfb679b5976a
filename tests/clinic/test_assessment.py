"""Assessment: scores within their scales, and the pain map shared with the anatomy layer."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from drgstim.anatomy.pain_map import PainEntry, PainMap
from drgstim.clinic.assessment import Assessment, NRSScores, OutcomeScores, PainSite
from drgstim.errors import InputError


def test_pain_map_round_trips_through_the_anatomy_layer() -> None:
    pain_map = PainMap(
        [
            PainEntry(region="foot_top", side="left", intensity=8, character="burning"),  # type: ignore[arg-type]
            PainEntry(region="knee", side="right", intensity=4),  # type: ignore[arg-type]
        ]
    )
    assessment = Assessment(assessed_on=date(2026, 2, 1), pain_map=Assessment.sites_from(pain_map))
    assert assessment.pain_map[0] == PainSite(
        region="foot_top", side="left", intensity=8, character="burning"
    )
    assert assessment.to_pain_map() == pain_map
    assert Assessment.model_validate(assessment.to_dict()).to_pain_map() == pain_map


def test_unknown_region_is_refused_when_converted() -> None:
    assessment = Assessment(
        assessed_on=date(2026, 2, 1),
        pain_map=(PainSite(region="elbow_of_doom", side="left", intensity=5),),
    )
    with pytest.raises(InputError) as info:
        assessment.to_pain_map()
    assert info.value.field == "region"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("odi_pct", 101),
        ("phq9", 28),
        ("gad7", 22),
        ("pgic", 0),
        ("pcs", 53),
        ("bpi_interference", 10.5),
    ],
)
def test_scores_outside_their_scale_are_refused(field: str, value: float) -> None:
    with pytest.raises(ValidationError, match=field):
        OutcomeScores(**{field: value})


def test_baseline_is_the_average_nrs() -> None:
    scores = OutcomeScores(nrs=NRSScores(average=7.5, worst=9))
    assert Assessment(assessed_on=date(2026, 2, 1), scores=scores).baseline_nrs == 7.5
    with pytest.raises(ValidationError):
        NRSScores(current=11)
