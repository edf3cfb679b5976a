"""Reference figures the pages show come from the layer that owns them."""

from __future__ import annotations

from drgstim.web.reference import trial_success_threshold_pct


def test_trial_success_line_is_the_pivotal_trial_criterion() -> None:
    assert trial_success_threshold_pct() == 50.0  # ACCURATE: >= 50 % reduction
