"""Reference figures the web pages hand to their scripts, asked of the layer that owns them
(the device grid is served by the API at ``/api/device/grid``)."""

from __future__ import annotations

from drgstim.clinic.review import SuccessCriteria

__all__ = ["trial_success_threshold_pct"]


def trial_success_threshold_pct() -> float:
    """The primary trial success criterion (≥ this % fall of average NRS from baseline),
    from the clinic layer's criteria (ACCURATE, Deer et al. 2017)."""
    return SuccessCriteria.default().primary_reduction_pct
