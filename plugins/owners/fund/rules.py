"""The rules of the maintenance fund (维修资金规则), as pure functions: the exact split of an
amount by exclusive area (民法典第二百八十三条), fen and yuan, and the Civil Code item of a
proposal's vote."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction


def split_fen(total_fen: int, weights: dict) -> dict:
    """Split ``total_fen`` among keys in proportion to ``weights`` (exclusive areas, 民法典
    第二百八十三条), exactly, summing to ``total_fen`` to the fen.

    Rounding rule (largest remainder): each key first gets the exact share rounded down to
    the fen; the fen still left go one each to the keys with the largest remainders, ties to
    the key that sorts first. Weights are Decimals, ints or strings; all must be positive.
    """
    if total_fen < 0:
        raise ValueError("negative total")
    exact = {k: Fraction(str(w)) for k, w in weights.items()}
    if not exact or any(w <= 0 for w in exact.values()):
        raise ValueError("weights must be positive")
    whole = sum(exact.values())
    shares = {}
    remainders = []
    for key, weight in exact.items():
        value = Fraction(total_fen) * weight / whole
        shares[key] = value.numerator // value.denominator
        remainders.append((-(value - shares[key]), _sort_key(key), key))
    left = total_fen - sum(shares.values())
    for _rem, _order, key in sorted(remainders)[:left]:
        shares[key] += 1
    return shares


def _sort_key(key):
    return (type(key).__name__, key)


def yuan(fen: int) -> str:
    """Fen as yuan with two decimals: 123456 -> '1234.56', -5 -> '-0.05'."""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def parse_yuan(text) -> int | None:
    """'1234.5' -> 123450 fen; None when it is not an amount with at most two decimals."""
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except Exception:  # decimal.InvalidOperation
        return None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        return None
    return int(value * 100)


def vote_kind_of_proposal(kind: str) -> str:
    """The Civil Code item of a fund proposal: using the fund is item 5 (ordinary, more than
    half), raising it item 6 (special, three quarters)."""
    return "6" if kind == "raise" else "5"
