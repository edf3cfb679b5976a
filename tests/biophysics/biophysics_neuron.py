"""Build a drgstim Morphology in NEURON and run it with the same drive (parity tests).

The mechanisms in ``neuron_models`` (the MRG node; ``sundtna`` + ``nacumd``, the Sundt
membrane with Na⁺ accumulation and the pump, for ``sundt_na``; ``sundtca``, the Sundt
membrane with the soma's Ca²⁺ current, Ca²⁺ pool and SK current, for ``sundt_ca``; ``fhsoma``, the
Frankenhaeuser–Huxley soma membrane, for ``fh``) are compiled once per
content hash into a cache directory under the system temp dir with ``nrnivmodl``.
``e_extracellular`` of every segment plays the same samples the drgstim kernel uses (a
junction compartment, NEURON's zero-area node, is recorded but not driven):
NEURON's fixed-step ``Vector.play(ref, dt)`` applies element k during the step from t_k
to t_(k+1), where the kernel (backward Euler) uses the sample at the step's end, so NEURON
is given ``wave[1:]``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from drgstim.biophysics.morphology import Morphology

MODELS = Path(__file__).parent / "neuron_models"
_OHM_PER_MEGAOHM = 1e6  # NEURON's xraxial is MΩ/cm


@cache
def neuron_available() -> bool:
    """NEURON imports and nrnivmodl compiles our mechanism."""
    try:
        load_mechanisms()
    except Exception:
        return False
    return True


@cache
def load_mechanisms() -> Any:
    from neuron import h

    mods = sorted(MODELS.glob("*.mod"))
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in mods)).hexdigest()[:16]
    cache_dir = Path(tempfile.gettempdir()) / f"drgstim-nrnmech-{digest}"
    lib = next(cache_dir.glob("*/libnrnmech.so"), None) if cache_dir.exists() else None
    if lib is None:
        shutil.rmtree(cache_dir, ignore_errors=True)
        cache_dir.mkdir(parents=True)
        for p in mods:
            shutil.copy(p, cache_dir)
        nrnivmodl = Path(sys.executable).parent / "nrnivmodl"
        subprocess.run(
            [str(nrnivmodl)], cwd=cache_dir, check=True, capture_output=True, env=os.environ.copy()
        )
        lib = next(cache_dir.glob("*/libnrnmech.so"))
    if not hasattr(h, "mrgnode"):
        h.nrn_load_dll(str(lib))
    h.load_file("stdrun.hoc")
    return h


class Built:
    """A cell instantiated in NEURON once; :meth:`run` replays a drive into it."""

    def __init__(self, cell: Morphology, *, ve_mV: np.ndarray, dt_ms: float) -> None:
        h = load_mechanisms()
        self.h, self.cell, self.ve, self.dt = h, cell, ve_mV, dt_ms
        self.secs: dict[str, Any] = {}
        self.na_mM: tuple[float, float] | None = None
        segs: list[Any] = []
        for s in cell.sections:
            sec = h.Section(name=s.name)
            sec.L, sec.diam, sec.nseg, sec.Ra, sec.cm = (
                s.length_um, s.diameter_um, s.nseg, s.ra_ohm_cm, s.cm_uF_per_cm2,
            )  # fmt: skip
            mech = {
                "mrg_node": "mrgnode", "sundt_na": "sundtna", "fh": "fhsoma",
                "sundt_ca": "sundtca",
            }.get(s.mechanism, s.mechanism)  # fmt: skip
            sec.insert(mech)
            sec.insert("extracellular")
            if mech == "sundtna":
                sec.insert("nacumd")
                self.na_mM = (s.parameters["nai_rest_mM"], s.parameters["na_out_mM"])
            for seg in sec:
                if mech == "pas":
                    seg.pas.g = s.parameters.get("g_S_per_cm2", 0.001)
                    seg.pas.e = s.parameters.get("e_mV", -70.0)
                if mech == "sundtna":
                    _set_sundtna(seg.sundtna, s.parameters)
                if mech == "fhsoma":
                    _set_fh(seg.fhsoma, s.parameters)
                if mech == "sundtca":
                    _set_sundtca(seg.sundtca, s.parameters)
                layer = s.periaxonal
                if layer is not None:
                    seg.xraxial[0] = layer.xraxial_ohm_per_cm / _OHM_PER_MEGAOHM
                    seg.xg[0] = layer.xg_S_per_cm2
                    seg.xc[0] = layer.xc_uF_per_cm2
                    seg.xraxial[1] = 1e9
                    seg.xg[1] = 1e10
                    seg.xc[1] = 0.0
                segs.append(seg)
            if s.parent is not None:
                sec.connect(self.secs[s.parent](s.parent_x), 0)
            self.secs[s.name] = sec
        # one NEURON location per drgstim compartment, in drgstim's order; a junction
        # compartment is NEURON's zero-area node at that section end (recorded, not driven)
        pending = iter(segs)
        self.segs = [None if c.junction else next(pending) for c in cell.compartments()]
        self.recs = [
            h.Vector().record(self._junction_ref(c.section.name) if seg is None else seg._ref_v)
            for seg, c in zip(self.segs, cell.compartments(), strict=True)
        ]

    def _junction_ref(self, name: str) -> Any:
        section, x = name[:-1].split("(")
        return self.secs[section](float(x))._ref_v

    def run(
        self,
        *,
        drive: float,
        wave: np.ndarray,
        iclamp: tuple[int, float, np.ndarray] | None = None,
    ) -> np.ndarray:
        """Membrane potential (steps + 1, compartments).

        ``iclamp``: (compartment, amplitude nA, waveform at t_k) played into an ``IClamp``
        (``del`` 0, ``dur`` forever) with the same one-sample shift as the outside potential.
        """
        h = self.h
        h.celsius = self.cell.temperature_C
        h.dt = self.dt
        h.usetable_hh = 0  # drgstim evaluates the rates exactly
        played = np.r_[wave[1:], 0.0]
        keep: list[Any] = []
        for i, seg in enumerate(self.segs):
            if seg is None:
                continue
            vec = h.Vector(self.ve[i] * drive * played)
            vec.play(seg._ref_e_extracellular, self.dt)
            keep.append(vec)
        if iclamp is not None:
            index, amp_nA, iwave = iclamp
            stim = h.IClamp(self.segs[index])
            stim.delay, stim.dur = 0.0, 1e9
            vec = h.Vector(amp_nA * np.r_[iwave[1:], 0.0])
            vec.play(stim._ref_amp, self.dt)
            keep += [vec, stim]
        if self.na_mM is not None:
            h.nai0_na_ion, h.nao0_na_ion = self.na_mM
        h.finitialize(self.cell.v_rest_mV)
        for _ in range(len(wave) - 1):
            h.fadvance()
        out = np.array([np.asarray(r) for r in self.recs]).T
        for vec in keep:
            if hasattr(vec, "play_remove"):
                vec.play_remove()
        return out[: len(wave)]


_SUNDTNA = {
    "gnabar": "g_na_S_per_cm2", "gkdrbar": "g_kdr_S_per_cm2", "gkmbar": "g_km_S_per_cm2",
    "gl": "g_leak_S_per_cm2", "ek": "e_k_mV", "el": "e_leak_mV", "shift": "na_shift_mV",
    "ko": "k_out_mM", "pumpa": "pump_a_mA_per_cm2", "gnaleak": "g_na_leak_S_per_cm2",
}  # fmt: skip


_SUNDTCA = {
    "gnabar": "g_na_S_per_cm2", "gkdrbar": "g_kdr_S_per_cm2", "gkmbar": "g_km_S_per_cm2",
    "gl": "g_leak_S_per_cm2", "ena": "e_na_mV", "ek": "e_k_mV", "el": "e_leak_mV",
    "shift": "na_shift_mV", "gcalbar": "g_cal_S_per_cm2", "eca": "e_ca_mV",
    "gskbar": "g_sk_S_per_cm2", "ca0": "ca_rest_mM", "catau": "ca_tau_ms",
    "kca": "ca_per_charge_mM_cm2_per_mA_ms",
}  # fmt: skip


def _set_sundtca(mech: Any, parameters: Any) -> None:
    for theirs, ours in _SUNDTCA.items():
        setattr(mech, theirs, parameters[ours])


_FH = {
    "pnabar": "pnabar_cm_per_s", "ppbar": "ppbar_cm_per_s", "pkbar": "pkbar_cm_per_s",
    "gl": "gl_S_per_cm2", "el": "el_mV",
}  # fmt: skip


def _set_fh(mech: Any, parameters: Any) -> None:
    # the temperature is NEURON's global celsius (the cell's), as fh.celsius_C is
    for theirs, ours in _FH.items():
        setattr(mech, theirs, parameters[ours])


def _set_sundtna(mech: Any, parameters: Any) -> None:
    for theirs, ours in _SUNDTNA.items():
        setattr(mech, theirs, parameters[ours])


def simulate(
    cell: Morphology, *, ve_mV: np.ndarray, drive: float, wave: np.ndarray, dt_ms: float
) -> np.ndarray:
    """Membrane potential (steps + 1, compartments) of ``cell`` in NEURON."""
    return Built(cell, ve_mV=ve_mV, dt_ms=dt_ms).run(drive=drive, wave=wave)


def threshold(
    cell: Morphology,
    *,
    ve_mV: np.ndarray,
    wave: np.ndarray,
    dt_ms: float,
    initial: float = 0.1,
    rel_tol: float = 1e-3,
) -> float:
    """drgstim's protocol in NEURON: double from ``initial`` until a spike at the far end,
    bisect until the bracket is ``rel_tol`` of its upper end, return its midpoint."""
    detect = cell.detect_index()
    built = Built(cell, ve_mV=ve_mV, dt_ms=dt_ms)

    def fires(amp: float) -> bool:
        v = built.run(drive=amp, wave=wave)[:, detect]
        return bool(np.any(v[:-1] >= 0.0))  # NEURON does not see a crossing on the last step

    lo, hi, amp = 0.0, float("nan"), initial
    while True:
        if fires(amp):
            hi = amp
        else:
            lo = amp
        if np.isnan(hi):
            amp *= 2.0
        elif hi - lo <= rel_tol * hi:
            return 0.5 * (lo + hi)
        else:
            amp = 0.5 * (lo + hi)
