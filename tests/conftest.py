import os

# Figures render off-screen in tests, whatever the machine's default backend.
# (Set before anything imports matplotlib.)
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# Property tests explore the same examples on every run, so CI cannot flake on a lucky draw;
# no example database is written into the work tree.
settings.register_profile("lossviz", derandomize=True, database=None, deadline=None)
settings.load_profile("lossviz")


@pytest.fixture
def rng():
    # Every test that draws random numbers gets the same ones on every run.
    return np.random.default_rng(20261124)
