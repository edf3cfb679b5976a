"""Build DRG neurons as :class:`~drgstim.biophysics.morphology.Morphology` for the core
batched solver, from the cited geometry of :mod:`drgstim.biophysics.drg.geometry`.

Layout (see ``geometry``): soma centre at the origin; initial segment and stem along +y
to the T-junction; peripheral axon along −x, central axon along +x; the detection site
(``detect_section``, ``detect_x = 1``) is the central axon's far end (a node). A point
source "at distance R" sits at (0, 0, R) (``source_axis``): R from the soma centre,
perpendicular to the plane in which stem and axons lie.

Aβ and Aδ: every node and internode of the stem, the T-junction and both axons is the
MRG double cable of :func:`drgstim.biophysics.cells.mrg_fibre` (node, MYSA, FLUT, 6 STIN,
FLUT, MYSA with the periaxonal layer), built by the same helper as the core ``mrg_axon``.
A shortened internode (stem, beside the T-junction) keeps that structure with every
non-node part shrunk by the same factor. Soma and initial segment carry Amir & Devor
2003's excitable membrane (``channels.fh``: Frankenhaeuser–Huxley at 1/100 of the nodal
Na⁺ permeability, ``fh.json`` ``sensory_soma``), at the cell's 37 °C, with the leak
reversal set so that the MRG resting potential (−80 mV) is an equilibrium.

C: the Sundt et al. 2015 membrane (``sundt``) on every section, the M current only in the
T-junction pieces; the leak reversal of each section makes it rest at −60 mV. With
``sodium_dynamics=True`` every section carries ``sundt_na`` instead: the same membrane
plus intracellular Na⁺ accumulation, a Nernst E_Na and the Tigerholm et al. 2014 Na⁺/K⁺
pump, balanced at rest (Na⁺ leak and leak reversal per section). It is off by default:
Sundt et al. 2015 publish the membrane with fixed E_Na and no pump, and the builders'
default is the published model. With ``calcium_sk=True`` the soma carries ``sundt_ca``
instead: the same membrane plus the L-type Ca²⁺ current, Ca²⁺ pool and SK current of
Sundt et al. 2015's Figure 8c model (ModelDB 187473), which puts them in the soma only
(and its pump and Na⁺ accumulation in the stem and T-junction, not the soma: with both
options the soma has Ca²⁺ and SK, every other section Na⁺ dynamics).
"""

from __future__ import annotations

from dataclasses import replace

from drgstim.biophysics import _data
from drgstim.biophysics.cells import MrgFibre, mrg_fibre, mrg_sections
from drgstim.biophysics.channels import fh, sundt, sundt_ca, sundt_na
from drgstim.biophysics.drg.geometry import (
    DrgType,
    Section,
    SectionKind,
    abeta_sections,
    adelta_sections,
    c_sections,
)
from drgstim.biophysics.morphology import Morphology
from drgstim.biophysics.morphology import Section as MSection
from drgstim.errors import InputError

__all__ = ["DEFAULT_DIAMETER_um", "build_abeta", "build_adelta", "build_c", "build_drg"]

DEFAULT_DIAMETER_um = {DrgType.ABETA: 10.0, DrgType.ADELTA: 2.5, DrgType.C: 0.8}
SOURCE_AXIS = (0.0, 0.0, 1.0)  # a source "at distance R" sits at (0, 0, R)


def _sensory_soma(s: Section, *, v_rest_mV: float, celsius: float) -> MSection:
    """Soma or initial segment: Amir & Devor 2003's reduced Frankenhaeuser–Huxley membrane."""
    d = _data.load("fh.json")["sensory_soma"]
    p = {name: float(d[name]["value"]) for name in fh.PARAMETERS if name in d}
    p["celsius_C"] = celsius
    p["el_mV"] = 0.0
    p["el_mV"] = fh.leak_reversal_mV(p, v_rest_mV=v_rest_mV)
    return MSection(
        name=s.name, length_um=s.length_um, diameter_um=s.diameter_um, mechanism=fh.NAME,
        start_um=s.start_um, end_um=s.end_um, nseg=s.nseg, parent=s.parent,
        cm_uF_per_cm2=float(d["cm_uF_per_cm2"]["value"]),
        ra_ohm_cm=float(d["ra_ohm_cm"]["value"]), parameters=p,
    )  # fmt: skip


def _mrg_part(s: Section, fibre: MrgFibre, parent: str | None) -> list[MSection]:
    """A node, or an internode expanded into MRG's MYSA/FLUT/STIN pieces."""
    if s.kind is SectionKind.NODE:
        (node,) = mrg_sections(
            fibre, ["node"], prefix="", start_um=s.start_um, direction=s.direction, parent=parent
        )
        return [replace(node, name=s.name)]
    regular_um = fibre.internode_length_um - fibre.pieces["node"].length_um
    return mrg_sections(
        fibre,
        fibre.internode_order,
        prefix=f"{s.name}_",
        start_um=s.start_um,
        direction=s.direction,
        parent=parent,
        scale=s.length_um / regular_um,
    )


def _myelinated(sections: list[Section], *, name: str, fibre_diameter_um: float) -> Morphology:
    mrg = _data.load("mrg.json")
    v_rest = float(mrg["v_rest_mV"]["value"])
    celsius = float(mrg["temperature_C"]["value"])
    fibre = mrg_fibre(diameter_um=fibre_diameter_um)
    out: list[MSection] = []
    last: dict[str, str] = {}  # geometry section → name of its last built section
    for s in sections:
        parent = last[s.parent] if s.parent is not None else None
        if s.kind in (SectionKind.SOMA, SectionKind.INITIAL_SEGMENT):
            soma = _sensory_soma(s, v_rest_mV=v_rest, celsius=celsius)
            built = [replace(soma, parent=parent)]
        else:
            built = _mrg_part(s, fibre, parent)
        out.extend(built)
        last[s.name] = built[-1].name
    detect = next(s.name for s in sections if s.detection)
    return Morphology(
        name=name, sections=tuple(out), detect_section=last[detect], detect_x=1.0,
        v_rest_mV=v_rest, temperature_C=celsius,
        source_axis=SOURCE_AXIS,
    )  # fmt: skip


def _sundt_section(s: Section, p: sundt.SundtParameters) -> MSection:
    km = 1.0 if s.region == "tjunction" else 0.0
    values = [
        p.g_na_S_per_cm2, p.g_kdr_S_per_cm2, km * p.g_km_S_per_cm2, p.g_leak_S_per_cm2,
        p.e_na_mV, p.e_k_mV, sundt.leak_reversal_mV(p, km_scale=km), p.na_shift_mV,
    ]  # fmt: skip
    return MSection(
        name=s.name, length_um=s.length_um, diameter_um=s.diameter_um, mechanism=sundt.NAME,
        start_um=s.start_um, end_um=s.end_um, nseg=s.nseg, parent=s.parent,
        cm_uF_per_cm2=p.cm_uF_per_cm2, ra_ohm_cm=p.ra_ohm_cm,
        parameters=dict(zip(sundt.PARAMETERS, values, strict=True)),
    )  # fmt: skip


def build_abeta(*, diameter_um: float = 10.0, soma_diameter_um: float | None = None) -> Morphology:
    """Aβ neuron (fibre 5.7–16 µm; soma 60–100 µm, default 80 µm)."""
    sections = abeta_sections(fibre_diameter_um=diameter_um, soma_diameter_um=soma_diameter_um)
    return _myelinated(sections, name=f"abeta_{diameter_um:g}um", fibre_diameter_um=diameter_um)


def build_adelta(*, diameter_um: float = 2.5, soma_diameter_um: float | None = None) -> Morphology:
    """Aδ neuron (fibre 2–3 µm; soma 29 µm; no initial segment)."""
    sections = adelta_sections(fibre_diameter_um=diameter_um, soma_diameter_um=soma_diameter_um)
    return _myelinated(sections, name=f"adelta_{diameter_um:g}um", fibre_diameter_um=diameter_um)


def _sodium_section(s: Section, p: sundt.SundtParameters) -> MSection:
    """A Sundt section with Na⁺ accumulation and the pump (``sundt_na``), balanced at rest."""
    base = _sundt_section(s, p)
    values = dict(sundt_na.defaults(), **base.parameters)
    values["diameter_um"] = s.diameter_um
    values = sundt_na.rest_balance(values, v_rest_mV=p.v_rest_mV)
    return replace(base, mechanism=sundt_na.NAME, parameters=values)


def _calcium_section(s: Section, p: sundt.SundtParameters) -> MSection:
    """A Sundt section with the L-type Ca²⁺ current, Ca²⁺ pool and SK (``sundt_ca``)."""
    base = _sundt_section(s, p)
    values = dict(sundt_ca.defaults(), **base.parameters)
    values = sundt_ca.rest_balance(values, v_rest_mV=p.v_rest_mV, celsius=p.temperature_C)
    return replace(base, mechanism=sundt_ca.NAME, parameters=values)


def build_c(
    *, diameter_um: float = 0.8, sodium_dynamics: bool = False, calcium_sk: bool = False
) -> Morphology:
    """C neuron (Sundt et al. 2015): peripheral axon ``diameter_um``, central half of it.

    ``sodium_dynamics``: intracellular Na⁺ accumulation, Nernst E_Na and the Na⁺/K⁺ pump
    (``channels.sundt_na``); ``calcium_sk``: the soma's L-type Ca²⁺, Ca²⁺ pool and SK
    current (``channels.sundt_ca``). Both off by default, see the module docstring.
    """
    sections = c_sections(peripheral_diameter_um=diameter_um)
    p = sundt.sundt_parameters()

    def make(s: Section) -> MSection:
        if calcium_sk and s.kind is SectionKind.SOMA:
            return _calcium_section(s, p)
        return _sodium_section(s, p) if sodium_dynamics else _sundt_section(s, p)

    suffix = ("_na" if sodium_dynamics else "") + ("_ca" if calcium_sk else "")
    return Morphology(
        name=f"c_{diameter_um:g}um{suffix}", sections=tuple(make(s) for s in sections),
        detect_section=next(s.name for s in sections if s.detection), detect_x=1.0,
        v_rest_mV=p.v_rest_mV, temperature_C=p.temperature_C, source_axis=SOURCE_AXIS,
    )  # fmt: skip


def build_drg(
    kind: DrgType | str,
    *,
    diameter_um: float | None = None,
    sodium_dynamics: bool = False,
    calcium_sk: bool = False,
) -> Morphology:
    """The builder of one type, with its default diameter unless given.

    ``sodium_dynamics`` and ``calcium_sk`` (C only): see :func:`build_c`.
    """
    kind = DrgType(kind)
    d = DEFAULT_DIAMETER_um[kind] if diameter_um is None else diameter_um
    if kind is DrgType.C:
        return build_c(diameter_um=d, sodium_dynamics=sodium_dynamics, calcium_sk=calcium_sk)
    if sodium_dynamics:
        raise InputError("sodium_dynamics", sodium_dynamics, "False for Aβ and Aδ (C only)")
    if calcium_sk:
        raise InputError("calcium_sk", calcium_sk, "False for Aβ and Aδ (C only)")
    return build_abeta(diameter_um=d) if kind is DrgType.ABETA else build_adelta(diameter_um=d)
