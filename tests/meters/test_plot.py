"""Plots of fleet results: what each figure shows, the files it writes, what it refuses."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from sitrace.errors import InputError
from sitrace.meters.plot import plot_drift, plot_estimates, plot_lots


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _estimates() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area": ["A1", "A1", "A1", "A1", "A2"],
            "meter": ["m-ok", "m-flag", "m-ne", "m-ok2", "other"],
            "error_percent": [0.2, 3.5, np.nan, -0.4, 0.1],
            "u_percent": [0.3, 0.4, np.nan, 0.2, 0.3],
            "relative_error_percent": [0.0, 3.3, np.nan, -0.6, 0.0],
            "status": ["ok", "flagged", "not_estimable", "ok", "ok"],
            "intervals_used": [2880, 2880, 0, 2880, 2880],
        }
    )


def _hlines(ax) -> set[float]:
    """y of the horizontal lines drawn across the axes (axhline)."""
    out = set()
    for line in ax.get_lines():
        y = np.asarray(line.get_ydata(), dtype=float)
        x = np.asarray(line.get_xdata(), dtype=float)
        if y.size == 2 and y[0] == y[1] and tuple(x) == (0.0, 1.0):
            out.add(float(y[0]))
    return out


def test_estimates_are_grouped_flagged_ok_not_estimable_with_two_u_bars():
    fig = plot_estimates(_estimates(), area="A1")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["m-flag", "m-ok2", "m-ok", "m-ne"]  # status, then error within status
    # the flagged meter's bar spans e ± 2u = 3.5 ± 0.8
    segments = [
        seg
        for coll in ax.collections
        for seg in coll.get_segments()
        if np.isclose(seg[0][0], 0.0) and np.isclose(seg[1][0], 0.0)
    ]
    assert any(np.allclose(sorted([s[0][1], s[1][1]]), [2.7, 4.3]) for s in segments)
    assert "A1" in ax.get_title()


def test_estimates_draw_the_default_mpe_of_one_percent_and_a_given_one():
    ax = plot_estimates(_estimates()).axes[0]
    assert {1.0, -1.0} <= _hlines(ax)
    ax = plot_estimates(_estimates().assign(mpe_percent=0.5)).axes[0]
    assert {0.5, -0.5} <= _hlines(ax)
    assert 1.0 not in _hlines(ax)


def test_estimates_legend_counts_meters_per_status():
    ax = plot_estimates(_estimates(), area="A1").axes[0]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "flagged (1)" in texts
    assert "ok (2)" in texts
    assert "not estimable (1)" in texts


@pytest.mark.parametrize(
    ("suffix", "magic"), [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")]
)
def test_each_plot_writes_png_svg_and_pdf_by_suffix(tmp_path, suffix, magic):
    history = pd.DataFrame(
        {"window_end": [1, 2, 3], "meter": "m", "error_percent": [0, 1, 2], "u_percent": 0.2}
    )
    lots = pd.DataFrame({"lot": ["L1"], "n_within": [9], "n_checked": [10]})
    for name, draw in (
        ("estimates", lambda p: plot_estimates(_estimates(), p)),
        ("drift", lambda p: plot_drift(history, p)),
        ("lots", lambda p: plot_lots(lots, p)),
    ):
        path = tmp_path / f"{name}{suffix}"
        fig = draw(path)
        assert isinstance(fig, matplotlib.figure.Figure)
        assert path.read_bytes().startswith(magic)


@pytest.mark.parametrize("name", ["plot.jpg", "plot", "plot.PNG.txt"])
def test_other_suffixes_are_refused_and_nothing_is_written(tmp_path, name):
    path = tmp_path / name
    with pytest.raises(InputError, match=r"must end in \.pdf, \.png, \.svg"):
        plot_estimates(_estimates(), path)
    with pytest.raises(InputError, match="must end in"):
        plot_lots(pd.DataFrame({"lot": ["L"], "n_within": [1], "n_checked": [1]}), path)
    assert not path.exists()


def test_estimates_refuse_missing_columns_unknown_areas_and_statuses():
    with pytest.raises(InputError, match=r"missing column.*'u_percent'"):
        plot_estimates(_estimates().drop(columns="u_percent"))
    with pytest.raises(InputError, match="no meters of area 'A9'"):
        plot_estimates(_estimates(), area="A9")
    with pytest.raises(InputError, match=r"status must be one of.*got 'bad'"):
        plot_estimates(_estimates().assign(status="bad"))
    with pytest.raises(InputError, match="no rows"):
        plot_estimates(_estimates().iloc[:0])


def test_drift_draws_each_meter_with_its_two_u_band():
    t = pd.date_range("2024-01-31", periods=4, freq="30D", tz="UTC")
    history = pd.DataFrame(
        {
            "window_end": list(t) * 2,
            "meter": ["a"] * 4 + ["b"] * 4,
            "error_percent": [0.0, 1.0, 2.0, 3.0, 0.1, 0.0, -0.1, 0.0],
            "u_percent": [0.25] * 8,
        }
    )
    ax = plot_drift(history, meters=["a"]).axes[0]
    lines = [line for line in ax.get_lines() if line.get_label() == "a"]
    assert len(lines) == 1
    assert np.allclose(lines[0].get_ydata(), [0.0, 1.0, 2.0, 3.0])
    assert not [line for line in ax.get_lines() if line.get_label() == "b"]
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert np.isclose(band.max(), 3.5) and np.isclose(band.min(), -0.5)  # e ± 2u
    assert {1.0, -1.0} <= _hlines(ax)
    ax = plot_drift(history).axes[0]
    assert {line.get_label() for line in ax.get_lines()} >= {"a", "b"}


def test_drift_refuses_meters_not_in_the_table():
    history = pd.DataFrame(
        {"window_end": [1, 2], "meter": "a", "error_percent": [0, 1], "u_percent": 0.1}
    )
    with pytest.raises(InputError, match="not in the table: zz"):
        plot_drift(history, meters=["zz"])
    with pytest.raises(InputError, match=r"missing column.*'window_end'"):
        plot_drift(history.drop(columns="window_end"))


def test_lots_show_share_within_limits_against_the_95_percent_line():
    lots = pd.DataFrame(
        {
            "lot": ["L1", "L2", "L3"],
            "n_within": [99, 90, 0],
            "n_checked": [100, 100, 0],
            "nonconforming_upper": [0.04, 0.15, 1.0],
            "verdict": ["conforming", "nonconforming", "inconclusive"],
        }
    )
    ax = plot_lots(lots).axes[0]
    widths = [bar.get_width() for bar in ax.patches]
    assert np.allclose(widths, [99.0, 90.0, 0.0])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["L1", "L2", "L3"]
    vertical = [
        line.get_xdata()[0]
        for line in ax.get_lines()
        if len(line.get_xdata()) == 2 and line.get_xdata()[0] == line.get_xdata()[1]
    ]
    assert 95.0 in vertical
    texts = [t.get_text() for t in ax.texts]
    assert "no verdict  inconclusive" in texts
    assert "99.0 % of 100  conforming" in texts


def test_lots_refuse_more_within_than_checked():
    with pytest.raises(InputError, match="0 <= n_within <= n_checked"):
        plot_lots(pd.DataFrame({"lot": ["L"], "n_within": [5], "n_checked": [4]}))
