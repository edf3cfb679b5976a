"""Geometry of the DRG neuron types as a tree of straight sections.

Layout (all builders): the soma centre is at the origin. The initial segment and the stem
axon run along **+y** from the soma surface to the **T-junction** at ``(0, y_T, 0)``. The
**peripheral axon** leaves the T-junction along **−x** (towards the body) and the
**central axon** along **+x** (towards the spinal cord). The detection site (where a spike
counts as transmitted) is the far end of the central axon, the last section of the tree,
flagged ``detection=True``. A point electrode "at distance R" sits on the +z axis, R from
the soma centre (perpendicular to the plane of the neuron; ``builders.SOURCE_AXIS``).

Myelinated neurons (Aβ, Aδ) are MRG-type: nodes (1 µm) alternate with internodes. Each
type has its own published stem (``drg_neurons.json``, cited per value): Aβ the initial
segment and four short internodes of Amir & Devor 2003, Aδ the four stem internodes and
no initial segment of Graham et al. 2021's Aδ model, so the T-junction of both lies about
0.83 mm from the soma centre. The first three internodes of each axon beside the
T-junction are shortened by the ratios Ito & Takahashi 1960 measured (central and
peripheral apart; as Amir & Devor 2003 and Graham et al. 2021 use them). Internode length
follows the MRG table (McIntyre et al. 2002; ``cells.mrg_geometry``). The C neuron
follows Sundt et al. 2015.

This module is pure geometry; part 1's ``Morphology`` is built from it by
:mod:`drgstim.biophysics.drg.builders`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from drgstim.biophysics.cells import mrg_geometry
from drgstim.biophysics.drg import data as drg_data
from drgstim.errors import InputError

__all__ = [
    "DrgType",
    "Section",
    "SectionKind",
    "abeta_sections",
    "adelta_sections",
    "c_sections",
    "internode_length_um",
    "sections_for",
]


class DrgType(StrEnum):
    """The sensory neuron types of a DRG population."""

    ABETA = "abeta"
    ADELTA = "adelta"
    C = "c"


class SectionKind(StrEnum):
    """What membrane a section carries."""

    SOMA = "soma"
    INITIAL_SEGMENT = "initial_segment"
    NODE = "node"
    INTERNODE = "internode"
    UNMYELINATED = "unmyelinated"


@dataclass(frozen=True, kw_only=True)
class Section:
    """One straight section: from ``start_um`` along the unit vector ``direction``."""

    name: str
    parent: str | None
    kind: SectionKind
    length_um: float
    diameter_um: float
    start_um: tuple[float, float, float]
    direction: tuple[float, float, float]
    nseg: int = 1
    region: str = ""
    detection: bool = False

    @property
    def end_um(self) -> tuple[float, float, float]:
        """The far end of the section."""
        x, y, z = self.start_um
        dx, dy, dz = self.direction
        return (x + dx * self.length_um, y + dy * self.length_um, z + dz * self.length_um)


def internode_length_um(*, fibre_diameter_um: float) -> float:
    """Node-to-node spacing of the MRG fibre (``cells.mrg_geometry``, 2–16 µm)."""
    return mrg_geometry(diameter_um=fibre_diameter_um)["internode_length_um"]


class _Tree:
    """Accumulates sections, each starting where its parent ends."""

    def __init__(self) -> None:
        self.sections: list[Section] = []
        self._by_name: dict[str, Section] = {}

    def add(
        self, *, parent: str | None, start: tuple[float, float, float] | None = None, **kw: object
    ) -> Section:
        origin = start if start is not None else self._by_name[str(parent)].end_um
        section = Section(parent=parent, start_um=origin, **kw)  # type: ignore[arg-type]
        self.sections.append(section)
        self._by_name[section.name] = section
        return section


def _myelinated_axon(
    tree: _Tree,
    *,
    prefix: str,
    parent: str,
    direction: tuple[float, float, float],
    diameter_um: float,
    internodes: int,
    shortened: list[float],  # leading internodes' lengths as fractions of the regular one
    node_length_um: float,
    detection_at_end: bool,
) -> None:
    spacing = internode_length_um(fibre_diameter_um=diameter_um)
    last = parent
    for i in range(internodes):
        scale = shortened[i] if i < len(shortened) else 1.0
        inter = tree.add(
            name=f"{prefix}_internode{i}",
            parent=last,
            kind=SectionKind.INTERNODE,
            length_um=spacing * scale - node_length_um,
            diameter_um=diameter_um,
            direction=direction,
            nseg=1,
            region=prefix,
        )
        node = tree.add(
            name=f"{prefix}_node{i + 1}",
            parent=inter.name,
            kind=SectionKind.NODE,
            length_um=node_length_um,
            diameter_um=diameter_um,
            direction=direction,
            region=prefix,
            detection=detection_at_end and i == internodes - 1,
        )
        last = node.name


def _myelinated_neuron(
    kind: DrgType, *, fibre_diameter_um: float, soma_diameter_um: float
) -> list[Section]:
    g = drg_data.load("drg_neurons")[kind.value]

    def val(key: str) -> float:
        return float(g[key]["value"])

    node_len = val("node_length_um")
    stem_d = fibre_diameter_um * val("stem_diameter_fraction")
    tree = _Tree()
    r = soma_diameter_um / 2.0
    up = (0.0, 1.0, 0.0)
    tree.add(
        name="soma",
        parent=None,
        start=(0.0, -r, 0.0),
        kind=SectionKind.SOMA,
        length_um=soma_diameter_um,
        diameter_um=soma_diameter_um,
        direction=up,
        nseg=3,
        region="soma",
    )
    last = "soma"
    if val("initial_segment_length_um") > 0:  # Aδ has none: the soma joins the stem
        tree.add(
            name="initial_segment",
            parent="soma",
            kind=SectionKind.INITIAL_SEGMENT,
            length_um=val("initial_segment_length_um"),
            diameter_um=val("initial_segment_diameter_um"),
            direction=up,
            nseg=5,
            region="stem",
        )
        last = "initial_segment"
    for i, length in enumerate(g["stem_internode_lengths_um"]["value"]):
        tree.add(
            name=f"stem_node{i}",
            parent=last,
            kind=SectionKind.NODE,
            length_um=node_len,
            diameter_um=stem_d,
            direction=up,
            region="stem",
        )
        tree.add(
            name=f"stem_internode{i}",
            parent=f"stem_node{i}",
            kind=SectionKind.INTERNODE,
            length_um=float(length),
            diameter_um=stem_d,
            direction=up,
            region="stem",
        )
        last = f"stem_internode{i}"
    tree.add(
        name="tjunction_node",
        parent=last,
        kind=SectionKind.NODE,
        length_um=node_len,
        diameter_um=fibre_diameter_um,
        direction=up,
        region="tjunction",
    )
    for prefix, direction, detect in (
        ("peripheral", (-1.0, 0.0, 0.0), False),
        ("central", (1.0, 0.0, 0.0), True),
    ):
        _myelinated_axon(
            tree,
            prefix=prefix,
            parent="tjunction_node",
            direction=direction,
            diameter_um=fibre_diameter_um,
            internodes=int(val("axon_internodes")),
            shortened=[float(x) for x in g[f"{prefix}_shortened_internode_fractions"]["value"]],
            node_length_um=node_len,
            detection_at_end=detect,
        )
    return tree.sections


def _check_range(field: str, value: float, bounds: list[float]) -> None:
    lo, hi = float(bounds[0]), float(bounds[1])
    if not lo <= value <= hi:
        raise InputError(field, value, f"{lo:g}–{hi:g} µm")


def abeta_sections(
    *, fibre_diameter_um: float | None = None, soma_diameter_um: float | None = None
) -> list[Section]:
    """Aβ neuron: MRG axons joined at a T-junction node, stem, initial segment, soma."""
    g = drg_data.load("drg_neurons")["abeta"]
    d = fibre_diameter_um if fibre_diameter_um is not None else g["fibre_diameter_um"]["value"]
    s = soma_diameter_um if soma_diameter_um is not None else g["soma_diameter_um"]["value"]
    _check_range("fibre_diameter_um", d, g["fibre_diameter_um"]["range"])
    _check_range("soma_diameter_um", s, g["soma_diameter_um"]["range"])
    return _myelinated_neuron(DrgType.ABETA, fibre_diameter_um=d, soma_diameter_um=s)


def adelta_sections(
    *, fibre_diameter_um: float | None = None, soma_diameter_um: float | None = None
) -> list[Section]:
    """Aδ neuron: MRG axons and T-junction node, its own stem (Graham et al. 2021), no
    initial segment, a 29 µm soma, a 2–3 µm fibre."""
    g = drg_data.load("drg_neurons")["adelta"]
    d = fibre_diameter_um if fibre_diameter_um is not None else g["fibre_diameter_um"]["value"]
    s = soma_diameter_um if soma_diameter_um is not None else g["soma_diameter_um"]["value"]
    _check_range("fibre_diameter_um", d, g["fibre_diameter_um"]["range"])
    _check_range("soma_diameter_um", s, g["soma_diameter_um"]["range"])
    return _myelinated_neuron(DrgType.ADELTA, fibre_diameter_um=d, soma_diameter_um=s)


def c_sections(*, peripheral_diameter_um: float | None = None) -> list[Section]:
    """C neuron (Sundt et al. 2015): soma, stem, two 100 µm T-junction pieces, axons.

    The central axon is half the peripheral diameter (0.4 vs 0.8 µm in Sundt et al.).
    The T-junction pieces carry the M current (``region="tjunction"``).
    """
    g = drg_data.load("drg_neurons")["c"]

    def val(key: str) -> float:
        return float(g[key]["value"])

    d_p = (
        peripheral_diameter_um
        if peripheral_diameter_um is not None
        else val("peripheral_diameter_um")
    )
    if not 0.2 <= d_p <= 2.0:
        raise InputError("peripheral_diameter_um", d_p, "0.2–2 µm")
    d_c = d_p * val("central_diameter_um") / val("peripheral_diameter_um")
    dx = val("compartment_um")
    soma_d = val("soma_diameter_um")
    tree = _Tree()
    up, left, right = (0.0, 1.0, 0.0), (-1.0, 0.0, 0.0), (1.0, 0.0, 0.0)
    tree.add(
        name="soma",
        parent=None,
        start=(0.0, -soma_d / 2.0, 0.0),
        kind=SectionKind.SOMA,
        length_um=soma_d,
        diameter_um=soma_d,
        direction=up,
        nseg=1,
        region="soma",
    )
    tree.add(
        name="stem",
        parent="soma",
        kind=SectionKind.UNMYELINATED,
        length_um=val("stem_length_um"),
        diameter_um=val("stem_diameter_um"),
        direction=up,
        nseg=max(1, round(val("stem_length_um") / dx)),
        region="stem",
    )
    piece = val("tjunction_piece_length_um")
    nseg_piece = max(1, round(piece / dx))
    tree.add(
        name="tjunction_peripheral",
        parent="stem",
        kind=SectionKind.UNMYELINATED,
        length_um=piece,
        diameter_um=d_p,
        direction=left,
        nseg=nseg_piece,
        region="tjunction",
    )
    tree.add(
        name="tjunction_central",
        parent="stem",
        kind=SectionKind.UNMYELINATED,
        length_um=piece,
        diameter_um=d_c,
        direction=right,
        nseg=nseg_piece,
        region="tjunction",
    )
    tree.add(
        name="peripheral",
        parent="tjunction_peripheral",
        kind=SectionKind.UNMYELINATED,
        length_um=val("peripheral_length_um"),
        diameter_um=d_p,
        direction=left,
        nseg=max(1, round(val("peripheral_length_um") / dx)),
        region="peripheral",
    )
    tree.add(
        name="central",
        parent="tjunction_central",
        kind=SectionKind.UNMYELINATED,
        length_um=val("central_length_um"),
        diameter_um=d_c,
        direction=right,
        nseg=max(1, round(val("central_length_um") / dx)),
        region="central",
        detection=True,
    )
    return tree.sections


def sections_for(kind: DrgType | str, *, diameter_um: float | None = None) -> list[Section]:
    """The section tree of a neuron type; ``diameter_um`` is its (peripheral) fibre diameter."""
    kind = DrgType(kind)
    if kind is DrgType.ABETA:
        return abeta_sections(fibre_diameter_um=diameter_um)
    if kind is DrgType.ADELTA:
        return adelta_sections(fibre_diameter_um=diameter_um)
    return c_sections(peripheral_diameter_um=diameter_um)
