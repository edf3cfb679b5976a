"""A NEURON-like description of a cell: sections, their mechanisms and their placement.

A :class:`Morphology` is a tree of :class:`Section` objects. Each section has a name, a
parent (by name) and the point of the parent it attaches to (0 or 1, NEURON's
``connect child(0), parent(x)``), a length, a diameter, a segment count ``nseg``, a
membrane mechanism (a key of :mod:`drgstim.biophysics.channels`) with its parameters,
``cm_uF_per_cm2`` and ``ra_ohm_cm``, and optionally the periaxonal layer of NEURON's
``extracellular`` mechanism (:class:`Periaxonal`: ``xraxial`` as Ω/cm, ``xg`` S/cm²,
``xc`` µF/cm²). A section without it sees the outside potential directly (NEURON's
defaults ``xg = 1e9`` make the layer a short circuit; we use the same value so results
agree).

Placement: a section runs in a straight line from ``start_um`` to ``end_um`` (3-D points,
µm); :meth:`Morphology.compartments` returns the compartment centres so a source can be
sampled there. Units are NEURON's (µm, µF/cm², Ω·cm, S/cm²).

Branch points are discretised as NEURON discretises them. NEURON places a zero-area node
at every section end; where only two compartments meet there (a section and its one
child) that node is two half-compartment resistances in series, so the compartments are
coupled directly. Where three or more meet (a parent's end with two children, the DRG
T-junction) the node is kept: a *junction compartment* (``Compartment.junction``, length
0, so no membrane, capacity or periaxonal wall) to which every meeting compartment is
coupled through its own half resistance. Coupling the children straight to the parent's
last compartment instead would be a different circuit (each child's current would pass a
whole extra half resistance of its own).

``detect_section`` names the section whose far end (``detect_x``) is watched for the
spike that counts as activation (the central end of a DRG neuron's axon).

``source_axis`` is the unit vector from the cell's reference point (the origin of its
frame) towards a point source "at distance R": (0, 1, 0) for the HH cable and the MRG
axon, (0, 0, 1) for DRG neurons (perpendicular to the plane of soma, stem and axons).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from drgstim.errors import InputError

__all__ = [
    "BIG_XRAXIAL_OHM_PER_CM",
    "SHORT_CIRCUIT_XG_S_PER_CM2",
    "Compartment",
    "CompartmentArrays",
    "Morphology",
    "Periaxonal",
    "Section",
]

SHORT_CIRCUIT_XG_S_PER_CM2 = 1e9  # NEURON's default xg[0]: the layer is tied to the outside
BIG_XRAXIAL_OHM_PER_CM = 1e15  # NEURON's default xraxial 1e9 MΩ/cm


@dataclass(frozen=True, slots=True)
class Periaxonal:
    """NEURON ``extracellular`` layer 0: axial resistance and wall to the outside."""

    xraxial_ohm_per_cm: float
    xg_S_per_cm2: float
    xc_uF_per_cm2: float


@dataclass(frozen=True, slots=True)
class Section:
    """One unbranched piece of cable, divided into ``nseg`` equal compartments."""

    name: str
    length_um: float
    diameter_um: float
    mechanism: str
    start_um: tuple[float, float, float]
    end_um: tuple[float, float, float]
    nseg: int = 1
    parent: str | None = None
    parent_x: float = 1.0
    cm_uF_per_cm2: float = 1.0
    ra_ohm_cm: float = 35.4
    parameters: Mapping[str, float] = field(default_factory=dict)
    periaxonal: Periaxonal | None = None

    def __post_init__(self) -> None:
        if (  # the common case in one expression (cells have tens of thousands of sections)
            self.length_um > 0
            and self.diameter_um > 0
            and self.cm_uF_per_cm2 > 0
            and self.ra_ohm_cm > 0
            and self.nseg >= 1
            and self.parent_x in (0.0, 1.0)
        ):
            return
        for name in ("length_um", "diameter_um", "cm_uF_per_cm2", "ra_ohm_cm"):
            value = getattr(self, name)
            if not value > 0:
                raise InputError(name, value, "> 0", reason=f"section {self.name}")
        if self.nseg < 1:
            raise InputError("nseg", self.nseg, ">= 1", reason=f"section {self.name}")
        if self.parent_x not in (0.0, 1.0):
            raise InputError("parent_x", self.parent_x, "0 or 1", reason=f"section {self.name}")


@dataclass(frozen=True, slots=True)
class Compartment:
    """One compartment: its section, index within it, centre and parent compartment.

    A junction compartment (``junction``, ``length_um`` 0) stands for NEURON's zero-area
    node where three or more compartments meet; its ``section`` is a stand-in named
    ``"<section>(<x>)"`` after the section end it sits on, with the passive mechanism at
    zero conductance (it has no membrane).
    """

    section: Section
    index: int
    centre_um: tuple[float, float, float]
    parent: int  # -1 for the root
    length_um: float
    junction: bool = False


@dataclass(frozen=True, eq=False)
class CompartmentArrays:
    """A cell's compartments (Hines order) as arrays: what the solver and the sources read.

    Per compartment: parent index (−1 for the root), mechanism name, centre (µm, (n, 3)),
    length and diameter (µm), ``cm`` (µF/cm²), ``Ra`` (Ω·cm), the periaxonal layer's
    ``xraxial`` (Ω/cm), ``xg`` (S/cm²) and ``xc`` (µF/cm²) with NEURON's defaults where a
    section has none, and the section's parameter overrides (a mapping, often shared).
    """

    parent: npt.NDArray[np.int64]
    mechanism: tuple[str, ...]
    centre_um: npt.NDArray[np.float64]
    length_um: npt.NDArray[np.float64]
    diameter_um: npt.NDArray[np.float64]
    cm_uF_per_cm2: npt.NDArray[np.float64]
    ra_ohm_cm: npt.NDArray[np.float64]
    xraxial_ohm_per_cm: npt.NDArray[np.float64]
    xg_S_per_cm2: npt.NDArray[np.float64]
    xc_uF_per_cm2: npt.NDArray[np.float64]
    parameters: tuple[Mapping[str, float], ...]
    section_index: npt.NDArray[np.int64]

    @classmethod
    def of(cls, comps: Sequence[Compartment], sections: Sequence[Section]) -> CompartmentArrays:
        """The arrays of a cell's compartments (``sections``: the cell's sections)."""
        number = {sec.name: k for k, sec in enumerate(sections)}
        secs = [c.section for c in comps]
        layers = [s.periaxonal for s in secs]
        return cls(
            parent=np.array([c.parent for c in comps], dtype=np.int64),
            mechanism=tuple(s.mechanism for s in secs),
            centre_um=np.array([c.centre_um for c in comps], dtype=np.float64).reshape(-1, 3),
            length_um=np.array([c.length_um for c in comps], dtype=np.float64),
            diameter_um=np.array([s.diameter_um for s in secs], dtype=np.float64),
            cm_uF_per_cm2=np.array([s.cm_uF_per_cm2 for s in secs], dtype=np.float64),
            ra_ohm_cm=np.array([s.ra_ohm_cm for s in secs], dtype=np.float64),
            xraxial_ohm_per_cm=np.array(
                [BIG_XRAXIAL_OHM_PER_CM if x is None else x.xraxial_ohm_per_cm for x in layers],
                dtype=np.float64,
            ),
            xg_S_per_cm2=np.array(
                [SHORT_CIRCUIT_XG_S_PER_CM2 if x is None else x.xg_S_per_cm2 for x in layers],
                dtype=np.float64,
            ),
            xc_uF_per_cm2=np.array(
                [0.0 if x is None else x.xc_uF_per_cm2 for x in layers], dtype=np.float64
            ),
            parameters=tuple(s.parameters for s in secs),
            section_index=np.array(
                [-1 if c.junction else number[c.section.name] for c in comps], dtype=np.int64
            ),
        )


@dataclass(frozen=True, slots=True)
class Morphology:
    """A cell: sections in an order where every parent comes before its children."""

    name: str
    sections: tuple[Section, ...]
    detect_section: str
    detect_x: float = 1.0
    v_rest_mV: float = -65.0
    temperature_C: float = 6.3
    source_axis: tuple[float, float, float] = (0.0, 1.0, 0.0)
    # the compartments, built once on first use (the cell is immutable); not compared
    _compartments: list[list[Compartment]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )
    # the same as arrays, built once on first use or given by a builder that knows them
    _arrays: list[CompartmentArrays] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for sec in self.sections:
            if sec.parent is not None and sec.parent not in seen:
                raise InputError("parent", sec.parent, "an earlier section", reason=sec.name)
            if sec.name in seen:
                raise InputError("name", sec.name, "unique section names")
            seen.add(sec.name)
        if self.detect_section not in seen:
            raise InputError("detect_section", self.detect_section, "a section name")
        if abs(sum(a * a for a in self.source_axis) - 1.0) > 1e-9:
            raise InputError("source_axis", self.source_axis, "a unit vector")

    def compartments(self) -> list[Compartment]:
        """Compartments in Hines order (parent index < own index), junctions included."""
        if not self._compartments:  # built once: sources, assembly and checks all ask
            self._compartments.append(self._build_compartments())
        return list(self._compartments[0])

    def compartment_arrays(self) -> CompartmentArrays:
        """:meth:`compartments` as arrays (built once; a cell builder may supply them)."""
        if not self._arrays:
            self._arrays.append(CompartmentArrays.of(self.compartments(), self.sections))
        return self._arrays[0]

    def _set_compartment_arrays(self, arrays: CompartmentArrays) -> None:
        """For builders that compute a cell's arrays directly (they must equal
        ``CompartmentArrays.of(self.compartments(), self.sections)``; tested)."""
        self._arrays[:] = [arrays]

    def _build_compartments(self) -> list[Compartment]:
        by_name = {sec.name: sec for sec in self.sections}
        meeting = Counter(self._end_node(sec.name, x, by_name) for sec in self.sections
                          for x in (0.0, 1.0))  # fmt: skip
        out: list[Compartment] = []
        first: dict[str, int] = {}
        last: dict[str, int] = {}
        junctions: dict[tuple[str, float], int] = {}

        def anchor(node: tuple[str, float]) -> int:
            name, x = node
            own = last[name] if x == 1.0 else first[name]
            if meeting[node] < 3:
                return own
            if node not in junctions:
                junctions[node] = len(out)
                out.append(_junction(by_name[name], x, parent=own))
            return junctions[node]

        for sec in self.sections:
            dx = sec.length_um / sec.nseg
            for k in range(sec.nseg):
                centre = _lerp(sec.start_um, sec.end_um, (k + 0.5) / sec.nseg)
                if k > 0:
                    parent = len(out) - 1
                elif sec.parent is None:
                    parent = -1
                else:
                    parent = anchor(self._end_node(sec.name, 0.0, by_name))
                if k == 0:
                    first[sec.name] = len(out)
                out.append(Compartment(sec, k, centre, parent, dx))
            last[sec.name] = len(out) - 1
        return out

    @staticmethod
    def _end_node(name: str, x: float, by_name: Mapping[str, Section]) -> tuple[str, float]:
        """NEURON's node at end ``x`` of section ``name``, as (section, end) of its owner.

        A section's 1-end is its own node; its 0-end is its parent's node at ``parent_x``
        (resolved the same way), or its own for a root section.
        """
        sec = by_name[name]
        while x == 0.0 and sec.parent is not None:
            name, x = sec.parent, sec.parent_x
            sec = by_name[name]
        return name, x

    def detect_index(self) -> int:
        """Compartment index watched for activation."""
        k = next(i for i, sec in enumerate(self.sections) if sec.name == self.detect_section)
        hits = np.flatnonzero(self.compartment_arrays().section_index == k)
        if hits.size == 0:
            return 0
        return int(hits[0] if self.detect_x == 0.0 else hits[-1])

    def section_names(self) -> Sequence[str]:
        return [s.name for s in self.sections]


def _lerp(
    a: tuple[float, float, float], b: tuple[float, float, float], f: float
) -> tuple[float, float, float]:
    return (a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2]))


def _junction(at: Section, x: float, *, parent: int) -> Compartment:
    """The zero-area compartment at end ``x`` of section ``at``."""
    point = at.end_um if x == 1.0 else at.start_um
    stand_in = Section(
        name=f"{at.name}({x:g})", length_um=at.length_um, diameter_um=at.diameter_um,
        mechanism="pas", start_um=point, end_um=point, ra_ohm_cm=at.ra_ohm_cm,
        parameters={"g_S_per_cm2": 0.0, "e_mV": 0.0}, periaxonal=at.periaxonal,
    )  # fmt: skip
    return Compartment(stand_in, 0, point, parent, 0.0, junction=True)
