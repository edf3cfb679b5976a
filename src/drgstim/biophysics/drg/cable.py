"""Compile DRG neuron geometry into the kernel's arrays, and run batched simulations.

Interim solver for this package (issue 5 part 2) until part 1's batched MRG solver is
wired in: myelinated neurons are single cables (MRG 2002 nodes, lumped myelin, passive
soma and initial segment — see ``drg_reduced.json``); C neurons carry the Sundt et al.
2015 membrane with the M current in the T-junction pieces.

The stimulus is a monopolar point source in a homogeneous isotropic medium,
V = I / (4πσr), placed on the −y axis ``distance_um`` from the soma centre (the layout of
:mod:`drgstim.biophysics.drg.geometry`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

import drgstim.units as units
from drgstim.biophysics.channels import sundt
from drgstim.biophysics.drg import data as drg_data
from drgstim.biophysics.drg import kernel
from drgstim.biophysics.drg.geometry import DrgType, Section, SectionKind, sections_for

__all__ = ["SIGMA_TISSUE_S_PER_M", "CellBatch", "V_DETECT_mV", "compile_batch", "lanes", "run"]

FloatArray = npt.NDArray[np.float64]
V_DETECT_mV = -20.0  # spike = up-crossing of this level (spec: "a fixed level such as 0 mV")
SIGMA_TISSUE_S_PER_M = 0.2  # the spec's default homogeneous medium (threshold CLI default)


@dataclass(frozen=True, kw_only=True)
class CellBatch:
    """Kernel arrays for a batch of cells sharing one tree topology."""

    kind: DrgType
    parent: npt.NDArray[np.int64]
    mech: npt.NDArray[np.int64]
    cm: FloatArray
    g_parent: FloatArray
    g_child: FloatArray
    gpar: FloatArray
    v_rest: FloatArray
    ve_per_uA: FloatArray
    centre_um: FloatArray  # (n, nb, 3)
    detection: int
    peripheral_end: int
    tjunction: int
    dt_ms: float
    sp: FloatArray
    mp: FloatArray


def _red(key: str) -> object:
    return drg_data.value("drg_reduced", key)


def _redf(key: str) -> float:
    return float(drg_data.value("drg_reduced", key))


def _interp_lamellae(d_um: float) -> float:
    table = drg_data.value("drg_reduced", "lamellae_table")
    ds, ns = table["fibre_diameter_um"], table["lamellae"]
    if d_um <= ds[0]:
        return float(ns[0]) * d_um / float(ds[0])
    return float(np.interp(d_um, ds, ns))


def _sundt_vector(p: sundt.SundtParameters) -> FloatArray:
    k, m = p.kdr, p.km
    q = p.na_q10 ** ((p.temperature_C - p.na_reference_temperature_C) / 10.0)
    rt = sundt._rt_over_f_mV(p.temperature_C)
    phi = m["q10"] ** ((p.temperature_C - m["reference_temperature_C"]) / 10.0)
    return np.array(
        [q, p.na_shift_mV, rt, k["alpha0_per_ms"], k["vhalf_n_mV"], k["z_n"], k["gamma_n"],
         k["alpha0_l_per_ms"], k["vhalf_l_mV"], k["z_l"], k["gamma_l"], m["vhalf_mV"],
         m["slope_mV"], m["tau_slope_mV"], m["tau_max_ms"], m["tau_ratio"], phi],
        dtype=np.float64,
    )  # fmt: skip


def _mrg_vector() -> FloatArray:
    t = float(_red("temperature_C"))  # type: ignore[arg-type]
    return np.array([2.2 ** ((t - 20) / 10), 2.9 ** ((t - 20) / 10), 3.0 ** ((t - 36) / 10)])


def _compartments(sections: Sequence[Section]) -> list[tuple[Section, int, FloatArray]]:
    """(section, segment index, centre) in parent-before-child order (sections are)."""
    out = []
    for s in sections:
        start, direction = np.array(s.start_um), np.array(s.direction)
        for j in range(s.nseg):
            out.append((s, j, start + direction * s.length_um * (j + 0.5) / s.nseg))
    return out


def _membrane(
    s: Section, kind: DrgType, fibre_d: float
) -> tuple[int, float, list[float], float, float]:
    """(mechanism, cm, 7 channel values in S/cm² and mV, membrane diameter, axial diameter)."""
    if kind is DrgType.C:
        p = sundt.sundt_parameters()
        km = 1.0 if s.region == "tjunction" else 0.0
        e_leak = sundt.leak_reversal_mV(p, km_scale=km)
        g = [p.g_na_S_per_cm2, p.g_kdr_S_per_cm2, km * p.g_km_S_per_cm2, p.g_leak_S_per_cm2]
        return (
            kernel.MECH_SUNDT,
            p.cm_uF_per_cm2,
            [*g, p.e_na_mV, p.e_k_mV, e_leak],
            s.diameter_um,
            s.diameter_um,
        )
    node = drg_data.value("drg_reduced", "node_channels")
    rest = float(_red("v_rest_mV"))  # type: ignore[arg-type]
    if s.kind is SectionKind.NODE:
        d_node = _redf("node_diameter_fraction") * s.diameter_um
        g = [
            node["g_naf_S_per_cm2"],
            node["g_nap_S_per_cm2"],
            node["g_ks_S_per_cm2"],
            node["g_leak_S_per_cm2"],
        ]
        e = [node["e_na_mV"], node["e_k_mV"], node["e_leak_mV"]]
        return kernel.MECH_MRG_NODE, float(_red("node_cm_uF_per_cm2")), [*g, *e], d_node, d_node  # type: ignore[arg-type]
    if s.kind is SectionKind.INTERNODE:
        two_nl = 2.0 * _interp_lamellae(s.diameter_um)
        scale = _redf("myelin_capacitance_scale")
        c = scale * float(_red("myelin_cm_uF_per_cm2_per_lamella")) / two_nl  # type: ignore[arg-type]
        gm = float(_red("myelin_g_S_per_cm2_per_lamella")) / two_nl  # type: ignore[arg-type]
        d_ax = _redf("axon_diameter_fraction") * s.diameter_um
        return kernel.MECH_PASSIVE, c, [0, 0, 0, gm, 0, 0, rest], s.diameter_um, d_ax
    g_soma = float(_red("soma_g_leak_S_per_cm2"))  # type: ignore[arg-type]
    return kernel.MECH_PASSIVE, 1.0, [0, 0, 0, g_soma, 0, 0, rest], s.diameter_um, s.diameter_um


def _ra(kind: DrgType) -> float:
    if kind is DrgType.C:
        return sundt.sundt_parameters().ra_ohm_cm
    return _redf("rho_axial_ohm_cm")


def compile_batch(
    *, kind: DrgType | str, diameters_um: Sequence[float], distances_um: Sequence[float],
    dt_ms: float, sigma_S_per_m: float = SIGMA_TISSUE_S_PER_M,
) -> CellBatch:  # fmt: skip
    """Arrays for ``len(diameters_um)`` cells of one type, each with its source distance."""
    kind = DrgType(kind)
    trees = [sections_for(kind, diameter_um=d) for d in diameters_um]
    comps = [_compartments(t) for t in trees]
    n, nb = len(comps[0]), len(trees)
    index = {(c[0].name, c[1]): i for i, c in enumerate(comps[0])}
    parent = np.full(n, -1, dtype=np.int64)
    for i, (s, j, _) in enumerate(comps[0]):
        if j > 0:
            parent[i] = index[(s.name, j - 1)]
        elif s.parent is not None:
            par = next(x for x in trees[0] if x.name == s.parent)
            parent[i] = index[(par.name, par.nseg - 1)]
    mech = np.zeros(n, dtype=np.int64)
    cm = np.zeros(n)
    gpar = np.zeros((n, nb, 7))
    area = np.zeros((n, nb))
    half_r = np.zeros((n, nb))  # ohm, axial resistance of half a compartment
    centre = np.zeros((n, nb, 3))
    ra = _ra(kind)
    for b, (cells, fibre_d) in enumerate(zip(comps, diameters_um, strict=True)):
        for i, (s, _, c) in enumerate(cells):
            m, c_m, g, d_mem, d_ax = _membrane(s, kind, fibre_d)
            length_cm = units.cm_from_um(s.length_um / s.nseg)
            mech[i], cm[i] = m, c_m
            gpar[i, b] = g
            gpar[i, b, :4] = units.uA_from_mA(np.asarray(g[:4]))  # S/cm²·mV = mA/cm² → µA/cm²
            area[i, b] = math.pi * units.cm_from_um(d_mem) * length_cm
            half_r[i, b] = ra * (length_cm / 2.0) / (math.pi * units.cm_from_um(d_ax / 2.0) ** 2)
            centre[i, b] = c
    g_axial = np.zeros((n, nb))
    g_axial[1:] = 1.0 / (half_r[1:] + half_r[parent[1:]])  # siemens
    g_parent = units.uA_from_mA(g_axial / area)
    g_child = np.zeros((n, nb))
    g_child[1:] = units.uA_from_mA(g_axial[1:] / area[parent[1:]])
    electrode = np.zeros((nb, 3))
    electrode[:, 1] = -np.asarray(distances_um, dtype=np.float64)
    r_m = units.m_from_um(np.linalg.norm(centre - electrode[None, :, :], axis=2))
    ve_per_uA = units.mV_from_V(
        units.A_from_mA(units.mA_from_uA(1.0)) / (4 * math.pi * sigma_S_per_m * r_m)
    )
    names = [(s.name, j) for s, j, _ in comps[0]]
    det = next(i for i, (s, j, _) in enumerate(comps[0]) if s.detection and j == s.nseg - 1)
    periph_sections = [s for s in trees[0] if s.region == "peripheral"]
    last_periph = periph_sections[-1]
    tj = "stem" if kind is DrgType.C else "tjunction_node"
    tj_sec = next(s for s in trees[0] if s.name == tj)
    v_rest = np.where(
        mech == kernel.MECH_SUNDT, sundt.sundt_parameters().v_rest_mV, _redf("v_rest_mV")
    )
    return CellBatch(
        kind=kind, parent=parent, mech=mech, cm=cm, g_parent=g_parent, g_child=g_child,
        gpar=gpar, v_rest=v_rest.astype(np.float64), ve_per_uA=ve_per_uA, centre_um=centre,
        detection=det, peripheral_end=names.index((last_periph.name, last_periph.nseg - 1)),
        tjunction=names.index((tj_sec.name, tj_sec.nseg - 1)), dt_ms=dt_ms,
        sp=_sundt_vector(sundt.sundt_parameters()), mp=_mrg_vector(),
    )  # fmt: skip


def lanes(batch: CellBatch, keep: npt.NDArray[np.bool_]) -> CellBatch:
    """The same batch restricted to the lanes where ``keep`` is true."""
    return replace(
        batch, g_parent=batch.g_parent[:, keep], g_child=batch.g_child[:, keep],
        gpar=batch.gpar[:, keep], ve_per_uA=batch.ve_per_uA[:, keep],
        centre_um=batch.centre_um[:, keep],
    )  # fmt: skip


def run(
    batch: CellBatch, *, amplitudes_uA: FloatArray, wave: FloatArray,
    injection_uA_per_cm2: FloatArray | None = None, inj_comp: int = -1,
    record: Sequence[int] | None = None, stop_on_spike: bool = True,
    v_init: FloatArray | None = None, gates_init: FloatArray | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], FloatArray, FloatArray]:  # fmt: skip
    """Integrate ``len(wave)`` steps of ``batch.dt_ms``; amplitudes signed (cathodic < 0).

    Returns (spike counts, first spike step) at the recorded compartments (default: the
    detection site), and the final voltages and gates (to continue a run).
    """
    nb = batch.g_parent.shape[1]
    v = np.repeat(batch.v_rest[:, None], nb, axis=1) if v_init is None else v_init.copy()
    if gates_init is None:
        x = kernel.init_gates(batch.mech, v, batch.sp, batch.mp)
    else:
        x = gates_init.copy()
    inj = np.zeros_like(wave) if injection_uA_per_cm2 is None else injection_uA_per_cm2
    rec = np.asarray(record if record is not None else [batch.detection], dtype=np.int64)
    counts, first = kernel.integrate(
        batch.parent, batch.mech, batch.cm, batch.g_parent, batch.g_child, batch.gpar, v, x,
        batch.ve_per_uA, np.asarray(amplitudes_uA, dtype=np.float64), wave, inj_comp, inj, rec,
        batch.dt_ms, batch.sp, batch.mp, stop_on_spike, V_DETECT_mV,
    )  # fmt: skip
    return counts, first, v, x
