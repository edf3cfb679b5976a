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

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

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
    sections_for,
)
from drgstim.biophysics.morphology import CompartmentArrays, Morphology
from drgstim.biophysics.morphology import Section as MSection
from drgstim.errors import InputError

__all__ = [
    "DEFAULT_DIAMETER_um",
    "build_abeta",
    "build_adelta",
    "build_c",
    "build_drg",
    "drg_lane_arrays",
]

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


def _pieces(s: Section, fibre: MrgFibre) -> tuple[str | None, ...]:
    """What geometry section ``s`` of a myelinated neuron becomes, in order: MRG piece kinds
    (a node, or an internode's MYSA/FLUT/STIN pieces), or ``None`` for one section of its
    own geometry (soma, initial segment)."""
    if s.kind in (SectionKind.SOMA, SectionKind.INITIAL_SEGMENT):
        return (None,)
    return ("node",) if s.kind is SectionKind.NODE else fibre.internode_order


def _myelinated(sections: list[Section], *, name: str, fibre_diameter_um: float) -> Morphology:
    mrg = _data.load("mrg.json")
    v_rest = float(mrg["v_rest_mV"]["value"])
    celsius = float(mrg["temperature_C"]["value"])
    fibre = mrg_fibre(diameter_um=fibre_diameter_um)
    out: list[MSection] = []
    last: dict[str, str] = {}  # geometry section → name of its last built section
    for s in sections:
        parent = last[s.parent] if s.parent is not None else None
        if _pieces(s, fibre) == (None,):
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


def drg_lane_arrays(
    kind: DrgType | str, *, diameters_um: Sequence[float]
) -> tuple[Morphology, list[CompartmentArrays]]:
    """Neurons of one type at many fibre diameters, without building each as sections.

    Returns the neuron at the first diameter (its topology, mechanisms, temperature and
    detection site are every lane's) and each diameter's compartment arrays, equal bit for
    bit to ``build_drg(kind, diameter_um=d).compartment_arrays()`` (tested). Only the
    geometry (``geometry.sections_for``) and the MRG fibre (``cells.mrg_fibre``) are made
    per diameter; the MRG pieces, positions and compartments of all diameters are computed
    at once with NumPy, one step per section of the neuron, not per section and neuron.
    The builders' default options (no Na⁺ dynamics, no Ca²⁺/SK).
    """
    kind = DrgType(kind)
    ds = [float(d) for d in diameters_um]
    if not ds:
        raise InputError("diameters_um", ds, "one or more diameters")
    cell = build_drg(kind, diameter_um=ds[0])
    geoms = [sections_for(kind, diameter_um=d) for d in ds]
    fibres = [mrg_fibre(diameter_um=d) for d in ds] if kind is not DrgType.C else []
    plan = _Plan.of(cell, geoms[0], fibres[0] if fibres else None)
    built = plan.built(geoms, fibres)
    return cell, plan.compartments(cell, built, fibres)


_KINDS = ("node", "mysa", "flut", "stin")
_Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class _Plan:
    """Where each built section and compartment of a neuron type comes from."""

    geometry: npt.NDArray[np.int64]  # (B,) geometry section of each built section
    piece: npt.NDArray[np.int64]  # (B,) index in _KINDS, −1: the geometry section itself
    position: npt.NDArray[np.int64]  # (B,) order within its geometry section
    section: npt.NDArray[np.int64]  # (n,) built section of each compartment (junction: its end's)
    fraction: _Array  # (n,) (k + 0.5) / nseg; junctions: the end, 0 or 1
    junction: npt.NDArray[np.bool_]  # (n,)

    @classmethod
    def of(cls, cell: Morphology, geometry: list[Section], fibre: MrgFibre | None) -> _Plan:
        rows = [
            (g, -1 if k is None else _KINDS.index(k), j)
            for g, s in enumerate(geometry)
            for j, k in enumerate((None,) if fibre is None else _pieces(s, fibre))
        ]
        if len(rows) != len(cell.sections):
            raise AssertionError("the plan and the builder disagree")  # pragma: no cover
        number = {s.name: b for b, s in enumerate(cell.sections)}
        section, fraction, junction = [], [], []
        for c in cell.compartments():
            if c.junction:  # the stand-in "<section>(<x>)" sits on that section's end
                at, x = c.section.name[:-1].rsplit("(", 1)
                section.append(number[at])
                fraction.append(float(x))
            else:
                section.append(number[c.section.name])
                fraction.append((c.index + 0.5) / c.section.nseg)
            junction.append(c.junction)
        g, p, j = (np.array(v, dtype=np.int64) for v in zip(*rows, strict=True))
        return cls(g, p, j, np.array(section), np.array(fraction), np.array(junction))

    def built(self, geoms: list[list[Section]], fibres: list[MrgFibre]) -> dict[str, _Array]:
        """Per built section and lane (B, L): length, diameter, start and end (B, 3, L)."""
        g, piece = self.geometry, self.piece
        glen = np.array([[s.length_um for s in geo] for geo in geoms]).T  # (G, L)
        gdiam = np.array([[s.diameter_um for s in geo] for geo in geoms]).T
        gstart = np.array([[s.start_um for s in geo] for geo in geoms]).transpose(1, 2, 0)
        gend = np.array([[s.end_um for s in geo] for geo in geoms]).transpose(1, 2, 0)
        direction = np.array([s.direction for s in geoms[0]])  # (G, 3), the same for all
        own = piece < 0
        length, diam = glen[g], gdiam[g]
        start, end = gstart[g], gend[g]
        if fibres:
            plen = np.array([[f.pieces[k].length_um for k in _KINDS] for f in fibres]).T
            pdiam = np.array([[f.pieces[k].diameter_um for k in _KINDS] for f in fibres]).T
            regular = np.array([f.internode_length_um - f.pieces["node"].length_um for f in fibres])
            scale = np.where((piece == 0)[:, None], 1.0, glen[g] / regular[None, :])
            k = np.maximum(piece, 0)
            length = np.where(own[:, None], length, plen[k] * scale)
            diam = np.where(own[:, None], diam, pdiam[k])
            # pieces follow one another from their geometry section's start, one at a time
            for j in range(int(self.position.max()) + 1):
                at = np.flatnonzero(~own & (self.position == j))
                start[at] = gstart[g[at]] if j == 0 else end[at - 1]
                end[at] = start[at] + direction[g[at]][:, :, None] * length[at][:, None, :]
        return {"length": length, "diameter": diam, "start": start, "end": end}

    def compartments(
        self, cell: Morphology, built: dict[str, _Array], fibres: list[MrgFibre]
    ) -> list[CompartmentArrays]:
        """Each lane's compartment arrays from its built sections."""
        first = cell.compartment_arrays()
        sec, f, junction = self.section, self.fraction, self.junction
        nseg = np.array([s.nseg for s in cell.sections])[sec]
        start, end = built["start"][sec], built["end"][sec]
        centre = np.where(
            junction[:, None, None], np.where(f[:, None, None] == 1.0, end, start),
            start + f[:, None, None] * (end - start),
        )  # fmt: skip
        length = np.where(junction[:, None], 0.0, built["length"][sec] / nseg[:, None])
        diameter = built["diameter"][sec]
        lanes = diameter.shape[1]
        fixed = self.piece[sec] < 0
        # membrane and periaxonal layer: a piece's from its lane's fibre; the rest (soma,
        # initial segment, C sections, junction stand-ins) does not depend on the diameter
        names = ("cm_uF_per_cm2", "ra_ohm_cm", "xraxial_ohm_per_cm", "xg_S_per_cm2",
                 "xc_uF_per_cm2")  # fmt: skip
        values = {n: np.repeat(getattr(first, n)[:, None], lanes, axis=1) for n in names}
        params = [list(first.parameters) for _ in range(lanes)]
        if fibres:
            kind = self.piece[sec]
            # a junction stand-in has the default cm and no membrane, but the Ra and
            # periaxonal layer of the piece it ends
            of_piece = np.flatnonzero(~fixed & ~junction)
            at_piece = np.flatnonzero(~fixed)
            for lane, fibre in enumerate(fibres):
                pieces = [fibre.pieces[k] for k in _KINDS]
                table = {
                    "cm_uF_per_cm2": [p.cm_uF_per_cm2 for p in pieces],
                    "ra_ohm_cm": [p.ra_ohm_cm for p in pieces],
                    "xraxial_ohm_per_cm": [p.periaxonal.xraxial_ohm_per_cm for p in pieces],
                    "xg_S_per_cm2": [p.periaxonal.xg_S_per_cm2 for p in pieces],
                    "xc_uF_per_cm2": [p.periaxonal.xc_uF_per_cm2 for p in pieces],
                }
                for n in names:
                    rows = of_piece if n == "cm_uF_per_cm2" else at_piece
                    values[n][rows, lane] = np.asarray(table[n])[kind[rows]]
                own = params[lane]
                for i in of_piece.tolist():
                    own[i] = pieces[kind[i]].parameters
        return [
            CompartmentArrays(
                parent=first.parent,
                mechanism=first.mechanism,
                centre_um=np.ascontiguousarray(centre[:, :, lane]),
                length_um=np.ascontiguousarray(length[:, lane]),
                diameter_um=np.ascontiguousarray(diameter[:, lane]),
                **{n: np.ascontiguousarray(values[n][:, lane]) for n in names},
                parameters=tuple(params[lane]),
                section_index=first.section_index,
            )
            for lane in range(lanes)
        ]
