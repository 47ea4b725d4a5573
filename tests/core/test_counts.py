"""An estimate is worded with three significant figures."""

from __future__ import annotations

import pytest

from viewer.core.counts import about


@pytest.mark.parametrize(
    ("estimate", "text"),
    [
        (31_412_345, "31,400,000"),
        (31_450_001, "31,500,000"),
        (999, "999"),
        (1_234, "1,230"),
        (0, "0"),
        (-5, "0"),
        (199_960_000, "200,000,000"),
    ],
)
def test_about_rounds_to_three_figures(estimate: int, text: str) -> None:
    assert about(estimate) == text
