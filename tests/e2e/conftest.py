"""Fixtures for the browser tests: JupyterLab from this environment on 127.0.0.1, and Chromium.

The server runs on a free port with a random token, over a *copy* of notebooks/ (a browser
session autosaves what it runs, and the repository's notebooks stay without outputs). It is
stopped, with its kernels, whatever happens. Chromium is Debian's /usr/bin/chromium driven by
Playwright; without it the tests are skipped with the command that installs it.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LOSSVIZ_CHROMIUM", "/usr/bin/chromium")  # the `browser` fixture is in tests/conftest.py
# Screenshots and slider latencies land here; the path is printed at the end of the run.
OUT = Path(os.environ.get("LOSSVIZ_E2E_OUT", ROOT / "benchmarks" / "out"))

# JupyterLab user settings: render every cell (no windowing, so off-screen figures get drawn),
# and never ask about news or updates (the machine is offline and the toast hides the page).
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    # RISE's presenter (/rise/...) has no Run All key and no handle for scripts: give it one.
    "@jupyterlab/shortcuts-extension/shortcuts.jupyterlab-settings": {
        "shortcuts": [{"command": "notebook:run-all-cells", "keys": ["Ctrl Shift F9"], "selector": "body"}]},
}


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: install it with `apt-get install -y chromium` "
                                   "(as root) to run the browser tests")  # fmt: skip
    for item in items:
        if "e2e" in item.nodeid:
            item.add_marker(skip)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    yield from _serve(tmp_path_factory.mktemp("lab"), {})


@pytest.fixture(scope="session")
def lecture_lab(tmp_path_factory):
    """A second server whose kernels start in lecture mode with pictures (inline figures), as
    for a RISE presentation: RISE's presenter cannot show ipywidgets 8 (see test_slides_fit.py)."""
    yield from _serve(tmp_path_factory.mktemp("lecture"), {"LOSSVIZ_LECTURE": "1", "LOSSVIZ_BACKEND": "inline"})


def _serve(work, kernel_env):
    shutil.copytree(ROOT / "notebooks", work / "notebooks")
    settings = work / "settings"
    for name, values in SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
           f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work / 'notebooks'}",
           "--LabApp.expose_app_in_browser=True", f"--LabApp.user_settings_dir={settings}",
           # the same server also serves Jupyter Notebook 7 (/notebooks/...), tested in test_notebook7.py
           "--JupyterNotebookApp.expose_app_in_browser=True"]  # fmt: skip
    log = open(work / "server.log", "w")
    # The RISE presenter reads user settings from JUPYTERLAB_SETTINGS_DIR, not from LabApp's option.
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings), **kernel_env}
    server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError(f"JupyterLab did not start; see {work / 'server.log'}") from None
                time.sleep(0.5)
        yield {"url": url, "token": token, "dir": work / "notebooks"}
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and every kernel it started
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="session")
def latencies():
    """Slider-to-repaint times, written for `make bench` when the session ends."""
    record: dict[str, list[float]] = defaultdict(list)
    yield record
    if record:
        import numpy as np

        OUT.mkdir(parents=True, exist_ok=True)
        rows = [{"explorer": k, "median_ms": float(np.median(v)), "p95_ms": float(np.percentile(v, 95)), "moves": len(v)}
                for k, v in sorted(record.items())]  # fmt: skip
        (OUT / "e2e_latency.json").write_text(json.dumps(rows, indent=1))
        print(f"\nbrowser screenshots and slider latencies: {OUT}")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()
