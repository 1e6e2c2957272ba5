"""What an explorer sends the browser under ipympl: whole frames, never diffs.

A diff frame is only right if the browser still shows the frame it was computed against;
ipympl's front end drops frames under load, and a diff on the wrong base leaves ghosts
(old digits under new ones, a stale arrow). Run in a subprocess: ipympl's backend must be
chosen before pyplot is imported, which the rest of the test session has already done.
"""

import subprocess
import sys

SCRIPT = r"""
import matplotlib
matplotlib.use("module://ipympl.backend_nbagg")
from lossviz import widgets
ex = widgets.PointLossExplorer(loss="mse", prediction=3.0, target=1.0)
canvas = ex.fig.canvas
canvas.syncing_data_url = False          # as if a browser view had loaded the canvas
modes = []
canvas.set_image_mode = lambda mode, _set=canvas.set_image_mode: (modes.append(mode), _set(mode))[1]
canvas.draw()                            # the first full draw captures the blitting background
for value in (2.5, 2.0, 1.5, 1.0, 0.5):
    ex.set(prediction=value)             # blit -> refresh_all -> get_diff_image picks the mode
blitted = len(ex.update_ms) - 1
print(sorted(set(modes[1:])), len(modes) - 1 >= blitted and blitted)
"""


def test_blitted_updates_send_whole_frames_never_diffs():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    modes, blitted = out.stdout.rsplit(maxsplit=1)
    assert int(blitted) >= 5
    assert modes == "['full']", f"ipympl frames after a slider move: {modes}"


def test_fast_png_frames_decode_to_exactly_the_canvas_pixels():
    import io

    import numpy as np
    from PIL import Image

    from lossviz.explorer import png_fast

    rng = np.random.default_rng(0)
    opaque = rng.integers(0, 256, (37, 53, 4), dtype=np.uint8)
    opaque[..., 3] = 255
    translucent = opaque.copy()
    translucent[5, 7, 3] = 100  # one pixel not opaque: the alpha channel must be kept
    for pixels, mode in ((opaque, "RGB"), (translucent, "RGBA")):
        image = Image.open(io.BytesIO(png_fast(pixels)))
        assert image.mode == mode
        assert np.array_equal(np.asarray(image.convert("RGBA")), pixels)


DATA_URL_SCRIPT = r"""
import matplotlib
matplotlib.use("module://ipympl.backend_nbagg")
import base64, io
import numpy as np
from PIL import Image
from lossviz import widgets
ex = widgets.PointLossExplorer(loss="mse", prediction=3.0, target=1.0)
canvas = ex.fig.canvas                   # no browser view: syncing_data_url stays True, as under nbconvert
canvas.draw()
canvas.manager.refresh_all()             # a frame leaves: ipympl refreshes its data URL from it
image = np.asarray(Image.open(io.BytesIO(base64.b64decode(canvas._data_url))).convert("RGBA"))
shown = np.asarray(canvas.get_renderer().buffer_rgba())
print(image.shape == shown.shape and bool(np.array_equal(image, shown)))
"""


def test_without_a_browser_view_the_data_url_holds_the_whole_frame():
    out = subprocess.run([sys.executable, "-c", DATA_URL_SCRIPT], capture_output=True, text=True, check=True)
    assert out.stdout.split()[-1] == "True", out.stdout + out.stderr
