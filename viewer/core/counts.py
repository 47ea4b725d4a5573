"""How a count is worded while it is only an estimate."""

from __future__ import annotations


def about(estimate: int) -> str:
    """An estimate rounded to three significant figures, with thousands separators.

    ``about(31_412_345) == "31,400,000"``: the figure says by its zeros that it is not exact.
    """
    n = max(0, int(estimate))
    if n < 1000:
        return f"{n:,}"
    step = 10 ** (len(str(n)) - 3)
    return f"{round(n / step) * step:,}"
