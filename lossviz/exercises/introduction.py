"""Exercise of lesson 00, Introduction."""

from ..i18n import N_
from . import Exercise

empirical_risk = Exercise(
    title=N_("An empirical risk by hand"),
    reference=lambda: (1.0**2 + (-1.0) ** 2 + 2.0**2) / 3,
    cases=[()],
    hint_text=N_("The empirical risk is the mean of the per-sample losses. With ŷ = 0 each squared error "
    "is just y², so average 1², (−1)² and 2²."),
    solution_code=N_("""
answer = (1**2 + (-1)**2 + 2**2) / 3   # = 2.0, the same as losses.mse([0, 0, 0], [1, -1, 2])
"""),
)
