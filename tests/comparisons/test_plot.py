"""Plots of comparisons: a Figure back, PNG/SVG by suffix, excluded labs marked,
a kernel density that is a probability density, score bars coloured by evaluation."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from scipy import stats

from sitrace.comparisons import (
    ParticipantResult,
    assigned_value,
    evaluate_participants,
    largest_consistent_subset,
    participants,
)
from sitrace.comparisons.plot import (
    plot_degrees_of_equivalence,
    plot_kernel_density,
    plot_results,
    plot_scores,
)
from sitrace.errors import InputError

RESULTS = participants(["A", "B", "C", "D"], [0.0, 0.1, -0.1, 5.0], [0.1] * 4)
LCS = largest_consistent_subset(RESULTS)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


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


# --------------------------------------------------------------------------- kernel density

SEPARATED = participants(["P", "Q"], [0.0, 10.0], [0.5, 1.0])


def _mixture_line(fig):
    (line,) = [ln for ln in fig.axes[0].get_lines() if ln.get_label() == "mixture density"]
    x, y = (np.asarray(v, dtype=float) for v in line.get_data())
    return x, y


@pytest.mark.parametrize(
    "results",
    [SEPARATED, RESULTS, participants(["A", "B", "C"], [1e-6, 1.1e-6, 3e-6], [1e-8, 5e-8, 2e-7])],
    ids=["separated", "outlier", "tiny-values"],
)
def test_the_kernel_density_integrates_to_one(results):
    x, y = _mixture_line(plot_kernel_density(results))
    assert np.all(np.diff(x) > 0)
    assert np.trapezoid(y, x) == pytest.approx(1.0, abs=1e-4)


def test_the_kernel_density_is_the_mean_of_the_labs_normal_densities():
    x, y = _mixture_line(plot_kernel_density(RESULTS))
    values = np.array([p.value for p in RESULTS])
    u = np.array([p.u for p in RESULTS])
    expected = stats.norm.pdf(x[:, None], loc=values, scale=u).mean(axis=1)
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-15)


def test_well_separated_labs_give_one_maximum_each_at_their_values():
    x, y = _mixture_line(plot_kernel_density(SEPARATED))
    inner = np.flatnonzero((y[1:-1] > y[:-2]) & (y[1:-1] > y[2:])) + 1
    assert x[inner].tolist() == [0.0, 10.0]
    # heights (1/2) phi(0)/u_i: 1/(2 * 0.5 * sqrt(2 pi)) and 1/(2 * 1.0 * sqrt(2 pi))
    peak = 1.0 / np.sqrt(2.0 * np.pi)
    np.testing.assert_allclose(y[inner], [peak, peak / 2.0], rtol=1e-12)


def test_the_kernel_density_draws_every_component_and_the_reference_band():
    fig = plot_kernel_density(RESULTS, LCS)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["reference ± U", "mixture density"]
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert len(dashed) == 1  # D is excluded by the largest consistent subset
    assert ax.get_title() == "Kernel density of the results (lcs)"


def test_the_kernel_density_refuses_what_is_not_a_result(tmp_path):
    with pytest.raises(InputError, match=r"results must hold at least one Participant, got none"):
        plot_kernel_density([])
    with pytest.raises(InputError, match=r"result must be a KeyComparisonResult or None, got dict"):
        plot_kernel_density(RESULTS, {})
    with pytest.raises(InputError, match=r"plot file must end in .pdf, .png, .svg, got .jpg"):
        plot_kernel_density(RESULTS, path=tmp_path / "kd.jpg")


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_the_kernel_density_is_written_by_suffix(tmp_path, suffix):
    path = tmp_path / f"density{suffix}"
    plot_kernel_density(RESULTS, LCS, path)
    assert path.stat().st_size > 0


# --------------------------------------------------------------------------- scores

ROUND = evaluate_participants(
    [
        ParticipantResult("L1", 10.0, standard_uncertainty=0.1),
        ParticipantResult("L2", 11.25, standard_uncertainty=0.1, expanded_uncertainty=0.2),
        ParticipantResult("L3", 8.25),
        ParticipantResult("L4", 10.5, expanded_uncertainty=2.0),
    ],
    assigned_value(10.0, 0.05),
    0.5,
)


def _bars(fig):
    ax = fig.axes[0]
    return [(round(p.get_x() + p.get_width() / 2), p.get_height()) for p in ax.patches]


def test_z_bars_are_coloured_by_evaluation_with_warning_and_action_lines():
    fig = plot_scores(ROUND)  # u(x_pt) = 0.05 <= 0.3 * 0.5: judged by z
    ax = fig.axes[0]
    # z = 0, 2.5, -3.5, 1
    assert _bars(fig) == [(0, 0.0), (1, 2.5), (2, -3.5), (3, 1.0)]
    colours = [to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours == ["#2ca02c", "#ff9f1c", "#d62728", "#2ca02c"]
    levels = sorted(ln.get_ydata()[0] for ln in ax.get_lines() if ln.get_ydata()[0] != 0)
    assert levels == [-3.0, -2.0, 2.0, 3.0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [
        "warning (±2)",
        "action (±3)",
        "satisfactory",
        "questionable",
        "unsatisfactory",
    ]
    assert ax.get_title() == "z scores"


def test_en_bars_have_the_limit_at_one_and_skip_participants_without_U():
    fig = plot_scores(ROUND, score="En")
    ax = fig.axes[0]
    # En = 1.25/sqrt(0.2^2 + 0.1^2) and 0.5/sqrt(2^2 + 0.1^2) for L2 and L4 only
    bars = _bars(fig)
    assert [b[0] for b in bars] == [1, 3]
    np.testing.assert_allclose(
        [b[1] for b in bars], [1.25 / np.hypot(0.2, 0.1), 0.5 / np.hypot(2.0, 0.1)]
    )
    levels = sorted(ln.get_ydata()[0] for ln in ax.get_lines() if ln.get_ydata()[0] != 0)
    assert levels == [-1.0, 1.0]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["L1 (n/a)", "L2", "L3 (n/a)", "L4"]


def test_performance_is_z_prime_when_u_x_pt_is_not_negligible():
    wide = evaluate_participants(
        [ParticipantResult("L1", 10.5), ParticipantResult("L2", 9.0)],
        assigned_value(10.0, 0.4),
        0.5,
    )
    fig = plot_scores(wide)
    assert fig.axes[0].get_title() == "z' scores"
    np.testing.assert_allclose(
        [b[1] for b in _bars(fig)], [0.5 / np.hypot(0.5, 0.4), -1.0 / np.hypot(0.5, 0.4)]
    )


def test_plot_scores_refuses_an_unknown_score_name():
    with pytest.raises(
        InputError,
        match=r"score must be one of 'performance', 'z', \"z'\", 'zeta', 'En', got 'zprime'",
    ):
        plot_scores(ROUND, score="zprime")


def test_plot_scores_refuses_a_score_no_participant_has():
    plain = evaluate_participants([ParticipantResult("L1", 10.5)], assigned_value(10.0, 0.05), 0.5)
    with pytest.raises(InputError, match=r"no participant has a zeta score \(it needs u\(x_i\)\)"):
        plot_scores(plain, score="zeta")
    with pytest.raises(InputError, match=r"evaluation must be a ProficiencyEvaluation, got"):
        plot_scores(LCS)


def test_score_plots_are_written(tmp_path):
    path = tmp_path / "z.svg"
    plot_scores(ROUND, path, score="zeta")
    assert path.read_text(encoding="utf-8").lstrip().startswith("<?xml")
