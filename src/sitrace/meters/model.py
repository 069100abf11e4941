"""Values shared by the meters modules: one transformer area's aligned interval energies.

The energy balance of a low-voltage area relates the master (supply) meter's reading
to the customers' readings corrected by their errors plus the line loss:

    y_t = Σ_j θ_j x_jt + θ_0 + θ_L q_t + ξ_t,    θ_j = 1 / (1 + ε_j),

over many intervals t. :class:`AreaSeries` holds y (``master``) and x (``customers``)
on one interval grid, NaN where a reading is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError

__all__ = ["AreaSeries", "interval_days"]


def interval_days(timestamps: np.ndarray) -> np.ndarray:
    """The UTC day of each interval, given the intervals' end times (datetime64).

    An interval belongs to the day it lies in: the one ending at 00:00 is the last of
    the previous day, not the first of the next (intervals divide the day).
    """
    return (np.asarray(timestamps, dtype="datetime64[ns]") - np.timedelta64(1, "ns")).astype(
        "datetime64[D]"
    )


@dataclass(frozen=True, eq=False)
class AreaSeries:
    """One area's interval energies on a common grid (kWh per interval).

    Attributes
    ----------
    area : str
        The area's identifier.
    timestamps : ndarray of datetime64[ns], shape (T,)
        End of each interval (UTC), strictly increasing.
    master : ndarray of float, shape (T,)
        The master meter's energy per interval; NaN where missing.
    customers : ndarray of float, shape (T, N)
        Each customer meter's energy per interval; NaN where missing.
    meters : tuple of str, length N
        Customer meter ids, unique (a meter replaced mid-period appears as two ids).
    interval_minutes : int
        Length of an interval (15 for quarter-hours, 1440 for days).
    """

    area: str
    timestamps: np.ndarray
    master: np.ndarray
    customers: np.ndarray
    meters: tuple[str, ...]
    interval_minutes: int

    def __post_init__(self) -> None:
        where = f"area {self.area!r}"
        timestamps = np.asarray(self.timestamps, dtype="datetime64[ns]")
        master = np.asarray(self.master, dtype=np.float64)
        customers = np.asarray(self.customers, dtype=np.float64)
        meters = tuple(str(m) for m in self.meters)
        if timestamps.ndim != 1:
            raise InputError(f"timestamps must be 1-D, got shape {timestamps.shape}", where=where)
        t = timestamps.shape[0]
        if master.shape != (t,):
            raise InputError(
                f"master must have one value per interval ({t}), got shape {master.shape}",
                where=where,
            )
        if customers.ndim != 2 or customers.shape[0] != t:
            raise InputError(
                f"customers must have shape (intervals, meters) = ({t}, N), got {customers.shape}",
                where=where,
            )
        if customers.shape[1] != len(meters):
            raise InputError(
                f"customers has {customers.shape[1]} columns but {len(meters)} meter ids",
                where=where,
            )
        if len(set(meters)) != len(meters):
            seen: set[str] = set()
            dup = next(m for m in meters if m in seen or seen.add(m))
            raise InputError(f"meter id {dup!r} appears twice", where=where)
        if t > 1 and not np.all(np.diff(timestamps) > np.timedelta64(0, "ns")):
            raise InputError("timestamps must be strictly increasing", where=where)
        if np.isinf(master).any() or np.isinf(customers).any():
            raise InputError("energies must be finite or NaN (missing)", where=where)
        if not isinstance(self.interval_minutes, int | np.integer) or self.interval_minutes <= 0:
            raise InputError(
                f"interval_minutes must be a positive integer, got {self.interval_minutes!r}",
                where=where,
            )
        object.__setattr__(self, "timestamps", timestamps)
        object.__setattr__(self, "master", master)
        object.__setattr__(self, "customers", customers)
        object.__setattr__(self, "meters", meters)
        object.__setattr__(self, "interval_minutes", int(self.interval_minutes))

    @property
    def n_intervals(self) -> int:
        return int(self.timestamps.shape[0])

    @property
    def n_meters(self) -> int:
        return len(self.meters)
