"""DRG neuron models: cited geometry of Aβ, Aδ and C neurons (``geometry``), the interim
batched solver (``kernel``, ``cable``, ``threshold``) and builders of part 1's
``Morphology`` (``builders``). The builders are not re-exported here yet: part 1's solver
does not dispatch the ``sundt`` mechanism and, on ``build_abeta``, drifts from rest, so
``drgstim threshold --model abeta`` must keep refusing DRG models until both are fixed.
"""
