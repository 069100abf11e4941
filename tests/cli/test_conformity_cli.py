"""`sitrace conformity ...`: the JSON contract of issue 8, text for people, errors exit 2."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sitrace.cli.conformity import conformity_app

runner = CliRunner()


def _run(*args: str):
    return runner.invoke(conformity_app, list(args))


def _json(*args: str) -> dict:
    result = _run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_specific_json_keys_and_decision_with_require_pc():
    out = _json(
        "specific",
        "--value",
        "9.7",
        "--u",
        "0.15",
        "--lower",
        "9.5",
        "--upper",
        "10.5",
        "--require-pc",
        "0.95",
    )
    assert list(out) == [
        "p_c",
        "p_below",
        "p_above",
        "specific_risk",
        "C_m",
        "acceptance_interval",
        "decision",
        "note",
    ]
    assert out["decision"] == "fail" and out["note"] is None
    assert out["acceptance_interval"][0] == pytest.approx(9.7467284, abs=1e-6)
    assert out["C_m"] == pytest.approx(1 / 0.6)


def test_specific_without_require_pc_has_no_decision():
    out = _json("specific", "--value", "1", "--u", "0.5", "--upper", "2")
    assert "decision" not in out and out["acceptance_interval"] is None
    assert out["C_m"] is None and out["p_c"] == pytest.approx(0.9772498680518208)


def test_specific_with_no_acceptance_interval_says_why():
    out = _json(
        "specific",
        "--value",
        "0.5",
        "--u",
        "0.5",
        "--lower",
        "0",
        "--upper",
        "1",
        "--require-pc",
        "0.95",
    )
    assert out["acceptance_interval"] is None and "C_m" in out["note"]


def test_specific_t_needs_dof():
    result = _run("specific", "--value", "1", "--u", "0.5", "--upper", "2", "--dist", "t")
    assert result.exit_code == 2 and "--dof" in result.output
    out = _json(
        "specific", "--value", "1", "--u", "0.5", "--upper", "2", "--dist", "t", "--dof", "4"
    )
    assert out["p_c"] < 0.9772498680518208


def test_decide_nonbinary_json():
    out = _json(
        "decide",
        "--value",
        "0.95",
        "--U",
        "0.1",
        "--lower",
        "-1",
        "--upper",
        "1",
        "--rule",
        "nonbinary",
    )
    assert list(out) == ["statement", "acceptance_limits", "rule", "clause", "p_c"]
    assert out["statement"] == "conditional pass"
    assert out["acceptance_limits"] == pytest.approx([-0.9, 0.9])
    assert out["clause"] == "ILAC-G8:09/2019, 4.2.3"


def test_decide_binary_rules_say_pass_or_fail():
    for rule in ("simple", "guarded"):
        out = _json(
            "decide", "--value", "0.95", "--U", "0.1", "--upper", "1", "--rule", rule, "--r", "1"
        )
        assert out["statement"] == ("pass" if rule == "simple" else "fail")
        assert out["acceptance_limits"][0] is None


def test_global_json_keys_and_target_rc():
    out = _json(
        "global", "--prior", "gamma:4,0.25", "--um", "0.25", "--upper", "2", "--target-rc", "0.001"
    )
    assert list(out) == [
        "rc",
        "rp",
        "rc_conditional",
        "p_accept",
        "p_nonconforming",
        "acceptance_limits",
        "guard_band",
    ]
    assert out["rc"] == pytest.approx(0.001, rel=1e-8)
    assert out["acceptance_limits"][1] == pytest.approx(1.6718287715, rel=1e-8)


def test_global_with_accept_interval():
    out = _json(
        "global",
        "--prior",
        "normal:0,0.5",
        "--um",
        "0.125",
        "--lower",
        "-1",
        "--upper",
        "1",
        "--accept",
        "-0.9,0.9",
    )
    assert out["guard_band"] == pytest.approx(0.1)
    assert 0 < out["rc"] < 0.008006


def test_tur_json():
    out = _json("tur", "--tur", "4", "--itp", "0.95")
    assert list(out) == ["pfa", "pfr", "pfa_worst_case", "itp_worst_case"]
    assert out["pfa"] == pytest.approx(0.0085827, abs=1e-7)
    assert out["pfa_worst_case"] > out["pfa"]


def test_text_output_is_readable():
    result = _run("tur", "--tur", "4", "--itp", "0.95", "--guard", "0.5")
    assert result.exit_code == 0 and "PFA" in result.stdout and "worst-case" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["specific", "--value", "1", "--u", "-1", "--upper", "2"], "'u' must be > 0"),
        (["specific", "--value", "1", "--u", "1"], "needs a limit"),
        (
            ["specific", "--value", "1", "--u", "1", "--lower", "2", "--upper", "1"],
            "'lower' must be < 'upper'",
        ),
        (["specific", "--value", "nan", "--u", "1", "--upper", "1"], "'y' must be finite"),
        (["tur", "--tur", "4", "--itp", "1.2"], "'itp' must be in (0, 1)"),
        (
            ["global", "--prior", "weibull:1,2", "--um", "0.1", "--upper", "1"],
            "'prior' must be one of",
        ),
        (
            ["global", "--prior", "normal:0,1", "--um", "0.1", "--upper", "1", "--accept", "x,1"],
            "--accept",
        ),
        (
            [
                "global",
                "--prior",
                "normal:0,1",
                "--um",
                "0.1",
                "--upper",
                "1",
                "--target-rc",
                "0.01",
                "--target-rp",
                "0.01",
            ],
            "at most one",
        ),
    ],
)
def test_bad_input_is_an_error_in_words_with_exit_2(args, message):
    result = _run(*args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_unknown_rule_is_a_usage_error():
    result = _run("decide", "--value", "0", "--U", "0.1", "--upper", "1", "--rule", "lenient")
    assert result.exit_code == 2
