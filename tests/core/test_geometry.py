"""core.geometry.clip_box: OSTrack's clip, and its per-axis margin for targets under 10 px."""
from __future__ import annotations

import numpy as np

from core.geometry import clip_box


def test_clip_box_keeps_ostracks_margin_inside_the_image():
    # hanging out on the right: x1 is held 10 px inside, the width is what is left
    np.testing.assert_allclose(clip_box([195.0, 50.0, 20.0, 20.0], 200, 150, 10.0), [190.0, 50.0, 10.0, 20.0])
    # a 4 x 3 box inside the image is raised to 10 x 10 (OSTrack's floor)
    np.testing.assert_allclose(clip_box([50.0, 50.0, 4.0, 3.0], 200, 150, 10.0)[2:], [10.0, 10.0])
    # margin 0 leaves a box inside the image as it is
    np.testing.assert_allclose(clip_box([50.0, 50.0, 4.0, 3.0], 200, 150), [50.0, 50.0, 4.0, 3.0])


def test_clip_box_takes_one_margin_per_axis():
    # a 6 x 4 drone clipped with the drawn box's sides as margins keeps its size inside the image
    np.testing.assert_allclose(clip_box([50.0, 50.0, 6.0, 4.0], 200, 150, (6.0, 4.0)), [50.0, 50.0, 6.0, 4.0])
    # and at the right edge keeps 6 px inside, not 10
    np.testing.assert_allclose(clip_box([198.0, 50.0, 6.0, 4.0], 200, 150, (6.0, 4.0)), [194.0, 50.0, 6.0, 4.0])
    # a scalar margin is the same as the pair (m, m)
    box = [120.5, -3.0, 30.0, 8.0]
    np.testing.assert_allclose(clip_box(box, 200, 150, 10.0), clip_box(box, 200, 150, (10.0, 10.0)))
