"""ISO 2859-1 single sampling (normal inspection), lots and the 95 % rule (issue 6).

Reference values: tests/reference/iso2859/ (README names each source). Table values are
integers and compared exactly.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sitrace.errors import InputError
from sitrace.meters import sampling
from sitrace.meters.sampling import (
    AQL_VALUES,
    CODE_LETTERS,
    LEVELS,
    Lot,
    code_letter,
    combine_evidence,
    draw_sample,
    group_lots,
    lot_conformity,
    lot_decision,
    single_plan,
)

REF = Path(__file__).resolve().parents[1] / "reference" / "iso2859"
TABLE1 = json.loads((REF / "table1_code_letters.json").read_text(encoding="utf-8"))
TABLE2A = json.loads((REF / "table2a_single_normal.json").read_text(encoding="utf-8"))
CHECKS = TABLE2A["independent_checks"]


# ---------------------------------------------------------------------------- issue 6 example


def test_issue_example_lot_2000_level_II_aql_1_0():
    ref = CHECKS["issue_6"]
    plan = single_plan(ref["lot_size"], float(ref["aql"]), level=ref["level"])
    assert plan.code_letter == ref["code_letter"] == "K"
    assert (plan.sample_size, plan.acceptance, plan.rejection) == (125, 3, 4)
    assert not plan.full_inspection
    assert plan.note == ""


# ---------------------------------------------------------------------------- Table 1


@pytest.mark.parametrize("row", TABLE1["rows"], ids=lambda r: f"{r['lot_min']}-{r['lot_max']}")
def test_table1_every_cell_at_both_band_edges(row):
    for level in LEVELS:
        expected = row["letters"][level]
        assert code_letter(row["lot_min"], level) == expected, (row["lot_min"], level)
        upper = row["lot_max"] if row["lot_max"] is not None else 10**9
        assert code_letter(upper, level) == expected, (upper, level)


@pytest.mark.parametrize(
    ("lot_size", "letter"),
    [(2, "A"), (8, "A"), (9, "B"), (15, "B"), (16, "C"), (280, "G"), (281, "H"), (1200, "J"),
     (1201, "K"), (3200, "K"), (3201, "L"), (150000, "N"), (150001, "P"), (500000, "P"),
     (500001, "Q"), (10**8, "Q")],
)  # fmt: skip
def test_level_II_letters_across_band_boundaries(lot_size, letter):
    assert code_letter(lot_size) == letter


def test_table1_bands_are_contiguous_in_the_reference():
    rows = TABLE1["rows"]
    assert rows[0]["lot_min"] == 2 and rows[-1]["lot_max"] is None
    for a, b in itertools.pairwise(rows):
        assert b["lot_min"] == a["lot_max"] + 1


# ---------------------------------------------------------------------------- Table 2-A


def test_sample_sizes_per_code_letter():
    assert TABLE2A["sample_sizes"]["values"] == sampling.SAMPLE_SIZES
    assert tuple(TABLE2A["letters"]) == CODE_LETTERS
    assert tuple(TABLE2A["aql_columns"]) == AQL_VALUES


@pytest.mark.parametrize("letter", CODE_LETTERS)
def test_table2a_every_cell_after_following_the_arrows(letter):
    expected = TABLE2A["resolved_plans"]["values"][letter]
    for j, aql in enumerate(AQL_VALUES):
        _, n, ac, re, _ = sampling._table_2a(letter, j)
        assert [n, ac, re] == expected[aql], (letter, aql)
        assert re == ac + 1  # single sampling, normal inspection


def test_table2a_against_independent_level_II_slice_from_mil_std_105e():
    """NIBS (ASCII copy of MIL-STD-105E level II, AQL 0.65..15): sample size and printed Re."""
    checked = 0
    for cell in CHECKS["nibs_level_II"]["cells"]:
        if cell.get("status") == "discrepancy":
            continue
        _, n, _, re, _ = sampling._table_2a(cell["code_letter"], AQL_VALUES.index(cell["aql"]))
        assert (n, re) == (cell["sample_size"], cell["rejection"]), cell
        checked += 1
    assert checked == 119


def test_top_row_aql_10_follows_the_machine_read_table_not_the_ascii_copy():
    # The ASCII copy prints an up arrow at A/10, with no plan above it; the extraction of the
    # MIL-STD-105E drawing reads a down arrow to C (n = 5, 1/2). See README, discrepancies.
    [cell] = [c for c in CHECKS["nibs_level_II"]["cells"] if c.get("status") == "discrepancy"]
    assert (cell["code_letter"], cell["aql"]) == ("A", "10")
    assert sampling._table_2a("A", AQL_VALUES.index("10"))[:4] == ("C", 5, 1, 2)


@pytest.mark.parametrize("ref", CHECKS["plos_figshare_iso2859_1999"]["plans"],
                         ids=lambda r: f"{r['level']}-{r['aql']}")  # fmt: skip
def test_iso_2859_1_1999_special_levels_for_large_lots(ref):
    for lot_size in CHECKS["plos_figshare_iso2859_1999"]["lot_sizes"]:
        plan = single_plan(lot_size, ref["aql"], level=ref["level"])
        assert (plan.sample_size, plan.acceptance, plan.rejection) == (
            ref["sample_size"], ref["acceptance"], ref["rejection"]
        )  # fmt: skip


def test_arrow_down_gives_a_larger_sample():
    # Code letter A (lot 2..8, level II) has no plan for AQL 1.0: the arrow points down to E.
    _, n, ac, re, note = sampling._table_2a("A", AQL_VALUES.index("1.0"))
    assert (n, ac, re) == (13, 0, 1)
    assert "below the arrow" in note and "code letter E" in note


def test_arrow_up_gives_a_smaller_sample():
    plan = single_plan(2000, 15)  # K has no plan at AQL 15: first plan above is J, 21/22
    assert plan.code_letter == "K" and plan.plan_letter == "J"
    assert (plan.sample_size, plan.acceptance, plan.rejection) == (80, 21, 22)
    assert "above the arrow" in plan.note


def test_sample_size_equal_to_lot_size_means_100_percent_inspection():
    plan = single_plan(13, 1.0)  # B -> arrow -> E, n = 13 = lot size
    assert plan.full_inspection and plan.sample_size == 13
    assert "100 % inspection" in plan.note
    plan = single_plan(5, 1.0)  # A -> E, n = 13 > 5: inspect the 5
    assert plan.full_inspection and plan.sample_size == 5 and plan.plan_letter == "E"
    plan = single_plan(14, 1.0)
    assert not plan.full_inspection and plan.sample_size == 13


def test_aql_given_as_printed_string_or_number():
    assert single_plan(2000, "0.65") == single_plan(2000, 0.65)
    assert single_plan(2000, "10") == single_plan(2000, 10.0)


# ---------------------------------------------------------------------------- input errors


@pytest.mark.parametrize("bad", [1, 0, -5])
def test_lot_size_below_two_is_refused(bad):
    with pytest.raises(InputError, match=r"lot_size: must be >= 2 .*got "):
        single_plan(bad, 1.0)


@pytest.mark.parametrize("bad", [2.5, "100", True, None])
def test_lot_size_must_be_an_integer(bad):
    with pytest.raises(InputError, match="lot_size: must be an integer"):
        code_letter(bad)


@pytest.mark.parametrize("bad", [0.5, 3.0, "1.2", "abc", None])
def test_unknown_aql_is_refused(bad):
    with pytest.raises(InputError, match=r"aql: unknown AQL .*columns 0\.010, 0\.015"):
        single_plan(2000, bad)


@pytest.mark.parametrize("bad", ["IV", "ii", "S-5", "S1"])
def test_unknown_level_is_refused(bad):
    with pytest.raises(InputError, match=r"level: unknown inspection level .*S-1, S-2"):
        single_plan(2000, 1.0, level=bad)


# ---------------------------------------------------------------------------- sampling


def _lot(n: int) -> tuple[str, ...]:
    return tuple(f"m{k:05d}" for k in range(n))


def test_seeded_sample_is_reproducible_and_without_replacement():
    ids = _lot(2000)
    plan = single_plan(2000, 1.0)
    a = draw_sample(ids, plan, rng=42)
    b = draw_sample(ids, plan, rng=np.random.default_rng(42))
    c = draw_sample(ids, plan, rng=43)
    assert a == b
    assert a != c
    assert len(a) == 125 and len(set(a)) == 125 and set(a) <= set(ids)


def test_sample_under_full_inspection_is_the_whole_lot():
    ids = _lot(5)
    assert sorted(draw_sample(ids, single_plan(5, 1.0), rng=0)) == list(ids)


def test_preferred_meters_are_drawn_first():
    ids = _lot(2000)
    plan = single_plan(2000, 1.0)
    prefer = ids[:10]
    sample = draw_sample(ids, plan, rng=1, prefer=prefer)
    assert sample[:10] == prefer and len(set(sample)) == 125
    many = ids[:300]
    sample = draw_sample(ids, plan, rng=1, prefer=many)
    assert set(sample) <= set(many) and len(sample) == 125


def test_sample_needs_the_lot_the_plan_was_made_for():
    with pytest.raises(InputError, match="plan is for a lot of 2000 meters, got 1999"):
        draw_sample(_lot(1999), single_plan(2000, 1.0), rng=0)
    with pytest.raises(InputError, match="not in the lot"):
        draw_sample(_lot(2000), single_plan(2000, 1.0), rng=0, prefer=["x"])


def test_lot_decision_at_the_acceptance_and_rejection_numbers():
    plan = single_plan(2000, 1.0)  # n 125, Ac 3, Re 4
    accepted = lot_decision([False] * 3 + [True] * 122, plan)
    rejected = lot_decision({f"m{k}": k >= 4 for k in range(125)}, plan)
    assert accepted.accepted and accepted.n_nonconforming == 3
    assert not rejected.accepted and rejected.n_nonconforming == 4
    assert (rejected.acceptance, rejected.rejection, rejected.n_inspected) == (3, 4, 125)


def test_lot_decision_needs_one_result_per_sampled_meter():
    plan = single_plan(2000, 1.0)
    with pytest.raises(InputError, match="inspects 125 meters, got 124 results"):
        lot_decision([True] * 124, plan)
    with pytest.raises(InputError, match=r"sample_results\[0\]: must be True"):
        lot_decision([1] + [True] * 124, plan)


# ---------------------------------------------------------------------------- lots


def _meters_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "meter": ["a", "b", "c", "d", "e"],
            "manufacturer": ["X", "X", "Y", "X", "Y"],
            "model": ["M1", "M1", "M9", "M2", "M9"],
            "year": [2019, 2019, 2020, 2019, 2020],
        }
    )


def test_group_lots_by_manufacturer_model_year():
    lots = group_lots(_meters_table())
    assert [(lot.name, lot.meters) for lot in lots] == [
        ("X/M1/2019", ("a", "b")),
        ("X/M2/2019", ("d",)),
        ("Y/M9/2020", ("c", "e")),
    ]
    assert lots[0].key == ("X", "M1", 2019) and lots[0].size == 2


def test_group_lots_errors_name_column_and_meter():
    with pytest.raises(InputError, match="missing column\\(s\\) 'year'"):
        group_lots(_meters_table().drop(columns="year"))
    df = _meters_table()
    df.loc[2, "model"] = None
    with pytest.raises(InputError, match="row 2: column 'model' is empty for meter 'c'"):
        group_lots(df)


# ---------------------------------------------------------------------------- the 95 % rule


@pytest.mark.parametrize(("x", "n"), [(0, 125), (3, 125), (7, 50), (1, 13), (20, 200)])
def test_binomial_bound_is_the_clopper_pearson_beta_quantile(x, n):
    r = lot_conformity(n - x, n, lot_size=10**6)
    assert r.binomial_upper == pytest.approx(stats.beta.ppf(0.95, x + 1, n - x), rel=1e-12)
    # its defining property: P(X <= x | p_upper) = 1 - confidence
    assert stats.binom.cdf(x, n, r.binomial_upper) == pytest.approx(0.05, rel=1e-9)
    if x == 0:
        assert r.binomial_upper == pytest.approx(1 - 0.05 ** (1 / n), rel=1e-12)
    else:
        assert r.binomial_lower == pytest.approx(stats.beta.ppf(0.05, x, n - x + 1), rel=1e-12)


@pytest.mark.parametrize(("x", "n", "N"), [(0, 125, 2000), (3, 125, 2000), (5, 80, 120),
                                           (2, 32, 40), (0, 13, 13), (10, 50, 51)])  # fmt: skip
def test_hypergeometric_bound_against_a_direct_search(x, n, N):
    r = lot_conformity(n - x, n, lot_size=N)
    D = np.arange(x, N - (n - x) + 1)
    upper = D[stats.hypergeom.cdf(x, N, D, n) > 0.05].max()
    lower = D[stats.hypergeom.sf(x - 1, N, D, n) > 0.05].min() if x else x
    assert r.nonconforming_upper * N == pytest.approx(upper, abs=1e-9)
    assert r.nonconforming_lower * N == pytest.approx(lower, abs=1e-9)


def test_full_inspection_gives_the_exact_fraction():
    r = lot_conformity(95, 100, lot_size=100)
    assert r.nonconforming_upper == r.nonconforming_lower == 0.05
    assert r.verdict == "conforming" and r.stays_in_service
    r = lot_conformity(94, 100, lot_size=100)
    assert r.verdict == "nonconforming" and not r.stays_in_service


def test_95_percent_rule_verdicts():
    assert lot_conformity(125, 125, lot_size=2000).verdict == "conforming"
    mid = lot_conformity(120, 125, lot_size=2000)  # 4 % observed, bound above 5 %
    assert mid.verdict == "inconclusive" and not mid.stays_in_service
    assert lot_conformity(100, 125, lot_size=2000).verdict == "nonconforming"


def test_lot_conformity_input_errors():
    with pytest.raises(InputError, match="n_within: cannot exceed n_checked 5, got 6"):
        lot_conformity(6, 5, lot_size=10)
    with pytest.raises(InputError, match="n_checked: cannot exceed lot_size 10, got 11"):
        lot_conformity(1, 11, lot_size=10)
    with pytest.raises(InputError, match="confidence: must be a number strictly between 0 and 1"):
        lot_conformity(1, 1, lot_size=10, confidence=1.0)


# ---------------------------------------------------------------------------- evidence


def test_lab_verdict_overrides_the_remote_status():
    remote = pd.DataFrame(
        {"meter": ["a", "b", "c", "d"], "status": ["ok", "flagged", "not_estimable", "ok"]}
    )
    lab = {"b": True, "d": False, "z": True}
    lots = group_lots(
        pd.DataFrame({"meter": list("abcdz"), "manufacturer": ["X"] * 5, "model": ["M"] * 5,
                      "year": [2020] * 5})
    )  # fmt: skip
    ev = combine_evidence(remote, lab, lots=lots).set_index("meter")
    assert ev.loc["a", "within"] and ev.loc["a", "source"] == "remote"
    assert ev.loc["b", "within"] and ev.loc["b", "source"] == "lab"
    assert pd.isna(ev.loc["c", "within"]) and ev.loc["c", "source"] == "none"
    assert not ev.loc["d", "within"] and ev.loc["d", "remote_status"] == "ok"
    assert pd.isna(ev.loc["z", "remote_status"]) and ev.loc["z", "within"]
    assert set(ev["lot"]) == {"X/M/2020"}
    assert int(ev["within"].sum()) == 3 and int(ev["within"].notna().sum()) == 4


def test_combine_evidence_refuses_unknown_status():
    remote = pd.DataFrame({"meter": ["a"], "status": ["good"]})
    with pytest.raises(InputError, match="row 0: status must be one of ok, flagged"):
        combine_evidence(remote, {})


def test_lot_is_a_value():
    lot = Lot(key=("X",), name="X", meters=("a",))
    with pytest.raises(AttributeError):
        lot.name = "Y"
