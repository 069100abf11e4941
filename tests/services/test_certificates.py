"""Issuing DCCs from calibrations in the service layer: the demo's certificates, p from k."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from sitrace.config import Settings
from sitrace.dcc import read_certificate, validate, verify
from sitrace.services import SYSTEM
from sitrace.services import ledger as ledger_service
from sitrace.services.certificates import coverage_probability, get_certificate, ledger_check
from sitrace.services.demo import seed_demo
from sitrace.services.identity import load_identity


@pytest.mark.parametrize(
    ("k", "dof", "p"),
    [
        (2.0, None, 0.9545),  # JCGM 100 G.1.3: k = 2 gives about 95.45 % for a normal
        (2.576, None, 0.99),  # Table G.1: p = 99 % for k = 2.576
        (1.96, None, 0.95),
        (2.23, 10, 0.95),  # JCGM 100 Table G.2, nu = 10: t_95 = 2.23
        (2.28, 10, 0.9545),  # t_95.45 = 2.28
        (3.17, 10, 0.99),  # t_99 = 3.17
    ],
)
def test_coverage_probability_from_k_and_degrees_of_freedom(k, dof, p):
    assert coverage_probability(k, dof) == pytest.approx(p, abs=6e-4)


def test_the_demo_issues_valid_signed_certificates_logged_in_the_ledger(
    datacentre, dcc_schemas, tmp_path
):
    identity = load_identity(Settings(key_file=tmp_path / "demo.ledger-key"))
    dc = dataclasses.replace(datacentre, dcc_identity=identity, dcc_schemas=dcc_schemas)
    summary = seed_demo(dc, dt.date.today(), instruments=4)
    assert len(summary.certificates) == 4
    with dc.reading() as session:
        rows = [
            (row.validated, row.xml, row.digest, row.unique_identifier)
            for row in (get_certificate(session, SYSTEM, i) for i in summary.certificates)
        ]
        assert ledger_service.verify(session, dc.verifier).ok
    for validated, xml, digest, identifier in rows:
        assert validated
        assert validate(xml, schemas=dcc_schemas).valid
        report = verify(xml, trusted_roots=identity.roots)
        assert report.integrity and report.trust.startswith("trusted root")
        assert ledger_check(dc, bytes.fromhex(digest)).logged
        cert = read_certificate(xml)
        assert cert.core_data.unique_identifier == identifier
        conditions = cert.measurement_results[0].influence_conditions
        assert [c.name.get("en") for c in conditions] == ["Relative humidity", "Temperature"]
