"""A slow, literal RFC 6962 section 2.1 reference, to check the fast functions against.

Each function transcribes the RFC's recursive definition, with lists of raw entries
(D[n]) and the same names (MTH, PATH, PROOF, SUBPROOF). No shortcuts, no caching.

References
----------
RFC 6962, 2.1 (MTH), 2.1.1 (PATH), 2.1.2 (PROOF, SUBPROOF).
"""

from __future__ import annotations

from hashlib import sha256


def largest_power_of_two_below(n: int) -> int:
    """k, the largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def MTH(D: list[bytes]) -> bytes:
    """MTH({}) = SHA-256(); MTH({d0}) = SHA-256(0x00 || d0);
    MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))."""
    n = len(D)
    if n == 0:
        return sha256(b"").digest()
    if n == 1:
        return sha256(b"\x00" + D[0]).digest()
    k = largest_power_of_two_below(n)
    return sha256(b"\x01" + MTH(D[0:k]) + MTH(D[k:n])).digest()


def PATH(m: int, D: list[bytes]) -> list[bytes]:
    """PATH(0, {d0}) = {}; PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) for m < k,
    PATH(m - k, D[k:n]) : MTH(D[0:k]) for m >= k."""
    n = len(D)
    if n == 1:
        return []
    k = largest_power_of_two_below(n)
    if m < k:
        return [*PATH(m, D[0:k]), MTH(D[k:n])]
    return [*PATH(m - k, D[k:n]), MTH(D[0:k])]


def PROOF(m: int, D: list[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) = SUBPROOF(m, D[n], true), for 0 < m < n."""
    return SUBPROOF(m, D, True)


def SUBPROOF(m: int, D: list[bytes], b: bool) -> list[bytes]:
    """SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])};
    for m < n: SUBPROOF(m, D[0:k], b) : MTH(D[k:n]) if m <= k,
    SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]) if m > k."""
    n = len(D)
    if m == n:
        return [] if b else [MTH(D)]
    k = largest_power_of_two_below(n)
    if m <= k:
        return [*SUBPROOF(m, D[0:k], b), MTH(D[k:n])]
    return [*SUBPROOF(m - k, D[k:n], False), MTH(D[0:k])]
