"""`sitrace interval ...`: the JSON contract of issue 8, readable text, errors in words, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitrace.cli.interval import interval_app

REFERENCE = Path(__file__).parents[1] / "reference" / "intervals"
runner = CliRunner()


def _run(*args: str):
    return runner.invoke(interval_app, list(args))


def _json(*args: str) -> dict:
    result = _run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def staircase_csv(tmp_path) -> Path:
    path = tmp_path / "history.csv"
    path.write_text(
        "date,error,mpe\n2022-01-10,0.1,1.0\n2023-01-12,-0.7,1.0\n2024-01-15,1.3,1.0\n",
        encoding="utf-8",
    )
    return path


def test_staircase_json_gives_the_interval_after_each_calibration(staircase_csv):
    out = _json("staircase", "--history", str(staircase_csv), "--initial", "365")
    assert out == {"intervals": [365.0, 456.0, 456.0, 228.0]}


def test_staircase_options_set_every_rule(staircase_csv):
    out = _json(
        "staircase",
        "--history",
        str(staircase_csv),
        "--initial",
        "365",
        "--extend-below",
        "0.8",
        "--extend-factor",
        "2",
        "--shorten-factor",
        "0.25",
        "--min",
        "100",
        "--max",
        "800",
    )
    assert out["intervals"] == [365.0, 730.0, 800.0, 200.0]


def test_staircase_text_names_each_step(staircase_csv):
    result = _run("staircase", "--history", str(staircase_csv), "--initial", "365")
    assert result.exit_code == 0, result.output
    assert "extend" in result.stdout and "shorten" in result.stdout
    assert "Next interval: 228 d" in result.stdout


def test_a3_json_reproduces_the_2019_tutorial_asset_1():
    out = _json(
        "a3", "--history", str(REFERENCE / "a3_asset1.csv"), "--initial", "365", "--target", "0.95"
    )
    assert set(out) == {
        "interval",
        "rejection_confidence",
        "reliability_low",
        "reliability_high",
        "observed_reliability",
    }
    assert out["interval"] == 231.0
    assert round(out["rejection_confidence"], 4) == 0.9949
    assert (round(out["reliability_low"], 4), round(out["reliability_high"], 4)) == (0.6516, 0.8286)
    assert out["observed_reliability"] == 0.75


def test_a3_confidence_option_widens_the_range():
    narrow = _json(
        "a3", "--history", str(REFERENCE / "a3_asset1.csv"), "--initial", "365", "--target", "0.95"
    )
    wide = _json(
        "a3",
        "--history",
        str(REFERENCE / "a3_asset1.csv"),
        "--initial",
        "365",
        "--target",
        "0.95",
        "--confidence",
        "0.95",
    )
    assert wide["reliability_low"] < narrow["reliability_low"]


def test_s2_json_lists_every_model():
    out = _json("s2", "--data", str(REFERENCE / "rp1_table_d1.csv"), "--target", "0.75")
    assert set(out) == {"model", "parameters", "interval", "models"}
    names = [m["name"] for m in out["models"]]
    assert {"exponential", "weibull", "random_walk"} <= set(names)
    best = max(out["models"], key=lambda m: m["log_likelihood"])
    assert out["model"] == best["name"] and out["interval"] == best["interval"]
    assert out["parameters"] == best["parameters"]


def test_variables_json_reproduces_nasa_tables():
    data = str(REFERENCE / "nasa_table_7_2.csv")
    rel = _json(
        "variables",
        "--data",
        data,
        "--u0",
        "0.28",
        "--value",
        "10.03",
        "--lower",
        "9",
        "--upper",
        "11",
        "--target-reliability",
        "0.9",
    )
    assert set(rel) == {"b", "covariance", "s", "interval"}
    assert round(rel["interval"], 1) == 140.1
    assert round(rel["b"][0], 8) == 0.00015741 and round(rel["s"], 4) == 0.0708
    unc = _json(
        "variables", "--data", data, "--u0", "0.28", "--value", "10.03", "--target-u", "0.5"
    )
    assert round(unc["interval"], 2) == 327.15


def test_variables_text_says_when_no_interval_meets_the_target():
    result = _run(
        "variables",
        "--data",
        str(REFERENCE / "nasa_table_7_2.csv"),
        "--u0",
        "0.28",
        "--value",
        "9.03",
        "--lower",
        "9",
        "--target-reliability",
        "0.9",
    )
    assert result.exit_code == 0, result.output
    assert "not met" in result.stdout and "Interval: 0 d" in result.stdout


def test_in_use_json(tmp_path):
    usage = tmp_path / "usage.csv"
    usage.write_text("date,usage\n2024-02-01,300\n2024-03-01,250\n", encoding="utf-8")
    out = _json(
        "in-use",
        "--calibrated",
        "2024-01-01",
        "--usage",
        str(usage),
        "--usage-limit",
        "500",
        "--calendar-limit",
        "365",
    )
    assert out["due_date"] == "2024-03-01" and out["reason"] == "usage limit reached"
    assert out["calendar_due"] == "2024-12-31"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("s2", "--target", "0.9"), "line 3: field 'interval_days': must be > 0, got -5"),
        (("s2", "--target", "1.5"), None),
        (
            (
                "variables",
                "--u0",
                "0.1",
                "--value",
                "1",
                "--target-u",
                "1",
                "--target-reliability",
                "0.9",
            ),
            "exactly one of --target-u and --target-reliability",
        ),
    ],
)
def test_errors_are_words_and_exit_2(tmp_path, args, message):
    bad = tmp_path / "bad.csv"
    bad.write_text("interval_days,n,in_tolerance\n30,10,9\n-5,10,8\n", encoding="utf-8")
    drift = tmp_path / "drift.csv"
    drift.write_text("days,deviation\n10,0.1\n20,0.2\n30,0.35\n", encoding="utf-8")
    path = bad if args[0] == "s2" else drift
    flag = "--data"
    result = runner.invoke(interval_app, [*args, flag, str(path), "--json"])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "error:" in text
    if message is not None:
        assert message in text
    assert str(path.name) in text or "target" in text


def test_a_bad_history_row_names_file_line_and_field(tmp_path):
    history = tmp_path / "h.csv"
    history.write_text("date,error,mpe\n2024-01-01,0.1,1\n2024-02-01,0.2,0\n", encoding="utf-8")
    result = _run("staircase", "--history", str(history), "--initial", "100", "--json")
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "h.csv line 3: field 'mpe': must be > 0, got 0" in text


def test_non_positive_initial_interval_is_refused(staircase_csv):
    result = _run("staircase", "--history", str(staircase_csv), "--initial", "0")
    assert result.exit_code == 2
    assert "initial must be > 0, got 0" in " ".join(result.output.split())
