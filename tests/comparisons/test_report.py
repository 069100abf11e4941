"""HTML reports: one self-contained page, every lab and number shown, every text escaped."""

from __future__ import annotations

import re

import pytest

from sitrace.comparisons import (
    ParticipantResult,
    assigned_value,
    consensus_value,
    dersimonian_laird,
    evaluate_participants,
    largest_consistent_subset,
    participants,
    procedure_a,
)
from sitrace.comparisons.report import key_comparison_html, proficiency_html
from sitrace.errors import InputError

# y = (1.0 + 1.2)/2 = 1.1, u(y) = 0.1/sqrt(2) = 0.0707...; chi2 = 2 * 0.1^2/0.1^2 = 2
# with 1 degree of freedom, Birge ratio sqrt(2) = 1.414...
PAIR = participants(["<b>&", "B"], [1.0, 1.2], [0.1, 0.1])
RESULTS = participants(["A", "B", "C", "D"], [0.0, 0.1, -0.1, 5.0], [0.1] * 4)


def _external(page: str) -> list[str]:
    """Addresses a browser would fetch: src/href to anything but a fragment, @import, url()."""
    return re.findall(r"""(?:src|href)\s*=\s*["'](?!#)[^"']*["']|@import|url\((?!#)""", page)


def test_the_key_comparison_page_shows_the_reference_value_and_the_chi2_check():
    page = key_comparison_html(PAIR, procedure_a(PAIR), title="CCQM-K00", unit="mg/kg")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>CCQM-K00</title>" in page
    assert re.search(r"Reference value y</th><td[^>]*>1\.100<", page)
    assert re.search(r"Standard uncertainty u\(y\)</th><td[^>]*>0\.071<", page)
    assert re.search(r"U\(y\), k = 2</th><td[^>]*>0\.14<", page)
    assert re.search(r"χ² observed</th><td[^>]*>2\.000<", page)
    assert re.search(r"Birge ratio</th><td[^>]*>1\.41<", page)
    assert re.search(r"Consistent</th><td[^>]*>yes<", page)
    assert "x_i / mg/kg" in page


def test_the_table_has_every_lab_with_its_degree_of_equivalence():
    page = key_comparison_html(PAIR, procedure_a(PAIR))
    # d = -0.1, u(d) = sqrt(0.01 - 0.005) = 0.0707, U = 0.1414, En = -0.707
    row = re.search(r"<th scope=\"row\">B</th>(.*?)</tr>", page, re.DOTALL).group(1)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    assert cells == ["1.2", "0.1", "0.10", "0.071", "0.14", "0.71", "yes"]


def test_lab_names_titles_and_units_are_escaped():
    page = key_comparison_html(PAIR, procedure_a(PAIR), title="<script>x</script>", unit="<i>")
    assert "&lt;b&gt;&amp;" in page
    assert "<b>&" not in page
    assert "<script" not in page
    assert "&lt;script&gt;" in page
    assert "<i>" not in page


def test_the_page_embeds_three_svg_plots_and_fetches_nothing():
    page = key_comparison_html(RESULTS, largest_consistent_subset(RESULTS))
    assert page.count("<svg") == 3
    for caption in ("Degrees of equivalence", "Results ranked", "Kernel density"):
        assert f"<figcaption>{caption}</figcaption>" in page
    assert _external(page) == []
    assert "<!--" not in page
    assert "<?xml" not in page


def test_excluded_labs_and_flagged_en_are_marked():
    page = key_comparison_html(RESULTS, largest_consistent_subset(RESULTS))
    assert re.search(r"Excluded from y</th><td[^>]*>D<", page)
    row = re.search(
        r"<tr class=\"excluded\">\s*<th scope=\"row\">D</th>(.*?)</tr>", page, re.DOTALL
    )
    assert row is not None
    assert re.search(r"<td class=\"num flag\">[0-9.]+</td>\s*<td>no</td>", row.group(1))


def test_a_random_effects_page_shows_tau_and_no_chi2():
    result = dersimonian_laird(RESULTS)
    page = key_comparison_html(RESULTS, result)
    assert f">{result.tau:.2g}<" in page
    assert "Between-laboratory standard deviation τ" in page
    assert "χ²" not in page


def test_tiny_values_are_not_printed_with_seventeen_digits():
    tiny = participants(["A", "B", "C"], [1.0e-6, 1.1e-6, 1.05e-6], [1e-8, 2e-8, 1e-8])
    page = key_comparison_html(tiny, procedure_a(tiny))
    table = page.split("<h2>Plots</h2>")[0]
    assert not re.search(r"\d{9,}", table)
    # y = 1.0333...e-6, u(y) = 6.67e-9: the last digit of y at the place of u's second
    assert re.search(r"Reference value y</th><td[^>]*>1\.0333e-06<", table)
    assert re.search(r"Standard uncertainty u\(y\)</th><td[^>]*>6\.7e-09<", table)


def test_results_must_match_the_evaluated_labs():
    with pytest.raises(InputError, match=r"got no result for \['D'\]"):
        key_comparison_html(RESULTS[:3], procedure_a(RESULTS))
    with pytest.raises(InputError, match=r"result must be a KeyComparisonResult, got dict"):
        key_comparison_html(RESULTS, {})


# --------------------------------------------------------------------------- proficiency

VALUES = [1.69, 0.74, 2.05, 1.14, 2.19, 1.39, 1.52, 1.50, 1.58, 0.80, 1.21, 1.63]


def _round():
    return evaluate_participants(
        [
            ParticipantResult(f"lab {i + 1}", x, standard_uncertainty=0.1)
            for i, x in enumerate(VALUES)
        ]
        + [ParticipantResult("<b>&", 3.4, expanded_uncertainty=0.2)],
        consensus_value(VALUES),
        sigma_pt=0.40,
    )


def test_the_proficiency_page_shows_the_assigned_value_and_every_participant():
    evaluation = _round()
    page = proficiency_html(evaluation, title="Round 7", unit="µg/L")
    a = evaluation.assigned
    assert f">{a.value:.2f}<" in page  # u(x_pt) = 1.25 s*/sqrt(12) is 0.1...: two decimals
    assert re.search(r"u\(x_pt\)</th><td[^>]*>0\.1\d<", page)
    assert re.search(r"σ_pt</th><td[^>]*>0\.40<", page)
    assert re.search(r"Performance judged by</th><td[^>]*>z&#39;<", page)
    for i in range(len(VALUES)):
        assert f'<th scope="row">lab {i + 1}</th>' in page
    assert "&lt;b&gt;&amp;" in page and "<b>&" not in page
    assert "x_i / µg/L" in page


def test_each_score_cell_carries_its_evaluation():
    evaluation = _round()
    page = proficiency_html(evaluation)
    row = re.search(r"<th scope=\"row\">&lt;b&gt;&amp;</th>(.*?)</tr>", page, re.DOTALL).group(1)
    cells = re.findall(r"<td class=\"([^\"]*)\">([^<]*)</td>", row)
    score = evaluation.scores[-1]
    assert cells[2] == (f"num {score.z_evaluation}", f"{score.z:.2f}")
    assert cells[4] == ("num", "–")  # no u(x_i): no zeta
    assert cells[5] == (f"num {score.en_evaluation}", f"{score.en:.2f}")
    assert cells[-1] == (evaluation.evaluation("<b>&"),) * 2


def test_the_summary_counts_every_evaluation():
    evaluation = _round()
    page = proficiency_html(evaluation)
    counts = evaluation.summary()["z'"]
    row = re.search(r"<th scope=\"row\">z&#39;</th>(.*?)</tr>", page, re.DOTALL).group(1)
    numbers = re.findall(r"<td class=\"num\">([^<]*)</td>", row)
    expected = [counts["satisfactory"], counts["questionable"], counts["unsatisfactory"]]
    assert numbers == [str(n) for n in expected] + [str(len(VALUES) + 1)]


def test_the_proficiency_page_embeds_score_plots_and_fetches_nothing():
    page = proficiency_html(_round())
    # performance (z'), zeta and En: every kind some participant has
    assert page.count("<svg") == 3
    assert _external(page) == []


def test_a_round_without_uncertainties_has_one_plot():
    plain = evaluate_participants(
        [ParticipantResult("L1", 10.5), ParticipantResult("L2", 9.0)],
        assigned_value(10.0, 0.05),
        0.5,
    )
    page = proficiency_html(plain)
    assert page.count("<svg") == 1
    assert "<figcaption>z scores (performance)</figcaption>" in page


def test_proficiency_html_refuses_what_is_not_an_evaluation():
    with pytest.raises(InputError, match=r"evaluation must be a ProficiencyEvaluation, got"):
        proficiency_html(procedure_a(PAIR))
    with pytest.raises(InputError, match=r"title must be a string or None, got int"):
        proficiency_html(_round(), title=7)
