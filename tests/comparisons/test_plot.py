"""Plots of key comparisons: a Figure back, PNG/SVG by suffix, excluded labs marked."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from sitrace.comparisons import largest_consistent_subset, participants
from sitrace.comparisons.plot import plot_degrees_of_equivalence, plot_results
from sitrace.errors import InputError

RESULTS = participants(["A", "B", "C", "D"], [0.0, 0.1, -0.1, 5.0], [0.1] * 4)
LCS = largest_consistent_subset(RESULTS)


def test_doe_plot_returns_a_figure_and_marks_excluded_labs():
    fig = plot_degrees_of_equivalence(LCS)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["in reference value", "excluded"]
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "D"


def test_results_plot_ranks_values_and_draws_the_reference_band():
    fig = plot_results(RESULTS, LCS)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["C", "A", "B", "D"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["reference ± U"]


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_plots_are_written_by_suffix(tmp_path, suffix):
    path = tmp_path / f"doe{suffix}"
    plot_degrees_of_equivalence(LCS, path)
    assert path.stat().st_size > 0
    other = tmp_path / f"ranked{suffix}"
    plot_results(RESULTS, LCS, other)
    assert other.stat().st_size > 0


def test_an_unknown_suffix_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"plot file must end in .pdf, .png, .svg, got .txt"):
        plot_degrees_of_equivalence(LCS, tmp_path / "doe.txt")
    assert not (tmp_path / "doe.txt").exists()
