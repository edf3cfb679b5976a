"""Constants shared by the therapy tests."""

N_NEURONS = 40  # small enough for CI; fractions are coarse (about 10 Aβ per population)
SEED = 1
