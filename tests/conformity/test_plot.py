"""Plots: written by suffix, refused in words otherwise."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from sitrace.conformity.plot import plot_measurand, plot_risk_vs_guard_band
from sitrace.errors import InputError


def test_measurand_plot_is_written(tmp_path):
    fig = plot_measurand(0.9, 0.1, (-1.0, 1.0), acceptance=(-0.8, 0.8), path=tmp_path / "m.png")
    assert (tmp_path / "m.png").stat().st_size > 1000
    plt.close(fig)


def test_risk_vs_guard_band_plot_is_written(tmp_path):
    fig = plot_risk_vs_guard_band("normal:0,0.5", 0.1, (-1.0, 1.0), path=tmp_path / "r.svg")
    assert (tmp_path / "r.svg").read_text().startswith("<?xml")
    plt.close(fig)


def test_unknown_suffix_is_refused():
    with pytest.raises(InputError, match="plot file must end in"):
        plot_measurand(0.0, 0.1, (-1.0, 1.0), path="m.gif")
