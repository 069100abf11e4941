"""Decision rules and statements of conformity (ILAC-G8:09/2019, JCGM 106:2012, 8).

Contents
--------
decide
    Apply one rule to a measured value y with expanded uncertainty U -> :class:`Decision`.
RULES
    The rule names: ``simple``, ``guarded``, ``guarded-rejection``, ``nonbinary``,
    ``pc`` and ``risk``.

Every decision carries the statement, the acceptance limits, the rule's text, the
standard and clause it comes from, the conformance probability p_c of the item, the
risk the statement carries (false accept for a pass, false reject for a fail) and the
largest specific false-accept risk the rule allows. Probabilities assume a normal
PDF N(y, (U/k)^2), k = 2 unless given (ILAC-G8:09/2019, 4.2: U at about 95 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sitrace.conformity._checks import positive, probability_open, real
from sitrace.conformity.specific import acceptance_interval, specific_risk
from sitrace.conformity.tolerance import Tolerance, tolerance
from sitrace.errors import InputError

__all__ = ["CONDITIONAL_FAIL", "CONDITIONAL_PASS", "FAIL", "PASS", "RULES", "Decision", "decide"]

PASS = "pass"
CONDITIONAL_PASS = "conditional pass"
CONDITIONAL_FAIL = "conditional fail"
FAIL = "fail"

_RULE_INFO = {
    "simple": (
        "Simple acceptance (w = 0): pass when the measured value lies in the tolerance "
        "interval, fail otherwise.",
        "ILAC-G8:09/2019",
        "4.2.1",
    ),
    "guarded": (
        "Guarded acceptance (w = r U): pass when the measured value lies in the tolerance "
        "interval narrowed by w at each limit, fail otherwise.",
        "ILAC-G8:09/2019",
        "4.2.2",
    ),
    "guarded-rejection": (
        "Guarded rejection (w = -r U): fail only when the measured value lies outside the "
        "tolerance interval widened by r U at each limit, pass otherwise.",
        "JCGM 106:2012",
        "8.3.3",
    ),
    "nonbinary": (
        "Non-binary statement with guard band w = r U: pass inside the acceptance "
        "interval; conditional pass inside the tolerance but within w of a limit; "
        "conditional fail outside the tolerance by at most w; fail beyond.",
        "ILAC-G8:09/2019",
        "4.2.3",
    ),
    "pc": (
        "Pass when the conformance probability p_c >= p, fail otherwise.",
        "JCGM 106:2012",
        "8.2, 8.3",
    ),
    "risk": (
        "Pass when the specific risk 1 - p_c <= p, fail otherwise.",
        "ILAC-G8:09/2019",
        "4.2.2 (specific risk), JCGM 106:2012 9.3",
    ),
}
RULES = tuple(_RULE_INFO)


@dataclass(frozen=True, slots=True)
class Decision:
    """A statement of conformity and what it rests on.

    Attributes
    ----------
    statement : str
        ``pass``, ``conditional pass``, ``conditional fail`` or ``fail`` (binary rules
        give only ``pass``/``fail``).
    rule : str
        The rule's name (one of :data:`RULES`).
    rule_text : str
        The rule in words, to print beside the statement (ISO/IEC 17025, 7.8.6.2).
    standard, clause : str
        Where the rule is defined.
    acceptance_limits : tuple of (float or None)
        (A_L, A_U); None where the tolerance has no such limit. For ``pc`` and
        ``risk`` they are the acceptance interval for that p_c (None, None when none exists).
    guard_band : float or None
        w (> 0 inward). None for ``pc``/``risk`` when no acceptance interval exists.
    value, U, k : float
        The measured value, its expanded uncertainty and coverage factor.
    p_c : float
        Conformance probability of the item (normal PDF, u = U/k).
    risk : float
        Probability that this statement is wrong: 1 - p_c for a (conditional) pass
        (false accept), p_c for a (conditional) fail (false reject).
    max_false_accept : float
        The largest specific false-accept risk of any value this rule passes.
    """

    statement: str
    rule: str
    rule_text: str
    standard: str
    clause: str
    acceptance_limits: tuple[float | None, float | None]
    guard_band: float | None
    value: float
    U: float
    k: float
    p_c: float
    risk: float
    max_false_accept: float

    @property
    def passed(self) -> bool:
        """True for ``pass`` and ``conditional pass``."""
        return self.statement in (PASS, CONDITIONAL_PASS)

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "rule": self.rule,
            "rule_text": self.rule_text,
            "standard": self.standard,
            "clause": self.clause,
            "acceptance_limits": list(self.acceptance_limits),
            "guard_band": self.guard_band,
            "value": self.value,
            "U": self.U,
            "k": self.k,
            "p_c": self.p_c,
            "risk": self.risk,
            "max_false_accept": self.max_false_accept,
        }


def _worst_accepted_risk(tol: Tolerance, acc: Tolerance, u: float) -> float:
    """max over y in the acceptance interval of 1 - p_c(y): reached at a limit or the middle."""
    points = [x for x in (acc.lower, acc.upper) if x is not None]
    return max(specific_risk(x, u, lower=tol.lower, upper=tol.upper).specific_risk for x in points)


def decide(
    value: float,
    U: float,
    limits: Tolerance | tuple[float | None, float | None] | None = None,
    *,
    lower: float | None = None,
    upper: float | None = None,
    rule: str = "simple",
    r: float = 1.0,
    p: float | None = None,
    k: float = 2.0,
) -> Decision:
    """State conformity of a measured value under a decision rule.

    Parameters
    ----------
    value : float
        Measured value y.
    U : float
        Expanded uncertainty (> 0) with coverage factor ``k``.
    limits : Tolerance or (lower, upper), optional
        The tolerance interval; or give ``lower``/``upper``.
    rule : str
        One of :data:`RULES`.
    r : float
        Guard-band factor, w = r U (``guarded``, ``guarded-rejection``, ``nonbinary``); >= 0.
    p : float
        For ``pc``: the required conformance probability; for ``risk``: the largest
        specific risk. In (0, 1).
    k : float
        Coverage factor of U; u = U/k.

    References
    ----------
    ILAC-G8:09/2019, 4.2.1-4.2.3 and Figs. 3-5; JCGM 106:2012, 8.2-8.3.

    Examples
    --------
    >>> d = decide(0.95, 0.1, (-1.0, 1.0), rule="nonbinary")
    >>> d.statement, d.acceptance_limits
    ('conditional pass', (-0.9, 0.9))
    """
    y = real("value", value)
    U = positive("U", U)
    k = positive("k", k)
    tol = tolerance(limits, lower=lower, upper=upper)
    if rule not in _RULE_INFO:
        raise InputError(f"'rule' must be one of {', '.join(RULES)}, got {rule!r}")
    text, standard, clause = _RULE_INFO[rule]
    u = U / k
    p_c = specific_risk(y, u, lower=tol.lower, upper=tol.upper).p_c
    r = real("r", r)
    if r < 0:
        raise InputError(f"'r' must be >= 0, got {r}")
    if rule in ("pc", "risk"):
        if p is None:
            raise InputError(f"rule {rule!r} needs 'p'")
        p = probability_open("p", p)
        need = p if rule == "pc" else 1.0 - p
        interval = acceptance_interval(u, lower=tol.lower, upper=tol.upper, p_c=need)
        ok = p_c >= need
        statement = PASS if ok else FAIL
        limits_out = (interval.lower, interval.upper)
        w = interval.guard_band
        worst = 1.0 - need
    else:
        if p is not None:
            raise InputError(f"'p' is for the rules 'pc' and 'risk', not {rule!r}")
        w = {"simple": 0.0, "guarded": r * U, "nonbinary": r * U, "guarded-rejection": -r * U}[rule]
        acc = tol.shrink(w)
        limits_out = (acc.lower, acc.upper)
        inside_acc = acc.contains(y)
        if rule == "nonbinary":
            if inside_acc:
                statement = PASS
            elif tol.contains(y):
                statement = CONDITIONAL_PASS
            elif tol.shrink(-w).contains(y):
                statement = CONDITIONAL_FAIL
            else:
                statement = FAIL
            worst = _worst_accepted_risk(tol, tol, u)
        else:
            statement = PASS if inside_acc else FAIL
            worst = _worst_accepted_risk(tol, acc, u)
    passed = statement in (PASS, CONDITIONAL_PASS)
    return Decision(
        statement=statement,
        rule=rule,
        rule_text=text,
        standard=standard,
        clause=clause,
        acceptance_limits=limits_out,
        guard_band=w,
        value=y,
        U=U,
        k=k,
        p_c=p_c,
        risk=1.0 - p_c if passed else p_c,
        max_false_accept=worst,
    )
