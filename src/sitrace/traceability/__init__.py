"""Traceability: the calibration graph, chains to the SI, recalls.

Contents
--------
- :data:`LEVELS`, :class:`Item`, :class:`Calibration`, :class:`Accreditation`: the
  calibration hierarchy as values (JCGM 200:2012, 2.39-2.42; 5.1-5.7).
- :class:`Registry`: an immutable index over them, built once; :func:`natural_key`,
  the order of ids (same-day calibrations are ordered by id).
- :func:`resolve_chain`: the chain of calibrations of an item at a date of use, up
  to SI realizations, with every break and warning -> :class:`Chain` of
  :class:`Link` and :class:`Problem` (codes in :data:`PROBLEM_CODES`).
- :func:`recall`: what a standard found out of tolerance has affected, directly and
  downstream (ISO/IEC 17025:2017, 6.4.9, 7.10) -> :class:`Recall`.
- :func:`restores_validity`, :func:`validity_problems`: whether a new calibration
  restores an item's validity (such a calibration is never blocked).

Everything here is pure: dates are passed in, nothing reads the clock, a database
or global state.
"""

from .chain import PROBLEM_CODES, SEVERITIES, Chain, Link, Problem, resolve_chain
from .model import LEVELS, Accreditation, Calibration, Item, Registry, natural_key
from .recall import Recall, recall
from .restore import RESTORED_BY_CALIBRATION, restores_validity, validity_problems

__all__ = [
    "LEVELS",
    "PROBLEM_CODES",
    "RESTORED_BY_CALIBRATION",
    "SEVERITIES",
    "Accreditation",
    "Calibration",
    "Chain",
    "Item",
    "Link",
    "Problem",
    "Recall",
    "Registry",
    "natural_key",
    "recall",
    "resolve_chain",
    "restores_validity",
    "validity_problems",
]
