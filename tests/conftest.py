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


CHROMIUM = os.environ.get("LOSSVIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-dev-shm-usage"]  # fmt: skip


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright, one for the whole run (Playwright's sync
    API allows one running instance per thread, so every browser test shares it)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}: install it with `apt-get install -y chromium` (as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield chromium
        chromium.close()
