"""Proficiency testing by interlaboratory comparison (ISO 13528:2022).

What a proficiency-testing (PT) provider computes for one round: a robust mean and
standard deviation of the participants' results, the assigned value x_pt and its
standard uncertainty u(x_pt), the standard deviation for proficiency assessment
sigma_pt, and each participant's performance scores with their evaluation.

Contents
--------
algorithm_a
    Robust mean x* and robust standard deviation s* by Algorithm A (ISO 13528:2022,
    C.3.1) -> :class:`RobustEstimate`, with the value after every iteration.
assigned_value
    x_pt and u(x_pt) given by formulation, a certified reference material or a
    reference laboratory (7.3-7.5) -> :class:`AssignedValue`.
consensus_value
    x_pt = x* of the participants with u(x_pt) = 1.25 s*/sqrt(p) (7.7.3).
horwitz_sigma, sigma_pt_from_robust
    sigma_pt from a general model (8.4) or from the participants' robust s*.
uncertainty_is_negligible
    The check u(x_pt) <= 0.3 sigma_pt (9.2.1).
evaluate_participants
    D, z, z', zeta and En of every participant (9.3-9.7) and their evaluation
    (9.4-9.7) -> :class:`ProficiencyEvaluation` of :class:`ParticipantScore`.
classify_z, classify_en
    The evaluation of a single score: satisfactory, questionable, unsatisfactory.

Every function validates its input and raises :class:`sitrace.errors.InputError`
naming the participant (or the value, counted from 1) and the field.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sitrace.errors import ConvergenceError, InputError

__all__ = [
    "QUESTIONABLE",
    "SATISFACTORY",
    "UNSATISFACTORY",
    "AssignedValue",
    "ParticipantResult",
    "ParticipantScore",
    "ProficiencyEvaluation",
    "RobustEstimate",
    "algorithm_a",
    "assigned_value",
    "classify_en",
    "classify_z",
    "consensus_value",
    "evaluate_participants",
    "horwitz_sigma",
    "sigma_pt_from_robust",
    "uncertainty_is_negligible",
]

SATISFACTORY = "satisfactory"
QUESTIONABLE = "questionable"
UNSATISFACTORY = "unsatisfactory"
_CLASSES = (SATISFACTORY, QUESTIONABLE, UNSATISFACTORY)

# ISO 13528:2022, C.3.1: MADe = 1.483 median|x_i - x*|; winsorize at 1.5 s*; s* = 1.134 sd.
_MAD_FACTOR = 1.483
_WINSOR_FACTOR = 1.5
_SD_FACTOR = 1.134
# ISO 13528:2022, 7.7.3: u(x_pt) = 1.25 s*/sqrt(p).
_CONSENSUS_FACTOR = 1.25
# ISO 13528:2022, 9.2.1: u(x_pt) is negligible when <= 0.3 sigma_pt.
_NEGLIGIBLE = 0.3

_ASSIGNED_METHODS = {
    "formulation": "7.3",
    "certified reference material": "7.4",
    "reference laboratory": "7.5",
    "expert laboratories": "7.6",
}
_CONSENSUS = "consensus of participants (Algorithm A)"


# --------------------------------------------------------------------------- checks


def _fmt(value: float) -> str:
    """``2`` rather than ``2.0``; otherwise ``repr``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _number(value: Any, *, field: str, where: str | None, positive: bool = False) -> float:
    """Return ``value`` as a finite float (> 0 if ``positive``, else >= 0 is not checked)."""
    if not _is_real(value):
        raise InputError(
            f"{field} must be a real number, got {type(value).__name__} {value!r}", where=where
        )
    number = float(value)
    if math.isnan(number):
        raise InputError(f"{field} must be a finite number, got NaN", where=where)
    if math.isinf(number):
        raise InputError(f"{field} must be a finite number, got {number!r}", where=where)
    if positive and number <= 0.0:
        raise InputError(f"{field} must be > 0, got {_fmt(number)}", where=where)
    return number


def _non_negative(value: Any, *, field: str, where: str | None) -> float:
    number = _number(value, field=field, where=where)
    if number < 0.0:
        raise InputError(f"{field} must be >= 0, got {_fmt(number)}", where=where)
    return number


def _values(x: Any, *, name: str, where: str | None, minimum: int) -> np.ndarray:
    """A float64 copy of a 1-D array-like of finite reals with at least ``minimum`` items."""
    if isinstance(x, str | bytes | Mapping):
        raise InputError(
            f"{name} must be a 1-D array-like of real numbers, got {type(x).__name__}",
            where=where,
        )
    objects = np.array(x, dtype=object) if not isinstance(x, np.ndarray) else x
    if objects.ndim != 1:
        raise InputError(
            f"{name} must be a 1-D array-like of real numbers, got shape {objects.shape}",
            where=where,
        )
    for index, item in enumerate(objects.tolist()):
        if not _is_real(item):
            raise InputError(
                f"value {index + 1} (index {index}) must be a real number, "
                f"got {type(item).__name__} {item!r}",
                where=where,
            )
        if not math.isfinite(float(item)):
            raise InputError(
                f"value {index + 1} (index {index}) must be finite, got {float(item)!r}",
                where=where,
            )
    array = np.array(objects, dtype=np.float64)
    if array.size < minimum:
        raise InputError(
            f"{name} must hold at least {minimum} values, got {array.size}", where=where
        )
    return array


# --------------------------------------------------------------------------- Algorithm A


@dataclass(frozen=True, slots=True)
class RobustEstimate:
    """Robust mean and standard deviation of p values by Algorithm A.

    Build it with :func:`algorithm_a`.

    Attributes
    ----------
    mean : float
        Robust average x* (ISO 13528:2022, C.3.1).
    standard_deviation : float
        Robust standard deviation s* (C.3.1).
    p : int
        Number of values.
    iterations : int
        Number of winsorize-and-update steps made.
    history : tuple of (float, float)
        (x*, s*) at the start (median and 1.483 MAD) and after each iteration, so
        ``history[-1] == (mean, standard_deviation)`` and ``len(history) == iterations + 1``.
    """

    mean: float
    standard_deviation: float
    p: int
    iterations: int
    history: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        where = "RobustEstimate"
        mean = _number(self.mean, field="mean", where=where)
        sd = _number(self.standard_deviation, field="standard_deviation", where=where)
        if sd <= 0.0:
            raise InputError(f"standard_deviation must be > 0, got {_fmt(sd)}", where=where)
        if len(self.history) != self.iterations + 1:
            raise InputError(
                f"history must hold iterations + 1 = {self.iterations + 1} entries, "
                f"got {len(self.history)}",
                where=where,
            )
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "standard_deviation", sd)
        object.__setattr__(self, "history", tuple((float(m), float(s)) for m, s in self.history))

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON-ready)."""
        return {
            "mean": self.mean,
            "standard_deviation": self.standard_deviation,
            "p": self.p,
            "iterations": self.iterations,
            "history": [list(step) for step in self.history],
        }


def _third_figure_unchanged(old: tuple[float, float], new: tuple[float, float]) -> bool:
    """C.3.1 stopping rule: no change in the 3rd significant figure of s* and the same
    decimal place of x*."""
    s_new = new[1]
    if s_new <= 0.0:
        return old == new
    place = math.floor(math.log10(s_new)) - 2  # decimal exponent of the 3rd figure of s*
    scale = 10.0**place
    return all(round(a / scale) == round(b / scale) for a, b in zip(old, new, strict=True))


def algorithm_a(
    x: Iterable[float] | np.ndarray,
    *,
    tol: float | None = None,
    max_iter: int = 1000,
    where: str | None = None,
) -> RobustEstimate:
    """Robust average x* and robust standard deviation s* by Algorithm A.

    Start with x* = median(x_i) and s* = 1.483 median|x_i - x*|; then repeat:
    delta = 1.5 s*, winsorize each x_i to [x* - delta, x* + delta], and set x* to the
    mean and s* to 1.134 times the standard deviation (n - 1) of the winsorized values.
    Algorithm A is Huber's M-estimator with iterated scale: a few outliers cannot
    drag x* or inflate s* the way they do the mean and standard deviation.

    Parameters
    ----------
    x : array-like of shape (p,)
        Participants' results: finite real numbers, p >= 3.
    tol : float, optional, keyword-only
        ``None`` (default) stops as ISO 13528 does, when an iteration changes neither
        the third significant figure of s* nor the same decimal place of x*. A positive
        number instead stops when both change by at most ``tol * s*``.
    max_iter : int, keyword-only
        Largest number of iterations.
    where : str, optional, keyword-only
        Where the values came from, to prefix error messages.

    Returns
    -------
    RobustEstimate
        x*, s*, p, the number of iterations and the (x*, s*) after each.

    Raises
    ------
    InputError
        Fewer than 3 values, a value that is not a finite real number, or more than
        half the values equal (1.483 MAD = 0: Algorithm A cannot start).
    ConvergenceError
        If the stopping rule is not met within ``max_iter`` iterations.

    Notes
    -----
    p >= 3 is the computational minimum (a median absolute deviation that is not
    forced by the data). ISO 13528:2022, 5.4 and 7.7 warn that robust consensus
    values from few participants are unreliable; that judgement is left to the caller.

    References
    ----------
    ISO 13528:2022, Annex C, C.3.1 (Algorithm A); ISO 5725-5:1998, 6.2.

    Examples
    --------
    >>> r = algorithm_a([1.69, 0.74, 2.05, 1.14, 2.19, 1.39, 1.52, 1.50, 1.58, 0.80, 1.21, 1.63])
    >>> [round(v, 4) for v in r.history[1]]
    [1.475, 0.4072]
    """
    where = where or "algorithm_a"
    if tol is not None:
        tol = _number(tol, field="tol", where=where, positive=True)
    if isinstance(max_iter, bool) or not isinstance(max_iter, numbers.Integral) or max_iter < 1:
        raise InputError(f"max_iter must be an integer >= 1, got {max_iter!r}", where=where)
    values = _values(x, name="x", where=where, minimum=3)
    p = int(values.size)
    mean = float(np.median(values))
    sd = _MAD_FACTOR * float(np.median(np.abs(values - mean)))
    if sd <= 0.0:
        raise InputError(
            "1.483 MAD is 0 (more than half of the values are equal), "
            "so Algorithm A cannot start; got "
            f"median {_fmt(mean)} shared by {int(np.sum(values == mean))} of {p} values",
            where=where,
        )
    history = [(mean, sd)]
    for _ in range(int(max_iter)):
        delta = _WINSOR_FACTOR * sd
        winsorized = np.clip(values, mean - delta, mean + delta)
        new = (float(np.mean(winsorized)), _SD_FACTOR * float(np.std(winsorized, ddof=1)))
        old = (mean, sd)
        history.append(new)
        mean, sd = new
        if tol is None:
            done = _third_figure_unchanged(old, new)
        else:
            done = abs(new[0] - old[0]) <= tol * sd and abs(new[1] - old[1]) <= tol * sd
        if done:
            return RobustEstimate(mean, sd, p, len(history) - 1, tuple(history))
    raise ConvergenceError(
        f"Algorithm A did not converge within max_iter={max_iter} iterations "
        f"(last x* = {mean!r}, s* = {sd!r})",
        where=where,
    )


# --------------------------------------------------------------------------- assigned value


@dataclass(frozen=True, slots=True)
class AssignedValue:
    """Assigned value x_pt and its standard uncertainty u(x_pt) (ISO 13528:2022, clause 7).

    Attributes
    ----------
    value : float
        x_pt.
    standard_uncertainty : float
        u(x_pt), >= 0.
    method : str
        How x_pt was obtained: ``"formulation"`` (7.3), ``"certified reference
        material"`` (7.4), ``"reference laboratory"`` (7.5), ``"expert laboratories"``
        (7.6) or ``"consensus of participants (Algorithm A)"`` (7.7).
    robust : RobustEstimate or None
        The Algorithm A estimate behind a consensus value.
    """

    value: float
    standard_uncertainty: float
    method: str
    robust: RobustEstimate | None = None

    def __post_init__(self) -> None:
        where = "assigned value"
        value = _number(self.value, field="value", where=where)
        u = _non_negative(self.standard_uncertainty, field="standard_uncertainty", where=where)
        allowed = (*_ASSIGNED_METHODS, _CONSENSUS)
        if self.method not in allowed:
            raise InputError(
                f"method must be one of {', '.join(map(repr, allowed))}, got {self.method!r}",
                where=where,
            )
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "standard_uncertainty", u)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON-ready)."""
        return {
            "value": self.value,
            "standard_uncertainty": self.standard_uncertainty,
            "method": self.method,
            "robust": None if self.robust is None else self.robust.to_dict(),
        }


def assigned_value(
    value: float, standard_uncertainty: float, *, method: str = "reference laboratory"
) -> AssignedValue:
    """Assigned value known before the round, with its standard uncertainty.

    Parameters
    ----------
    value : float
        x_pt.
    standard_uncertainty : float
        u(x_pt) >= 0, evaluated as the method requires (e.g. from the formulation's
        masses and purities, or the certificate of the reference material).
    method : str, keyword-only
        ``"formulation"`` (7.3), ``"certified reference material"`` (7.4),
        ``"reference laboratory"`` (7.5, default) or ``"expert laboratories"`` (7.6).

    References
    ----------
    ISO 13528:2022, 7.3-7.6.

    Examples
    --------
    >>> assigned_value(10.0, 0.05, method="formulation").standard_uncertainty
    0.05
    """
    if method == _CONSENSUS:
        raise InputError(
            "a consensus value must come from consensus_value(), "
            f"method must be one of {', '.join(map(repr, _ASSIGNED_METHODS))}, got {method!r}",
            where="assigned value",
        )
    return AssignedValue(value, standard_uncertainty, method)


def consensus_value(
    x: Iterable[float] | np.ndarray, *, where: str | None = None, **algorithm_a_options: Any
) -> AssignedValue:
    """Assigned value from the participants' results: x_pt = x*, u(x_pt) = 1.25 s*/sqrt(p).

    The factor 1.25 is the ratio of the standard deviation of the Algorithm A mean to
    that of the arithmetic mean for normal data.

    Parameters
    ----------
    x : array-like of shape (p,)
        Participants' results (see :func:`algorithm_a`).
    where : str, optional, keyword-only
        Prefix for error messages.
    **algorithm_a_options
        ``tol`` and ``max_iter`` of :func:`algorithm_a`.

    References
    ----------
    ISO 13528:2022, 7.7.3 (u(x_pt) = 1.25 s*/sqrt(p)); C.3.1 (Algorithm A).

    Examples
    --------
    >>> a = consensus_value([10.1, 10.3, 9.9, 10.0, 10.2, 9.8, 10.1])
    >>> a.method
    'consensus of participants (Algorithm A)'
    """
    robust = algorithm_a(x, where=where or "consensus_value", **algorithm_a_options)
    u = _CONSENSUS_FACTOR * robust.standard_deviation / math.sqrt(robust.p)
    return AssignedValue(robust.mean, u, _CONSENSUS, robust)


# --------------------------------------------------------------------------- sigma_pt


def horwitz_sigma(mass_fraction: float) -> float:
    """sigma_pt from the Horwitz curve: sigma = 0.02 c^0.8495, c a mass fraction.

    A general model of the reproducibility standard deviation of chemical analysis
    as a function of concentration only, used where no better fitness-for-purpose
    criterion exists.

    Parameters
    ----------
    mass_fraction : float
        c as a dimensionless mass fraction (1 mg/kg = 1e-6), 0 < c <= 1.

    Returns
    -------
    float
        sigma_pt in the same (mass-fraction) units as c.

    References
    ----------
    ISO 13528:2022, 8.4 (determination of sigma_pt by a general model);
    W. Horwitz, L. R. Kamps, K. W. Boyer, J. Assoc. Off. Anal. Chem. 63 (1980) 1344.

    Examples
    --------
    >>> round(horwitz_sigma(1e-6) / 1e-6, 3)   # 1 mg/kg: relative 16 %
    0.16
    """
    where = "horwitz_sigma"
    c = _number(mass_fraction, field="mass_fraction", where=where, positive=True)
    if c > 1.0:
        raise InputError(f"mass_fraction must be <= 1, got {_fmt(c)}", where=where)
    return 0.02 * c**0.8495


def sigma_pt_from_robust(robust: RobustEstimate) -> float:
    """sigma_pt = s*, the robust standard deviation of this round's participants.

    References
    ----------
    ISO 13528:2022, clause 8 (sigma_pt from the participants' results of the round)
    and C.3.1.
    """
    if not isinstance(robust, RobustEstimate):
        raise InputError(
            f"robust must be a RobustEstimate, got {type(robust).__name__}",
            where="sigma_pt_from_robust",
        )
    return robust.standard_deviation


def uncertainty_is_negligible(standard_uncertainty: float, sigma_pt: float) -> bool:
    """True if u(x_pt) <= 0.3 sigma_pt: the assigned value's uncertainty may be ignored.

    When it is not, ISO 13528:2022, 9.2 asks for another way of scoring; this module
    then evaluates participants by z' instead of z.

    References
    ----------
    ISO 13528:2022, 9.2.1.

    Examples
    --------
    >>> uncertainty_is_negligible(0.3, 1.0), uncertainty_is_negligible(0.31, 1.0)
    (True, False)
    """
    where = "uncertainty_is_negligible"
    u = _non_negative(standard_uncertainty, field="u(x_pt)", where=where)
    sigma = _number(sigma_pt, field="sigma_pt", where=where, positive=True)
    return u <= _NEGLIGIBLE * sigma * (1.0 + 1e-12)


# --------------------------------------------------------------------------- scores


def classify_z(score: float) -> str:
    """Evaluate a z, z' or zeta score: |s| <= 2 satisfactory, 2 < |s| < 3 questionable
    (warning signal), |s| >= 3 unsatisfactory (action signal).

    References
    ----------
    ISO 13528:2022, 9.4.1 (z), 9.5 (z'), 9.6 (zeta).

    Examples
    --------
    >>> classify_z(2.0), classify_z(-2.5), classify_z(3.0)
    ('satisfactory', 'questionable', 'unsatisfactory')
    """
    s = abs(_number(score, field="score", where="classify_z"))
    if s <= 2.0:
        return SATISFACTORY
    if s < 3.0:
        return QUESTIONABLE
    return UNSATISFACTORY


def classify_en(score: float) -> str:
    """Evaluate an En score: |En| <= 1 satisfactory, |En| > 1 unsatisfactory.

    References
    ----------
    ISO 13528:2022, 9.7.

    Examples
    --------
    >>> classify_en(1.0), classify_en(-1.01)
    ('satisfactory', 'unsatisfactory')
    """
    s = abs(_number(score, field="score", where="classify_en"))
    return SATISFACTORY if s <= 1.0 else UNSATISFACTORY


@dataclass(frozen=True, slots=True)
class ParticipantResult:
    """One participant's reported result.

    Attributes
    ----------
    participant : str
        Participant (laboratory) id, unique in a round.
    value : float
        Reported result x_i.
    standard_uncertainty : float or None
        u(x_i) > 0, needed for zeta.
    expanded_uncertainty : float or None
        U(x_i) > 0, needed for En.
    """

    participant: str
    value: float
    standard_uncertainty: float | None = None
    expanded_uncertainty: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.participant, str) or not self.participant.strip():
            raise InputError(
                f"participant id must be a non-empty string, got {self.participant!r}",
                where="participant result",
            )
        where = f"participant {self.participant!r}"
        object.__setattr__(self, "value", _number(self.value, field="value", where=where))
        for field in ("standard_uncertainty", "expanded_uncertainty"):
            given = getattr(self, field)
            if given is not None:
                object.__setattr__(
                    self, field, _number(given, field=field, where=where, positive=True)
                )


@dataclass(frozen=True, slots=True)
class ParticipantScore:
    """Scores of one participant and their evaluation (ISO 13528:2022, 9.3-9.7).

    Attributes
    ----------
    participant : str
    value : float
        x_i.
    deviation : float
        D = x_i - x_pt (9.3).
    z, z_prime : float
        (x_i - x_pt)/sigma_pt (9.4) and (x_i - x_pt)/sqrt(sigma_pt^2 + u^2(x_pt)) (9.5).
    zeta : float or None
        (x_i - x_pt)/sqrt(u^2(x_i) + u^2(x_pt)) (9.6); None without u(x_i).
    en : float or None
        (x_i - x_pt)/sqrt(U^2(x_i) + U^2(x_pt)) (9.7); None without U(x_i).
    z_evaluation, z_prime_evaluation, zeta_evaluation, en_evaluation : str or None
        ``"satisfactory"``, ``"questionable"`` or ``"unsatisfactory"``.
    """

    participant: str
    value: float
    deviation: float
    z: float
    z_prime: float
    zeta: float | None
    en: float | None
    z_evaluation: str
    z_prime_evaluation: str
    zeta_evaluation: str | None
    en_evaluation: str | None

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON-ready)."""
        return {
            "participant": self.participant,
            "value": self.value,
            "deviation": self.deviation,
            "z": self.z,
            "z_prime": self.z_prime,
            "zeta": self.zeta,
            "en": self.en,
            "z_evaluation": self.z_evaluation,
            "z_prime_evaluation": self.z_prime_evaluation,
            "zeta_evaluation": self.zeta_evaluation,
            "en_evaluation": self.en_evaluation,
        }


_SCORES = {
    "z": "z_evaluation",
    "z'": "z_prime_evaluation",
    "zeta": "zeta_evaluation",
    "En": "en_evaluation",
}


@dataclass(frozen=True, slots=True)
class ProficiencyEvaluation:
    """All participants' scores for one round and what to judge them by.

    Attributes
    ----------
    assigned : AssignedValue
    sigma_pt : float
    coverage_factor : float
        k with U(x_pt) = k u(x_pt), used by En.
    uncertainty_negligible : bool
        u(x_pt) <= 0.3 sigma_pt (9.2.1).
    performance_score : str
        ``"z"`` if u(x_pt) is negligible, else ``"z'"`` (9.2).
    scores : tuple of ParticipantScore
        In the order given.
    """

    assigned: AssignedValue
    sigma_pt: float
    coverage_factor: float
    uncertainty_negligible: bool
    performance_score: str
    scores: tuple[ParticipantScore, ...]

    def evaluation(self, participant: str) -> str:
        """The participant's evaluation by :attr:`performance_score`."""
        for score in self.scores:
            if score.participant == participant:
                return getattr(score, _SCORES[self.performance_score])
        known = ", ".join(repr(s.participant) for s in self.scores)
        raise InputError(f"participant {participant!r} is not in this round (known: {known})")

    def summary(self) -> dict[str, dict[str, int]]:
        """Counts per class for each score: ``{"z": {"satisfactory": 7, ...}, ...}``.

        zeta and En count only the participants that reported u(x_i) or U(x_i).
        """
        counts: dict[str, dict[str, int]] = {}
        for name, field in _SCORES.items():
            tally = dict.fromkeys(_CLASSES, 0)
            if name == "En":
                tally.pop(QUESTIONABLE)
            for score in self.scores:
                verdict = getattr(score, field)
                if verdict is not None:
                    tally[verdict] += 1
            counts[name] = tally
        return counts

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON-ready)."""
        return {
            "assigned": self.assigned.to_dict(),
            "sigma_pt": self.sigma_pt,
            "coverage_factor": self.coverage_factor,
            "uncertainty_negligible": self.uncertainty_negligible,
            "performance_score": self.performance_score,
            "scores": [s.to_dict() for s in self.scores],
            "summary": self.summary(),
        }


def evaluate_participants(
    results: Iterable[ParticipantResult],
    assigned: AssignedValue,
    sigma_pt: float,
    *,
    coverage_factor: float = 2.0,
) -> ProficiencyEvaluation:
    """Score every participant against the assigned value (ISO 13528:2022, clause 9).

    Parameters
    ----------
    results : iterable of ParticipantResult
        One result per participant; ids must be unique.
    assigned : AssignedValue
        x_pt and u(x_pt).
    sigma_pt : float
        Standard deviation for proficiency assessment, > 0.
    coverage_factor : float, keyword-only
        k for U(x_pt) = k u(x_pt) in En (default 2), > 0.

    Returns
    -------
    ProficiencyEvaluation
        D, z, z', zeta, En per participant with their evaluations; the score to
        judge by is z if u(x_pt) <= 0.3 sigma_pt, otherwise z' (9.2.1).

    Raises
    ------
    InputError
        sigma_pt <= 0, a duplicate participant id, or an entry that is not a
        :class:`ParticipantResult`.

    References
    ----------
    ISO 13528:2022, 9.2.1 (negligible u(x_pt)), 9.3 (D), 9.4 (z), 9.5 (z'), 9.6 (zeta),
    9.7 (En).

    Examples
    --------
    >>> a = assigned_value(10.0, 0.1)
    >>> r = evaluate_participants([ParticipantResult("A", 10.5)], a, 0.5)
    >>> r.performance_score, r.scores[0].z, r.scores[0].z_evaluation
    ('z', 1.0, 'satisfactory')
    """
    where = "evaluate_participants"
    if not isinstance(assigned, AssignedValue):
        raise InputError(
            f"assigned must be an AssignedValue, got {type(assigned).__name__}", where=where
        )
    sigma = _number(sigma_pt, field="sigma_pt", where=where, positive=True)
    k = _number(coverage_factor, field="coverage_factor", where=where, positive=True)
    if isinstance(results, str | bytes | Mapping):
        raise InputError(
            f"results must be an iterable of ParticipantResult, got {type(results).__name__}",
            where=where,
        )
    entries = list(results)
    if not entries:
        raise InputError("results must hold at least 1 participant, got 0", where=where)
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, ParticipantResult):
            raise InputError(
                f"result {index + 1} (index {index}) must be a ParticipantResult, "
                f"got {type(entry).__name__}",
                where=where,
            )
        if entry.participant in seen:
            raise InputError(
                f"participant id must be unique, got it at results {seen[entry.participant] + 1}"
                f" and {index + 1}",
                where=f"participant {entry.participant!r}",
            )
        seen[entry.participant] = index

    x_pt, u_pt = assigned.value, assigned.standard_uncertainty
    negligible = uncertainty_is_negligible(u_pt, sigma)
    scores = []
    for entry in entries:
        d = entry.value - x_pt
        z = d / sigma
        z_prime = d / math.hypot(sigma, u_pt)
        zeta = None
        if entry.standard_uncertainty is not None:
            zeta = d / math.hypot(entry.standard_uncertainty, u_pt)
        en = None
        if entry.expanded_uncertainty is not None:
            en = d / math.hypot(entry.expanded_uncertainty, k * u_pt)
        scores.append(
            ParticipantScore(
                participant=entry.participant,
                value=entry.value,
                deviation=d,
                z=z,
                z_prime=z_prime,
                zeta=zeta,
                en=en,
                z_evaluation=classify_z(z),
                z_prime_evaluation=classify_z(z_prime),
                zeta_evaluation=None if zeta is None else classify_z(zeta),
                en_evaluation=None if en is None else classify_en(en),
            )
        )
    return ProficiencyEvaluation(
        assigned=assigned,
        sigma_pt=sigma,
        coverage_factor=k,
        uncertainty_negligible=negligible,
        performance_score="z" if negligible else "z'",
        scores=tuple(scores),
    )
