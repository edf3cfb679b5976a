"""Builders for the reference models: the HH unmyelinated cable and the MRG axon.

Both lie on the x axis centred at the origin (µm), so a source at (0, R, 0) sits at
distance R perpendicular to the midpoint. Activation is watched at the far (x > 0) end.
"""

from __future__ import annotations

import math

import numpy as np

from drgstim import units
from drgstim.biophysics import _data
from drgstim.biophysics.morphology import Morphology, Periaxonal, Section
from drgstim.errors import InputError

__all__ = ["hh_cable", "mrg_axon", "mrg_geometry"]

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
        y = np.asarray(table[key])
        if diameter_um < d[0]:  # linear extrapolation from the first two rows
            slope = (y[1] - y[0]) / (d[1] - d[0])
            out[key] = float(y[0] + slope * (diameter_um - d[0]))
        else:
            out[key] = float(np.interp(diameter_um, d, y))
    return out


def _xraxial_ohm_per_cm(rho_ohm_cm: float, inner_d_um: float, space_um: float) -> float:
    # periaxonal annulus of width `space_um` around a core of diameter `inner_d_um`
    r_in = units.cm_from_um(inner_d_um / 2.0)
    r_out = units.cm_from_um(inner_d_um / 2.0 + space_um)
    return rho_ohm_cm / (math.pi * (r_out**2 - r_in**2))


def mrg_axon(
    *, diameter_um: float, nodes: int = 21, temperature_C: float | None = None
) -> Morphology:
    """An MRG double-cable axon with ``nodes`` nodes (ends are nodes), McIntyre et al. 2002."""
    if nodes < 3:
        raise InputError("nodes", nodes, ">= 3")
    g = mrg_geometry(diameter_um=diameter_um)
    m = _data.load("mrg.json")

    def v(key: str) -> float:
        return float(m[key]["value"])

    rho = v("axial_resistivity_ohm_cm")
    fd, ad, nd = diameter_um, g["axon_diameter_um"], g["node_diameter_um"]
    n_stin = int(m["stin_per_internode"]["value"])
    node_len, mysa_len, flut_len = v("node_length_um"), v("mysa_length_um"), g["flut_length_um"]
    stin_len = (g["internode_length_um"] - node_len - 2 * mysa_len - 2 * flut_len) / n_stin
    lam = g["lamellae"]
    wall_g = v("myelin_g_S_per_cm2_per_lamella") / (2.0 * lam)
    wall_c = v("myelin_cm_uF_per_cm2_per_lamella") / (2.0 * lam)
    e_pas = v("e_pas_mV")
    kinds = {
        "node": (nd, node_len, "mrg_node", v("node_cm_uF_per_cm2"), 0.0, rho, None),
        "mysa": (fd, mysa_len, "pas", 2.0 * nd / fd, v("mysa_g_pas_S_per_cm2") * nd / fd,
                 rho / (nd / fd) ** 2, (nd, v("periaxonal_space_node_um"))),
        "flut": (fd, flut_len, "pas", 2.0 * ad / fd, v("flut_stin_g_pas_S_per_cm2") * ad / fd,
                 rho / (ad / fd) ** 2, (ad, v("periaxonal_space_flut_um"))),
        "stin": (fd, stin_len, "pas", 2.0 * ad / fd, v("flut_stin_g_pas_S_per_cm2") * ad / fd,
                 rho / (ad / fd) ** 2, (ad, v("periaxonal_space_stin_um"))),
    }  # fmt: skip
    order = ["mysa", "flut"] + ["stin"] * n_stin + ["flut", "mysa"]
    sequence = ["node"]
    for _ in range(nodes - 1):
        sequence += [*order, "node"]
    total = sum(kinds[k][1] for k in sequence)
    x = -total / 2.0
    sections: list[Section] = []
    for idx, kind in enumerate(sequence):
        diam, length, mech, cm, gpas, ra, annulus = kinds[kind]
        if kind == "node":
            layer = Periaxonal(
                _xraxial_ohm_per_cm(rho, nd, v("periaxonal_space_node_um")), 1e10, 0.0
            )
            params: dict[str, float] = {}
        else:
            assert annulus is not None
            layer = Periaxonal(_xraxial_ohm_per_cm(rho, *annulus), wall_g, wall_c)
            params = {"g_S_per_cm2": gpas, "e_mV": e_pas}
        sections.append(
            Section(
                name=f"{kind}{idx}",
                length_um=length,
                diameter_um=diam,
                mechanism=mech,
                start_um=(x, 0.0, 0.0),
                end_um=(x + length, 0.0, 0.0),
                parent=sections[-1].name if sections else None,
                cm_uF_per_cm2=cm,
                ra_ohm_cm=ra,
                parameters=params,
                periaxonal=layer,
            )
        )
        x += length
    celsius = v("temperature_C") if temperature_C is None else temperature_C
    return Morphology(
        name="mrg",
        sections=tuple(sections),
        detect_section=sections[-1].name,
        v_rest_mV=v("v_rest_mV"),
        temperature_C=celsius,
    )
