"""Comparisons in the demo data centre: what a regulator and the labs find after seeding."""

from __future__ import annotations

import datetime as dt

import pytest

from sitrace.services import SYSTEM
from sitrace.services import ledger as ledger_service
from sitrace.services.comparisons import (
    cmc_flags_query,
    comparison_detail,
    comparison_report_html,
    get_comparison,
)
from sitrace.services.demo import seed_demo


@pytest.fixture
def demo(datacentre):
    return datacentre, seed_demo(datacentre, dt.date(2026, 6, 1), instruments=4)


def test_the_demo_seeds_an_evaluated_national_comparison_and_a_pt_round(demo):
    dc, summary = demo
    key_id, pt_id = summary.comparisons
    with dc.reading() as session:
        key = comparison_detail(session, SYSTEM, get_comparison(session, SYSTEM, key_id))
        pt = comparison_detail(session, SYSTEM, get_comparison(session, SYSTEM, pt_id))
        flags = [
            (f.laboratory_id, f.comparison_id)
            for f in session.execute(cmc_flags_query(SYSTEM)).scalars()
        ]
        assert ledger_service.verify(session, dc.verifier).ok
    assert key["outcome"]["consistent"] is True
    assert {r["code"]: r["evaluation"] for r in key["results"]} == {
        "NIM": "equivalent",
        "RLAB": "equivalent",
        "ELAB": "equivalent",
    }
    # newest first: ELAB's PT result has En = 2.48 (its U does not cover its deviation);
    # NIM claims a CMC of 1.5e-8 kg but demonstrated U = 2e-8 kg
    assert flags == [
        (summary.organisations["ELAB"], pt_id),
        (summary.organisations["NIM"], key_id),
    ]
    assert pt["outcome"]["performance_score"] == "z"
    scores = {r["code"]: r for r in pt["results"]}
    assert scores["RLAB"]["reported"]["unit"] == "\\kilo\\pascal"
    assert scores["RLAB"]["scores"]["z"] == pytest.approx((1.00005 - 1.000012) / 5e-4)
    assert scores["ELAB"]["evaluation"] == "questionable"
    assert scores["ELAB"]["scores"]["en_evaluation"] == "unsatisfactory"
    assert scores["ELAB"]["cmc"]["reasons"] == ["the result is not equivalent: |En| = 2.48 > 1"]


def test_the_report_of_a_pt_round_shows_its_scores(demo):
    dc, summary = demo
    with dc.reading() as session:
        page = comparison_report_html(session, SYSTEM, summary.comparisons[1])
    assert "PT-2026-P1" in page and "questionable" in page and "<svg" in page
