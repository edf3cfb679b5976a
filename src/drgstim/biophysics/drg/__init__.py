"""DRG neuron models on the core batched solver: cited geometry of Aβ, Aδ and C neurons
(``geometry``), builders of :class:`~drgstim.biophysics.morphology.Morphology`
(``builders``: MRG double-cable Aβ/Aδ, Sundt C) and the population threshold search
(``search``) that recruitment runs on.
"""

from __future__ import annotations

from drgstim.biophysics.drg.builders import build_abeta, build_adelta, build_c, build_drg

__all__ = ["build_abeta", "build_adelta", "build_c", "build_drg"]
