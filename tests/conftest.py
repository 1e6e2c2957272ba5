import numpy as np
import pytest


@pytest.fixture
def rng():
    # Every test that draws random numbers gets the same ones on every run.
    return np.random.default_rng(20261124)


# Property tests explore the same examples on every run, so CI cannot flake on a lucky draw;
# no example database is written into the work tree.
from hypothesis import settings  # noqa: E402

settings.register_profile("lossviz", derandomize=True, database=None, deadline=None)
settings.load_profile("lossviz")
