"""`sitrace compare`: a table for people, one JSON object for programs, errors in words, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sitrace.cli.compare import Method, compare

EXAMPLES = Path(__file__).parents[2] / "examples" / "comparisons"
runner = CliRunner()

# The lead registers the command in sitrace.cli.main; the tests build the same app.
app = typer.Typer()
app.command(name="compare", no_args_is_help=True)(compare)


def _run(*args: str):
    return runner.invoke(app, list(args))


def _json(*args: str) -> dict:
    result = _run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


DOE_KEYS = {"lab", "d", "u", "U", "En"}


def test_procedure_a_json_has_the_weighted_mean_keys():
    out = _json(str(EXAMPLES / "pcb28.csv"), "--method", "procedure-a")
    assert out["method"] == "procedure-a"
    for key in ("reference_value", "reference_uncertainty", "chi2_observed", "chi2_critical"):
        assert isinstance(out[key], float)
    assert isinstance(out["birge_ratio"], float)
    assert out["consistent"] is False
    assert out["degrees_of_equivalence"][0]["lab"] == "IRMM"
    assert set(out["degrees_of_equivalence"][0]) == DOE_KEYS


def test_lcs_json_lists_the_excluded_labs():
    out = _json(str(EXAMPLES / "pcb28.csv"), "--method", "lcs")
    assert out["method"] == "lcs"
    assert out["excluded"] == ["NARL", "NRC"]
    assert out["consistent"] is True


def test_dl_json_has_tau_and_no_chi2():
    out = _json(str(EXAMPLES / "ccl_k1_gauge.csv"), "--method", "dl")
    assert out["tau"] > 0
    assert "chi2_observed" not in out
    assert len(out["degrees_of_equivalence"]) == 9


def test_median_and_include_column():
    out = _json(str(EXAMPLES / "pcb105_k25.csv"), "--method", "median")
    # L6 has include=no: the median of the other six is (10.80 + 10.81)/2.
    assert out["reference_value"] == pytest.approx(10.805)
    assert out["excluded"] == ["L6"]


@pytest.mark.skipif("algorithm-a" not in [m.value for m in Method], reason="no ISO 13528 method")
def test_algorithm_a_uses_the_robust_consensus():
    out = _json(str(EXAMPLES / "pcb105_k25.csv"), "--method", "algorithm-a")
    assert out["method"] == "algorithm-a"
    assert len(out["degrees_of_equivalence"]) == 7


def test_the_table_shows_reference_value_chi2_and_degrees_of_equivalence():
    result = _run(str(EXAMPLES / "pcb28.csv"), "--method", "lcs")
    assert result.exit_code == 0, result.output
    assert "Reference value" in result.stdout
    assert "Birge ratio" in result.stdout
    assert "Excluded from the reference value: NARL, NRC" in result.stdout
    assert "NMIJ" in result.stdout


def test_plot_is_written(tmp_path):
    path = tmp_path / "doe.png"
    result = _run(str(EXAMPLES / "pcb28.csv"), "--method", "dl", "--plot", str(path))
    assert result.exit_code == 0, result.output
    assert path.stat().st_size > 0


def test_numbers_as_metrologists_write_them(tmp_path):
    f = tmp_path / "r.csv"
    f.write_text("lab,value,uncertainty\nA,1.0e-6,1E-8\nB,\u22121.1e-6,2e-8\n", encoding="utf-8")
    out = _json(str(f))
    assert out["degrees_of_equivalence"][1]["d"] < 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "lab,value,uncertainty\nA,1.0,0.1\nB,1.2x,0.1\n",
            r"line 3: column 'value' must be a number, got '1.2x'",
        ),
        ("lab,value,uncertainty\nA,1.0,0.1\nB,1.2,\n", r"line 3: column 'uncertainty' is empty"),
        ("lab,value\nA,1.0\n", r"line 1: header must name the columns .* missing uncertainty"),
        (
            "lab,value,uncertainty\nA,1.0,0.1\nB,1.2,0\n",
            r"line 3, lab 'B': uncertainty must be > 0",
        ),
        (
            "lab,value,uncertainty,include\nA,1.0,0.1,yes\nB,1.2,0.1,maybe\n",
            r"line 3: column 'include' must be yes/no/true/false/1/0, got 'maybe'",
        ),
        ("lab,value,uncertainty\nA,1.0,0.1\nA,1.2,0.1\n", r"lab 'A': duplicate lab name"),
        ("lab,value,uncertainty\nA,1.0,0.1\n", r"at least 2 participants, got 1"),
    ],
)
def test_errors_are_words_with_file_line_and_column_and_exit_2(tmp_path, text, message):
    import re

    f = tmp_path / "r.csv"
    f.write_text(text, encoding="utf-8")
    result = _run(str(f))
    assert result.exit_code == 2
    assert re.search(message, " ".join(result.output.split())), result.output
    assert "Traceback" not in result.output


def test_a_missing_file_is_an_error_in_words(tmp_path):
    result = _run(str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert "cannot read the file" in result.output


def test_a_bad_plot_suffix_is_an_error_in_words(tmp_path):
    result = _run(str(EXAMPLES / "pcb28.csv"), "--plot", str(tmp_path / "doe.txt"))
    assert result.exit_code == 2
    assert "plot file must end in" in result.output


def test_an_unknown_method_is_refused():
    result = _run(str(EXAMPLES / "pcb28.csv"), "--method", "mean")
    assert result.exit_code == 2


def test_report_is_one_html_page_with_every_lab(tmp_path):
    path = tmp_path / "pcb28.html"
    result = _run(str(EXAMPLES / "pcb28.csv"), "--method", "lcs", "--report", str(path))
    assert result.exit_code == 0, result.output
    assert f"Report written to {path}" in " ".join(result.stdout.split())
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Key comparison: pcb28.csv</title>" in page
    for lab in ("IRMM", "KRISS", "NARL", "NIST", "NMIJ", "NRC"):
        assert f'<th scope="row">{lab}</th>' in page
    assert "NARL, NRC" in page
    assert page.count("<svg") == 3


@pytest.mark.skipif("algorithm-a" not in [m.value for m in Method], reason="no ISO 13528 method")
def test_algorithm_a_report_is_a_key_comparison_report(tmp_path):
    path = tmp_path / "k25.html"
    result = _run(
        str(EXAMPLES / "pcb105_k25.csv"), "--method", "algorithm-a", "--report", str(path)
    )
    assert result.exit_code == 0, result.output
    page = path.read_text(encoding="utf-8")
    assert "robust mean by ISO 13528 Algorithm A" in page
    assert "Degrees of equivalence" in page


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_density_is_written(tmp_path, suffix):
    path = tmp_path / f"density{suffix}"
    result = _run(str(EXAMPLES / "pcb28.csv"), "--method", "dl", "--density", str(path))
    assert result.exit_code == 0, result.output
    assert path.stat().st_size > 0
    assert "Kernel density written to" in result.stdout


def test_report_and_density_leave_the_json_unchanged(tmp_path):
    plain = _json(str(EXAMPLES / "pcb28.csv"), "--method", "dl")
    with_files = _json(
        str(EXAMPLES / "pcb28.csv"),
        "--method",
        "dl",
        "--report",
        str(tmp_path / "r.html"),
        "--density",
        str(tmp_path / "d.svg"),
    )
    assert with_files == plain
    assert (tmp_path / "r.html").is_file() and (tmp_path / "d.svg").is_file()


def test_a_bad_report_suffix_is_an_error_in_words_and_nothing_is_written(tmp_path):
    result = _run(
        str(EXAMPLES / "pcb28.csv"),
        "--plot",
        str(tmp_path / "doe.png"),
        "--report",
        str(tmp_path / "r.pdf"),
    )
    assert result.exit_code == 2
    assert "report file must end in .html, .htm, got .pdf" in " ".join(result.output.split())
    assert list(tmp_path.iterdir()) == []


def test_a_bad_density_suffix_is_an_error_in_words(tmp_path):
    result = _run(str(EXAMPLES / "pcb28.csv"), "--density", str(tmp_path / "d.txt"))
    assert result.exit_code == 2
    assert "plot file must end in .pdf, .png, .svg, got .txt" in " ".join(result.output.split())


def test_an_unwritable_report_is_an_error_in_words(tmp_path):
    result = _run(str(EXAMPLES / "pcb28.csv"), "--report", str(tmp_path / "no" / "r.html"))
    assert result.exit_code == 2
    assert "cannot write the report" in " ".join(result.output.split())
