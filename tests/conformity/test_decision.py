"""Decision rules and their statements (ILAC-G8:09/2019, JCGM 106:2012, 8)."""

from __future__ import annotations

import pytest
from scipy import stats

from sitrace.conformity import RULES, decide
from sitrace.errors import InputError

TOL = (-1.0, 1.0)


@pytest.mark.parametrize(
    "y, expected",
    [
        (0.0, "pass"),
        (0.9, "pass"),
        (0.95, "conditional pass"),
        (1.0, "conditional pass"),
        (1.05, "conditional fail"),
        (1.1, "conditional fail"),
        (1.2, "fail"),
        (-1.05, "conditional fail"),
    ],
)
def test_nonbinary_statements_follow_the_four_zones(y, expected):
    assert decide(y, 0.1, TOL, rule="nonbinary").statement == expected


def test_simple_acceptance_passes_anything_in_the_tolerance():
    d = decide(1.0, 0.1, TOL, rule="simple")
    assert d.statement == "pass" and d.acceptance_limits == TOL and d.guard_band == 0.0
    assert decide(1.01, 0.1, TOL, rule="simple").statement == "fail"


def test_guarded_acceptance_moves_the_limits_inward_by_r_u():
    d = decide(0.85, 0.1, TOL, rule="guarded", r=1.5)
    assert d.acceptance_limits == pytest.approx((-0.85, 0.85))
    assert d.statement == "pass"
    assert decide(0.86, 0.1, TOL, rule="guarded", r=1.5).statement == "fail"


def test_guarded_rejection_moves_the_limits_outward():
    d = decide(1.05, 0.1, TOL, rule="guarded-rejection")
    assert d.acceptance_limits == pytest.approx((-1.1, 1.1)) and d.statement == "pass"


def test_binary_rules_only_say_pass_or_fail():
    for rule in ("simple", "guarded", "guarded-rejection"):
        for y in (-2, -1.05, -0.95, 0, 0.95, 1.05, 2):
            assert decide(y, 0.1, TOL, rule=rule).statement in ("pass", "fail")


def test_pc_rule_passes_when_pc_reaches_p():
    d = decide(0.8, 0.2, TOL, rule="pc", p=0.95)
    assert d.p_c == pytest.approx(stats.norm.cdf(2.0) - stats.norm.cdf(-18.0))
    assert d.statement == "pass"
    assert decide(0.9, 0.2, TOL, rule="pc", p=0.95).statement == "fail"


def test_risk_rule_is_pc_rule_with_one_minus_p():
    a = decide(0.83, 0.2, TOL, rule="risk", p=0.05)
    b = decide(0.83, 0.2, TOL, rule="pc", p=0.95)
    assert a.statement == b.statement and a.acceptance_limits == b.acceptance_limits


def test_each_decision_carries_rule_text_standard_clause_and_risk():
    d = decide(0.95, 0.1, TOL, rule="guarded")
    assert d.standard == "ILAC-G8:09/2019" and d.clause == "4.2.2"
    assert "w = r U" in d.rule_text
    assert d.statement == "fail" and d.risk == pytest.approx(d.p_c)
    assert set(d.to_dict()) >= {"statement", "rule_text", "acceptance_limits", "risk"}


def test_a_pass_carries_its_false_accept_risk():
    d = decide(0.5, 0.2, upper=1.0, rule="simple")
    assert d.risk == pytest.approx(stats.norm.sf(5.0))


def test_unknown_rule_is_refused_and_names_the_choices():
    with pytest.raises(InputError, match="'rule' must be one of simple"):
        decide(0.0, 0.1, TOL, rule="lenient")
    assert "nonbinary" in RULES


@pytest.mark.parametrize("U", [0.0, -0.1, float("nan")])
def test_expanded_uncertainty_must_be_positive(U):
    with pytest.raises(InputError, match="'U'"):
        decide(0.0, U, TOL)


def test_pc_rule_needs_p_and_other_rules_refuse_it():
    with pytest.raises(InputError, match="needs 'p'"):
        decide(0.0, 0.1, TOL, rule="pc")
    with pytest.raises(InputError, match="'p' is for"):
        decide(0.0, 0.1, TOL, rule="simple", p=0.9)


def test_negative_r_is_refused():
    with pytest.raises(InputError, match="'r' must be >= 0"):
        decide(0.0, 0.1, TOL, rule="guarded", r=-1)
