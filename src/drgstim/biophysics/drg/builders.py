"""Build DRG neurons as :class:`~drgstim.biophysics.morphology.Morphology` (part 1's cell
description), from the cited geometry of :mod:`drgstim.biophysics.drg.geometry`.

Layout (see ``geometry``): soma centre at the origin; initial segment and stem along +y
to the T-junction; peripheral axon along −x, central axon along +x; the detection site
(``detect_section``, ``detect_x = 1``) is the central axon's far end.

Membranes are those of the interim solver (:mod:`drgstim.biophysics.drg.cable`): MRG 2002
nodes (``mrg_node``) and lumped-myelin internodes (``pas``) on one cable for Aβ/Aδ, the
Sundt et al. 2015 membrane (``sundt``) on every section of a C neuron with the M current
only in the T-junction pieces. A section has one diameter: internodes use the axon's
diameter for axial resistance and carry the myelin's capacitance and conductance scaled
by fibre/axon diameter, so charge per unit length is that of the sheath.
"""

from __future__ import annotations

from drgstim.biophysics.channels import sundt
from drgstim.biophysics.drg import cable
from drgstim.biophysics.drg.geometry import (
    DrgType,
    Section,
    abeta_sections,
    adelta_sections,
    c_sections,
)
from drgstim.biophysics.morphology import Morphology
from drgstim.biophysics.morphology import Section as MSection

__all__ = ["build_abeta", "build_adelta", "build_c", "build_drg"]

_MECH_NAMES = {0: "pas", 1: sundt.NAME, 2: "mrg_node"}


def _to_morphology(kind: DrgType, sections: list[Section], *, name: str) -> Morphology:
    fibre_d = next(s.diameter_um for s in sections if s.region == "central")
    out: list[MSection] = []
    ra = cable._ra(kind)
    p_sundt = sundt.sundt_parameters()
    for s in sections:
        mech, cm, g, d_mem, d_ax = cable._membrane(s, kind, fibre_d)
        scale = d_mem / d_ax  # membrane per unit length on the axial diameter
        if mech == 1:  # Sundt
            params = dict(zip(sundt.PARAMETERS, [*g, p_sundt.na_shift_mV], strict=True))
        elif mech == 2:  # MRG node
            keys = ("gnabar_S_per_cm2", "gnapbar_S_per_cm2", "gkbar_S_per_cm2", "gl_S_per_cm2")
            params = dict(zip((*keys, "ena_mV", "ek_mV", "el_mV"), g, strict=True))
        else:
            params = {"g_S_per_cm2": g[3] * scale, "e_mV": g[6]}
        out.append(
            MSection(
                name=s.name, length_um=s.length_um, diameter_um=d_ax, mechanism=_MECH_NAMES[mech],
                start_um=s.start_um, end_um=s.end_um, nseg=s.nseg, parent=s.parent,
                parent_x=1.0, cm_uF_per_cm2=cm * scale, ra_ohm_cm=ra, parameters=params,
            )
        )  # fmt: skip
    detect = next(s.name for s in sections if s.detection)
    rest = p_sundt.v_rest_mV if kind is DrgType.C else cable._redf("v_rest_mV")
    temperature = p_sundt.temperature_C if kind is DrgType.C else cable._redf("temperature_C")
    return Morphology(
        name=name, sections=tuple(out), detect_section=detect, detect_x=1.0,
        v_rest_mV=rest, temperature_C=temperature,
    )  # fmt: skip


def build_abeta(*, diameter_um: float = 10.0, soma_diameter_um: float | None = None) -> Morphology:
    """Aβ neuron (fibre 5.7–16 µm; soma 60–100 µm, default 80 µm)."""
    sections = abeta_sections(fibre_diameter_um=diameter_um, soma_diameter_um=soma_diameter_um)
    return _to_morphology(DrgType.ABETA, sections, name=f"abeta_{diameter_um:g}um")


def build_adelta(*, diameter_um: float = 2.5, soma_diameter_um: float | None = None) -> Morphology:
    """Aδ neuron (fibre 2–3 µm; soma about 30 µm)."""
    sections = adelta_sections(fibre_diameter_um=diameter_um, soma_diameter_um=soma_diameter_um)
    return _to_morphology(DrgType.ADELTA, sections, name=f"adelta_{diameter_um:g}um")


def build_c(*, diameter_um: float = 0.8) -> Morphology:
    """C neuron (Sundt et al. 2015): peripheral axon ``diameter_um``, central half of it."""
    sections = c_sections(peripheral_diameter_um=diameter_um)
    return _to_morphology(DrgType.C, sections, name=f"c_{diameter_um:g}um")


def build_drg(kind: DrgType | str, *, diameter_um: float | None = None) -> Morphology:
    """The builder of one type, with its default diameter unless given."""
    kind = DrgType(kind)
    builders = {DrgType.ABETA: build_abeta, DrgType.ADELTA: build_adelta, DrgType.C: build_c}
    if diameter_um is None:
        return builders[kind]()
    return builders[kind](diameter_um=diameter_um)
