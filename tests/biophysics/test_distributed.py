"""Sweeps on a Dask cluster give the local run's numbers; the CLI's cluster options."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from drgstim.biophysics import distributed as dist
from drgstim.biophysics import population as pop

ROOT = Path(__file__).resolve().parents[2]


def test_chunks_cover_every_neuron_once_and_hold_one_type() -> None:
    population = pop.sample_population(n_neurons=150, seed=4)
    parts = dist.chunks(population, size=16)
    flat = np.concatenate(parts)
    assert sorted(flat.tolist()) == list(range(150))
    for idx in parts:
        assert len(idx) <= 16 and len({population.types[i] for i in idx}) == 1


@pytest.mark.slow
def test_local_cluster_gives_the_local_results() -> None:
    distributed = pytest.importorskip("distributed")  # the dev extra installs it
    population = pop.sample_population(n_neurons=10, seed=11)
    placements = [dist.Placement.above_surface(d) for d in (0.0, 1500.0)]
    kwargs = {
        "placements": placements,
        "pulse_width_us": 300.0,
        "amplitudes_uA": [1000.0, 3000.0, 6000.0],
        "chunk_neurons": 4,
    }
    ticks: list[tuple[int, int]] = []
    local = dist.sweep_thresholds(population, **kwargs)  # type: ignore[arg-type]
    # one in-process worker thread: the solver's own threads do the parallel work
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = dist.sweep_thresholds(
            population, client=client, progress=lambda d, t: ticks.append((d, t)), **kwargs
        )  # type: ignore[arg-type]
    assert len(remote) == 2
    for a, b in zip(local, remote, strict=True):
        np.testing.assert_array_equal(a.thresholds_uA, b.thresholds_uA)
        np.testing.assert_array_equal(a.active, b.active)
        assert a.simulations == b.simulations
    tasks = 2 * len(dist.chunks(population, size=4))
    assert ticks[-1] == (tasks, tasks) and len(ticks) == tasks  # progress per finished task
    # the placement matters: neurons have lower thresholds under the near contact
    near, far = local[0].thresholds_uA, local[1].thresholds_uA
    both = np.isfinite(near) & np.isfinite(far)
    assert both.any() and np.median(near[both] / far[both]) < 1.0


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "drgstim", "recruitment", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
    )  # fmt: skip


_BASE = ("--amplitudes-uA", "3000", "--pulse-width-us", "300", "--seed", "1", "--neurons", "2")


def test_cli_cluster_options_refuse_bad_values() -> None:
    out = _cli(*_BASE, "--distance-um", "0", "--workers", "-1", "--json")
    assert out.returncode == 2 and "--workers" in out.stderr and "Traceback" not in out.stderr
    out = _cli(*_BASE, "--distance-um", "0", "--scheduler", "localhost:8786", "--json")
    assert out.returncode == 2 and "--scheduler" in out.stderr and "Traceback" not in out.stderr
    out = _cli(*_BASE, "--distance-um", "0,x", "--json")
    assert out.returncode == 2 and "--distance-um" in out.stderr


def test_cli_placement_sweep_reports_each_distance() -> None:
    out = _cli(*_BASE, "--distance-um", "0,2000", "--json")
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert [p["distance_um"] for p in body["placements"]] == [0.0, 2000.0]
    assert all(sum(p["counts"].values()) == 2 for p in body["placements"])


def test_import_and_help_do_not_import_dask() -> None:
    code = (
        "import sys, drgstim\n"
        "from drgstim.cli.main import app\n"
        "from typer.testing import CliRunner\n"
        "assert CliRunner().invoke(app, ['recruitment', '--help']).exit_code == 0\n"
        "print(','.join(m for m in ('dask', 'distributed') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
