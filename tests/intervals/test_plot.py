"""Interval plots are written, and importing sitrace.intervals does not load matplotlib."""

from __future__ import annotations

import subprocess
import sys

import matplotlib.pyplot as plt
import pytest

from sitrace.errors import InputError
from sitrace.intervals import binomial_s2, fit_drift, reliability_target_interval


def test_importing_intervals_does_not_import_matplotlib():
    code = "import sys, sitrace.intervals; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_reliability_and_drift_plots_are_written(tmp_path):
    from sitrace.intervals.plot import plot_drift, plot_reliability

    s2 = binomial_s2([30, 60, 90, 120], [40, 40, 40, 40], [37, 33, 31, 27], target=0.9)
    fig = plot_reliability(s2, tmp_path / "r.png")
    assert (tmp_path / "r.png").stat().st_size > 1000
    assert len(fig.axes[0].lines) >= 4
    plt.close(fig)
    fit = fit_drift([70, 86, 104, 135, 167, 173], [0.1, 0.11, 0.251, 0.299, 0.403, 0.615])
    r = reliability_target_interval(
        fit, u0=0.28, value=10.03, lower=9, upper=11, target_reliability=0.9
    )
    plt.close(plot_drift(r, tmp_path / "d.svg"))
    assert (tmp_path / "d.svg").read_text().startswith("<?xml")
    with pytest.raises(InputError, match="plot file must end in"):
        plot_drift(r, tmp_path / "d.txt")
