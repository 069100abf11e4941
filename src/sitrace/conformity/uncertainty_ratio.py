"""Test uncertainty ratio and TUR-based false accept/reject risks (ANSI/NCSL Z540.3 practice).

Convention (ANSI/NCSL Z540.3-2006 and its Handbook): TUR = (T_U - T_L)/(2U),
U the expanded uncertainty of the calibration process at k = 2 (about 95 %). The
risks are global (JCGM 106:2012, 9) for the standard model of that practice: a
tolerance +-1 centred on the process mean, a normal process whose in-tolerance
probability (ITP, also end-of-period reliability) fixes its standard deviation,
sigma_p = 1/Phi^-1((1 + ITP)/2), and a normal measurement with u_m = U/2 = 1/(2 TUR).

A guard band is given as a multiple M of U: A = +-(1 - M U) = +-(1 - M/TUR); M = 0 is
simple acceptance, M < 0 widens the acceptance interval.

Contents
--------
tur
    (T_U - T_L)/(2U).
pfa_pfr
    PFA (= R_C) and PFR (= R_P) from TUR, ITP and M -> :class:`TurRisk`, with the
    worst case of PFA over the ITP.
worst_case_pfa
    max over ITP in (0, 1) of PFA, and the ITP where it is reached.
rss_guard_band, dobbert_guard_band
    The two TUR-based guard-band rules in use -> :class:`TurGuardBand`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from scipy import optimize, stats

from sitrace.conformity._checks import positive, probability_open, real
from sitrace.conformity.prior import normal_prior
from sitrace.conformity.process_risk import global_risk
from sitrace.conformity.tolerance import Tolerance
from sitrace.errors import InputError

__all__ = [
    "TurGuardBand",
    "TurRisk",
    "dobbert_guard_band",
    "pfa_pfr",
    "rss_guard_band",
    "tur",
    "worst_case_pfa",
]

_UNIT = Tolerance(-1.0, 1.0)


@dataclass(frozen=True, slots=True)
class TurRisk:
    """PFA and PFR at one TUR, ITP and guard band, and PFA's worst case over the ITP."""

    tur: float
    itp: float
    guard: float
    pfa: float
    pfr: float
    pfa_worst_case: float
    itp_worst_case: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "tur": self.tur,
            "itp": self.itp,
            "guard": self.guard,
            "pfa": self.pfa,
            "pfr": self.pfr,
            "pfa_worst_case": self.pfa_worst_case,
            "itp_worst_case": self.itp_worst_case,
        }


@dataclass(frozen=True, slots=True)
class TurGuardBand:
    """A TUR-based guard band.

    Attributes
    ----------
    multiplier : float
        M in A = T - M U (T the half-width of the tolerance).
    acceptance_factor : float
        A/T = 1 - M/TUR.
    rule, convention, source : str
        The rule's name, how TUR and the guard band are defined, and where it comes from.
    """

    tur: float
    multiplier: float
    acceptance_factor: float
    rule: str
    convention: str
    source: str


def tur(U: float, *, lower: float | None = None, upper: float | None = None) -> float:
    """TUR = (T_U - T_L)/(2U), U the expanded uncertainty at k = 2 (ANSI/NCSL Z540.3).

    Examples
    --------
    >>> tur(0.25, lower=-1.0, upper=1.0)
    4.0
    """
    U = positive("U", U)
    tol = Tolerance(lower, upper)
    if not tol.two_sided:
        raise InputError("TUR needs a two-sided tolerance: give both 'lower' and 'upper'")
    return tol.width / (2 * U)


def _sigma_p(itp: float) -> float:
    return 1.0 / float(stats.norm.ppf(0.5 * (1.0 + itp)))


def _pfa_pfr(t: float, itp: float, guard: float) -> tuple[float, float]:
    U = 1.0 / t
    w = guard * U
    if w >= 1.0:
        raise InputError(f"'guard' M = {guard:g} leaves no acceptance interval (M must be < TUR)")
    r = global_risk(normal_prior(0.0, _sigma_p(itp)), U / 2, _UNIT, guard_band=w)
    return float(r.rc), float(r.rp)


def worst_case_pfa(tur_value: float, *, guard: float = 0.0) -> tuple[float, float]:
    """(max PFA over the ITP, the ITP where it is reached), for one TUR and guard band.

    The PFA of an unguarded test is small when the process is nearly always in
    tolerance (few items to accept falsely) and when it is nearly always out of
    tolerance (few accepted at all); in between it has one maximum.

    References
    ----------
    M. Dobbert, "A guard-band strategy for managing false-accept risk", NCSLI Measure
    3 (2008) no. 4 (worst-case PFA over the in-tolerance probability; read through
    sandialabs/suncal, see tests/reference/tur/README.md).
    """
    t = positive("tur", tur_value)
    g = real("guard", guard)

    def neg(logit: float) -> float:
        itp = 1.0 / (1.0 + math.exp(-logit))
        return -_pfa_pfr(t, itp, g)[0]

    # Coarse scan, then a bounded Brent search around the best point.
    grid = [-4.0 + 0.5 * i for i in range(25)]
    values = [neg(x) for x in grid]
    i = min(range(len(grid)), key=values.__getitem__)
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    res = optimize.minimize_scalar(neg, bounds=(lo, hi), method="bounded", options={"xatol": 1e-8})
    itp = 1.0 / (1.0 + math.exp(-res.x))
    return -float(res.fun), itp


def pfa_pfr(tur_value: float, itp: float, *, guard: float = 0.0) -> TurRisk:
    """PFA and PFR for a TUR, an in-tolerance probability and a guard band M (w = M U).

    Examples
    --------
    >>> r = pfa_pfr(4.0, 0.95)
    >>> round(r.pfa, 4), round(r.pfr, 4)
    (0.0086, 0.0155)
    """
    t = positive("tur", tur_value)
    p = probability_open("itp", itp)
    g = real("guard", guard)
    pfa, pfr = _pfa_pfr(t, p, g)
    worst, at = worst_case_pfa(t, guard=g)
    return TurRisk(t, p, g, pfa, pfr, worst, at)


def rss_guard_band(tur_value: float) -> TurGuardBand:
    """Root-sum-square guard band: A = sqrt(T^2 - U^2), i.e. A/T = sqrt(1 - 1/TUR^2).

    Defined for TUR > 1. The acceptance limit is the tolerance with the expanded
    uncertainty taken away in quadrature.

    Examples
    --------
    >>> round(rss_guard_band(2.0).acceptance_factor, 4)
    0.866
    """
    t = positive("tur", tur_value)
    if t <= 1:
        raise InputError(f"the RSS guard band needs TUR > 1, got {t:g}")
    factor = math.sqrt(1.0 - 1.0 / (t * t))
    return TurGuardBand(
        t,
        (1.0 - factor) * t,
        factor,
        "rss",
        "TUR = (T_U - T_L)/(2U), U at k = 2; A = sqrt(T^2 - U^2) with T the half-width",
        "RSS guard band as implemented by sandialabs/suncal risk/guardband_tur.py (rss); "
        "its original publication was not read",
    )


def dobbert_guard_band(tur_value: float) -> TurGuardBand:
    """Dobbert's managed guard band: A = T - M U, M = 1.04 - exp(0.38 ln(TUR) - 0.54).

    Chosen so that the PFA stays at or below about 2 % whatever the in-tolerance
    probability (the ANSI/NCSL Z540.3 "2 % rule"). M falls below 0 for TUR above about
    4.6: the formula then widens the acceptance interval beyond the tolerance; it is
    returned as computed, not clipped.

    References
    ----------
    M. Dobbert, "A guard-band strategy for managing false-accept risk", NCSLI Measure
    3 (2008) no. 4; also Z540.3 Handbook "method 6". Formula read in sandialabs/suncal
    (test/test_risk.py and the notebook "Risk - Dobbert Guardband Derivation").

    Examples
    --------
    >>> round(dobbert_guard_band(2.0).multiplier, 4)
    0.2816
    """
    t = positive("tur", tur_value)
    m = 1.04 - math.exp(0.38 * math.log(t) - 0.54)
    return TurGuardBand(
        t,
        m,
        1.0 - m / t,
        "dobbert",
        "TUR = (T_U - T_L)/(2U), U at k = 2; A = T - M U with T the half-width",
        "M. Dobbert, NCSLI Measure 3(4) 2008 (managed 2 % PFA guard band)",
    )
