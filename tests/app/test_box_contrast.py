"""Every box reads on every thermal colormap: the colours of the box kinds on the colormap colour
nearest to each (the worst case a thermal frame can give)."""
from __future__ import annotations

import numpy as np
import pytest

from app.style import PROVENANCE_COLOURS, THERMAL_COLORMAPS

SIDE = 100  # image pixels of the uniform frame
BOX = (25.0, 25.0, 50.0, 50.0)
READABLE = 40.0  # CIE76 colour difference from the frame that a box's edge reaches (2.3 is barely seen)


def _lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of an sRGB colour given as 0..255 (3,) floats."""
    c = rgb / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ c
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _difference(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(_lab(a) - _lab(b)))


def _hex_rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def _closest_level(colormap: str, colour: str) -> int:
    """The 0..255 thermal level whose colour under ``colormap`` is nearest to ``colour``."""
    from app.style import thermal_colormap

    table = thermal_colormap(colormap).getLookupTable(0.0, 1.0, 256)[:, :3].astype(float)
    return int(np.argmin(np.linalg.norm(table - _hex_rgb(colour), axis=1)))


@pytest.mark.parametrize("colormap", THERMAL_COLORMAPS)
@pytest.mark.parametrize("provenance", sorted(set(PROVENANCE_COLOURS) - {"teacher"}))  # teacher = proposal's colour
def test_each_box_reads_on_the_colormap_colour_nearest_to_it(qtbot, colormap, provenance):
    """Turbo's oranges and greens swallowed the student's orange and the manual green (a colour
    difference of 3 and 17 from the frame), gray's mid-grey the imported grey (0): nothing across
    the box's edge stood out of the frame beneath. Every box is drawn on a dark outline now (the
    least difference over all kinds and colormaps is above 60); its colour keeps its meaning."""
    from PySide6.QtCore import QPointF

    from app.views.frame_view import FrameView

    view = FrameView("thermal")
    qtbot.addWidget(view)
    view.resize(240, 240)
    view.show()
    view.set_colormap(colormap)
    level = _closest_level(colormap, PROVENANCE_COLOURS[provenance])
    view.set_frame(np.full((SIDE, SIDE), level, dtype=np.uint8))
    if provenance == "proposal":
        view.show_proposal(np.array(BOX))
    else:
        view.show_box(np.array(BOX), provenance)
    view.repaint()
    image = view.grab().toImage()

    def pixel(point: QPointF) -> np.ndarray:
        at = view.mapFromScene(view.viewbox.mapViewToScene(point))
        colour = image.pixelColor(at.x(), at.y())
        return np.array([colour.red(), colour.green(), colour.blue()], dtype=float)

    frame_colour = pixel(QPointF(SIDE / 2, SIDE / 2))
    x, y, w, h = BOX
    # a band across the left and the top edge at several places (dashes and dots leave gaps), away
    # from the corners and the middles, where the handles are
    reach = 3.0  # image pixels either side of the edge (some seven screen pixels)
    steps = np.linspace(-reach, reach, 25)
    crossings = [QPointF(x + d, y + h * t) for t in (0.3, 0.35, 0.4, 0.6, 0.65, 0.7) for d in steps]
    crossings += [QPointF(x + w * t, y + d) for t in (0.3, 0.35, 0.4, 0.6, 0.65, 0.7) for d in steps]
    difference = max(_difference(pixel(p), frame_colour) for p in crossings)
    assert difference >= READABLE, (colormap, provenance, level, frame_colour, difference)
