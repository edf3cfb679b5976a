"""Builders for the reference models: the HH unmyelinated cable and the MRG axon.

Both lie on the x axis centred at the origin (µm), so a source at (0, R, 0) sits at
distance R perpendicular to the midpoint. Activation is watched at the far (x > 0) end.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from drgstim import units
from drgstim.biophysics import _data
from drgstim.biophysics.morphology import CompartmentArrays, Morphology, Periaxonal, Section
from drgstim.errors import InputError

__all__ = [
    "MrgFibre",
    "MrgPiece",
    "hh_cable",
    "mrg_axon",
    "mrg_fibre",
    "mrg_geometry",
    "mrg_sections",
]

MRG_DIAMETER_RANGE_UM = (2.0, 16.0)


def hh_cable(
    *,
    diameter_um: float,
    length_um: float,
    compartment_um: float,
    temperature_C: float | None = None,
) -> Morphology:
    """An HH cable with sealed ends (NEURON's ``hh``, Ra 35.4 Ω·cm, cm 1 µF/cm²)."""
    data = _data.load("hh.json")
    for name, value in (
        ("diameter_um", diameter_um),
        ("length_um", length_um),
        ("compartment_um", compartment_um),
    ):
        if not value > 0:
            raise InputError(name, value, "> 0 µm")
    nseg = max(1, round(length_um / compartment_um))
    sec = Section(
        name="cable",
        length_um=length_um,
        diameter_um=diameter_um,
        mechanism="hh",
        start_um=(-length_um / 2.0, 0.0, 0.0),
        end_um=(length_um / 2.0, 0.0, 0.0),
        nseg=nseg,
        cm_uF_per_cm2=float(data["cm_uF_per_cm2"]["value"]),
        ra_ohm_cm=float(data["axial_resistivity_ohm_cm"]["value"]),
    )
    celsius = float(data["temperature_C"]["value"]) if temperature_C is None else temperature_C
    return Morphology(
        name="hh",
        sections=(sec,),
        detect_section="cable",
        v_rest_mV=float(data["v_rest_mV"]),
        temperature_C=celsius,
    )


def mrg_geometry(*, diameter_um: float) -> dict[str, float]:
    """MRG geometry at ``diameter_um`` by linear interpolation of the published table."""
    lo, hi = MRG_DIAMETER_RANGE_UM
    if not lo <= diameter_um <= hi:
        raise InputError("diameter_um", diameter_um, f"{lo}–{hi} µm (MRG table, interpolated)")
    table = _data.load("mrg.json")["geometry_table"]
    d = np.asarray(table["fibre_diameter_um"])
    out = {"fibre_diameter_um": diameter_um}
    for key in (
        "axon_diameter_um",
        "node_diameter_um",
        "internode_length_um",
        "flut_length_um",
        "lamellae",
    ):
        out[key] = float(np.interp(diameter_um, d, np.asarray(table[key])))
    return out


def _xraxial_ohm_per_cm(rho_ohm_cm: float, inner_d_um: float, space_um: float) -> float:
    # periaxonal annulus of width `space_um` around a core of diameter `inner_d_um`
    r_in = units.cm_from_um(inner_d_um / 2.0)
    r_out = units.cm_from_um(inner_d_um / 2.0 + space_um)
    return rho_ohm_cm / (math.pi * (r_out**2 - r_in**2))


@dataclass(frozen=True, slots=True)
class MrgPiece:
    """One kind of MRG section (node, MYSA, FLUT or STIN) at one fibre diameter."""

    kind: str
    diameter_um: float
    length_um: float
    mechanism: str
    cm_uF_per_cm2: float
    ra_ohm_cm: float
    parameters: Mapping[str, float]
    periaxonal: Periaxonal


@dataclass(frozen=True, slots=True)
class MrgFibre:
    """The four MRG section kinds of one fibre and the order of one internode."""

    pieces: Mapping[str, MrgPiece]
    internode_order: tuple[str, ...]  # MYSA, FLUT, STIN × n, FLUT, MYSA

    @property
    def internode_length_um(self) -> float:
        """Node-to-node spacing (one node plus one internode)."""
        return self.pieces["node"].length_um + sum(
            self.pieces[k].length_um for k in self.internode_order
        )


def mrg_fibre(*, diameter_um: float) -> MrgFibre:
    """MRG double-cable section kinds at ``diameter_um`` (McIntyre et al. 2002, MRGaxon.hoc)."""
    g = mrg_geometry(diameter_um=diameter_um)
    m = _data.load("mrg.json")

    def v(key: str) -> float:
        return float(m[key]["value"])

    rho = v("axial_resistivity_ohm_cm")
    fd, ad, nd = diameter_um, g["axon_diameter_um"], g["node_diameter_um"]
    n_stin = int(m["stin_per_internode"]["value"])
    node_len, mysa_len, flut_len = v("node_length_um"), v("mysa_length_um"), g["flut_length_um"]
    stin_len = (g["internode_length_um"] - node_len - 2 * mysa_len - 2 * flut_len) / n_stin
    if not stin_len > 0:
        raise InputError("diameter_um", diameter_um, "a diameter whose internode holds its STIN")
    wall_g = v("myelin_g_S_per_cm2_per_lamella") / (2.0 * g["lamellae"])
    wall_c = v("myelin_cm_uF_per_cm2_per_lamella") / (2.0 * g["lamellae"])
    pas = {"e_mV": v("e_pas_mV")}
    node_layer = Periaxonal(_xraxial_ohm_per_cm(rho, nd, v("periaxonal_space_node_um")), 1e10, 0.0)
    pieces = {
        "node": MrgPiece("node", nd, node_len, "mrg_node", v("node_cm_uF_per_cm2"), rho, {},
                         node_layer),
        "mysa": MrgPiece("mysa", fd, mysa_len, "pas", 2.0 * nd / fd, rho / (nd / fd) ** 2,
                         {**pas, "g_S_per_cm2": v("mysa_g_pas_S_per_cm2") * nd / fd},
                         Periaxonal(_xraxial_ohm_per_cm(rho, nd, v("periaxonal_space_node_um")),
                                    wall_g, wall_c)),
        "flut": MrgPiece("flut", fd, flut_len, "pas", 2.0 * ad / fd, rho / (ad / fd) ** 2,
                         {**pas, "g_S_per_cm2": v("flut_stin_g_pas_S_per_cm2") * ad / fd},
                         Periaxonal(_xraxial_ohm_per_cm(rho, ad, v("periaxonal_space_flut_um")),
                                    wall_g, wall_c)),
        "stin": MrgPiece("stin", fd, stin_len, "pas", 2.0 * ad / fd, rho / (ad / fd) ** 2,
                         {**pas, "g_S_per_cm2": v("flut_stin_g_pas_S_per_cm2") * ad / fd},
                         Periaxonal(_xraxial_ohm_per_cm(rho, ad, v("periaxonal_space_stin_um")),
                                    wall_g, wall_c)),
    }  # fmt: skip
    order = ("mysa", "flut", *(["stin"] * n_stin), "flut", "mysa")
    return MrgFibre(pieces=pieces, internode_order=order)


def mrg_sections(
    fibre: MrgFibre,
    kinds: Sequence[str],
    *,
    prefix: str,
    start_um: tuple[float, float, float],
    direction: tuple[float, float, float],
    parent: str | None,
    scale: float = 1.0,
) -> list[Section]:
    """MRG sections of ``kinds`` in a row from ``start_um`` along the unit ``direction``.

    Each section is named ``{prefix}{kind}{index}`` and attached to the one before it (the
    first to ``parent``). ``scale`` multiplies the length of every non-node section (a
    shortened internode keeps the MRG structure and shrinks all its parts alike).
    """
    out: list[Section] = []
    # plain floats, not NumPy 3-vectors: a fibre has hundreds of pieces and small-array
    # arithmetic costs a few µs per operation
    x, y, z = (float(c) for c in start_um)
    ux, uy, uz = (float(c) for c in direction)
    last = parent
    for idx, kind in enumerate(kinds):
        piece = fibre.pieces[kind]
        length = piece.length_um * (1.0 if kind == "node" else scale)
        end = (x + ux * length, y + uy * length, z + uz * length)
        name = f"{prefix}{kind}{idx}"
        # positional (Section's field order) and the piece's parameter mapping shared, not
        # copied: a 21-node axon has 221 sections and 200 fibres build 44 200 of them
        out.append(
            Section(name, length, piece.diameter_um, piece.mechanism, (x, y, z), end, 1, last,
                    1.0, piece.cm_uF_per_cm2, piece.ra_ohm_cm, piece.parameters, piece.periaxonal)
        )  # fmt: skip
        last = name
        x, y, z = end
    return out


def mrg_axon(
    *, diameter_um: float, nodes: int = 21, temperature_C: float | None = None
) -> Morphology:
    """An MRG double-cable axon with ``nodes`` nodes (ends are nodes), McIntyre et al. 2002."""
    if nodes < 3:
        raise InputError("nodes", nodes, ">= 3")
    fibre = mrg_fibre(diameter_um=diameter_um)
    m = _data.load("mrg.json")
    sequence = ["node"]
    for _ in range(nodes - 1):
        sequence += [*fibre.internode_order, "node"]
    total = sum(fibre.pieces[k].length_um for k in sequence)
    sections = mrg_sections(
        fibre,
        sequence,
        prefix="",
        start_um=(-total / 2.0, 0.0, 0.0),
        direction=(1.0, 0.0, 0.0),
        parent=None,
    )
    celsius = float(m["temperature_C"]["value"]) if temperature_C is None else temperature_C
    cell = Morphology(
        name="mrg",
        sections=tuple(sections),
        detect_section=sections[-1].name,
        v_rest_mV=float(m["v_rest_mV"]["value"]),
        temperature_C=celsius,
    )
    cell._set_compartment_arrays(_mrg_arrays(fibre, sequence, -total / 2.0))
    return cell


_KINDS = ("node", "mysa", "flut", "stin")


def _mrg_arrays(fibre: MrgFibre, sequence: Sequence[str], x0: float) -> CompartmentArrays:
    """The compartment arrays of an MRG axon of ``sequence`` pieces starting at ``x0`` on
    the x axis, from the four piece kinds with NumPy (one compartment per section, each
    the child of the one before; the same values as building them section by section)."""
    kind = np.array([_KINDS.index(k) for k in sequence])
    pieces = [fibre.pieces[k] for k in _KINDS]

    def per(values: list[float]) -> npt.NDArray[np.float64]:
        out: npt.NDArray[np.float64] = np.asarray(values, dtype=np.float64)[kind]
        return out

    length = per([p.length_um for p in pieces])
    # section ends: the running sum from x0, added one section at a time as mrg_sections does
    ends = np.cumsum(np.concatenate(([x0], length)))
    centre = np.zeros((kind.size, 3))
    centre[:, 0] = ends[:-1] + 0.5 * (ends[1:] - ends[:-1])
    return CompartmentArrays(
        parent=np.arange(-1, kind.size - 1, dtype=np.int64),
        mechanism=tuple(pieces[k].mechanism for k in kind),
        centre_um=centre,
        length_um=length,
        diameter_um=per([p.diameter_um for p in pieces]),
        cm_uF_per_cm2=per([p.cm_uF_per_cm2 for p in pieces]),
        ra_ohm_cm=per([p.ra_ohm_cm for p in pieces]),
        xraxial_ohm_per_cm=per([p.periaxonal.xraxial_ohm_per_cm for p in pieces]),
        xg_S_per_cm2=per([p.periaxonal.xg_S_per_cm2 for p in pieces]),
        xc_uF_per_cm2=per([p.periaxonal.xc_uF_per_cm2 for p in pieces]),
        parameters=tuple(pieces[k].parameters for k in kind),
        section_index=np.arange(kind.size, dtype=np.int64),
    )
