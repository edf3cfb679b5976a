"""DRG neuron models: cited geometry of Aβ, Aδ and C neurons, and their builders."""
