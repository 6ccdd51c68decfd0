"""Crops of large frames made from the part of the frame they read: ``crop_reads``
(``core.tracking.crop``), ``HalvedImage`` (``core.tracking.halving``) and the correlation's
halved frames (``core.tracking.pair_correlation._FastCorrelation._half``) give the same pixels
as the whole-frame filters."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.sequences.base import FramePair
from core.tracking.crop import crop_reads, crop_square
from core.tracking.halving import HalvedImage, halves_in_parts


def _image(shape, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=shape, dtype=np.uint8)


@pytest.mark.parametrize("shape", [(120, 160, 3), (120, 160)])
@pytest.mark.parametrize("center, side, output", [
    ((80.0, 60.0), 40.0, 32),      # bilinear, shrinking
    ((80.3, 59.6), 41.7, 32),      # fractional centre and side
    ((80.0, 60.0), 20.0, 64),      # enlarging
    ((80.0, 60.0), 100.0, 32),     # area filter (scale < 0.5)
    ((5.0, 3.0), 30.0, 16),        # over the top-left corner: zero padded
    ((158.5, 119.5), 33.3, 16),    # over the bottom-right corner
    ((80.0, 60.0), 400.0, 64),     # larger than the image
    ((-30.0, 60.0), 20.0, 16),     # outside the image
])
def test_a_crop_reads_only_the_pixels_crop_reads_names(shape, center, side, output):
    image = _image(shape)
    x0, y0, x1, y1 = crop_reads(center, side, shape[1], shape[0])
    assert 0 <= x0 and 0 <= y0 and x1 <= shape[1] and y1 <= shape[0]
    changed = 255 - image  # every pixel differs...
    if x1 > x0 and y1 > y0:
        changed[y0:y1, x0:x1] = image[y0:y1, x0:x1]  # ...but those the crop reads
    expected, geometry = crop_square(image, center, side, output)
    got, same_geometry = crop_square(changed, center, side, output)
    assert np.array_equal(got, expected)
    assert geometry == same_geometry


@pytest.mark.parametrize("shape, halvings, expected", [
    ((2160, 3840, 3), 3, True), ((2160, 3840), 4, True), ((2160, 3840, 3), 5, False),
    ((1080, 1920, 3), 3, True), ((1080, 1920, 3), 4, False), ((512, 640), 1, True), ((481, 640), 1, False),
])
def test_halves_in_parts_when_the_block_divides_both_sides(shape, halvings, expected):
    assert halves_in_parts(shape, halvings) is expected


@pytest.mark.parametrize("shape", [(256, 384, 3), (256, 384), (96, 128, 3)])
@pytest.mark.parametrize("halvings", [1, 2, 3, 4])
def test_a_halved_image_made_in_parts_equals_the_whole_frame_filter(shape, halvings):
    image = _image(shape, seed=halvings)
    k = 2 ** halvings
    whole = cv2.resize(image, (shape[1] // k, shape[0] // k), interpolation=cv2.INTER_AREA)
    height, width = whole.shape[:2]
    half = HalvedImage(image, halvings)
    rng = np.random.default_rng(7)
    for _ in range(6):  # grown by overlapping, nested and disjoint rectangles
        x0, x1 = sorted(int(v) for v in rng.integers(-3, width + 4, 2))
        y0, y1 = sorted(int(v) for v in rng.integers(-3, height + 4, 2))
        out = half.fill((x0, y0, x1, y1))
        if half.filled is not None:
            fx0, fy0, fx1, fy1 = half.filled
            assert np.array_equal(out[fy0:fy1, fx0:fx1], whole[fy0:fy1, fx0:fx1])
    out = half.fill((0, 0, width, height))
    assert half.filled == (0, 0, width, height)
    assert np.array_equal(out, whole)


def test_a_halved_image_writes_into_the_buffer_it_is_given_and_computes_each_pixel_once(monkeypatch):
    image = _image((64, 64, 3))
    buffer = np.zeros((16, 16, 3), dtype=np.uint8)
    half = HalvedImage(image, 2, buffer)
    assert half.image is buffer
    assert HalvedImage(image, 2, np.zeros((16, 16), dtype=np.uint8)).image is not buffer  # another shape: ignored
    made = []
    resize = cv2.resize
    monkeypatch.setattr(cv2, "resize", lambda src, size, **kw: made.append(size[0] * size[1]) or resize(src, size, **kw))
    half.fill((2, 2, 10, 10))
    half.fill((4, 4, 8, 8))  # inside: nothing to do
    half.fill((0, 2, 12, 10))  # two strips
    assert sum(made) == 12 * 8


def test_a_frame_that_does_not_halve_in_parts_is_refused():
    with pytest.raises(ValueError, match="cannot be halved"):
        HalvedImage(_image((90, 128)), 2)


@pytest.fixture(scope="module")
def correlation():
    from core.tracking.pair_correlation import PairCorrelation

    return PairCorrelation(64).tracker


@pytest.mark.parametrize("size", [(1024, 768), (1000, 750)])  # in parts; whole (750 rows: not by 4)
def test_the_correlations_crops_of_a_tracked_frame_equal_those_of_the_whole_halved_frame(correlation, size):
    width, height = size
    frames = [FramePair(i, _image((height, width, 3), seed=i), _image((height, width), seed=10 + i)) for i in range(2)]
    cases = [((500.0, 380.0), 600.0), ((510.4, 371.9), 624.0), ((490.0, 390.0), 577.0),  # three scales
             ((40.0, 30.0), 700.0), ((990.0, 740.0), 300.0), ((512.0, 384.0), 2000.0)]
    for pair in frames:  # the second frame reuses the first's buffers
        for center, side in cases:
            tracked = correlation._inputs(pair, center, side, 128, one_stream=False)
            whole = correlation._inputs(pair, center, side, 128, one_stream=None)  # the init frame's way
            assert len(tracked) == len(whole) == 2
            for got, expected in zip(tracked, whole, strict=True):
                assert np.array_equal(got, expected)


def test_the_thermal_trackers_halved_frames_are_its_own(correlation):
    import copy

    frames = [FramePair(i, _image((512, 512, 3), seed=i), _image((512, 512), seed=10 + i)) for i in range(2)]
    correlation._inputs(frames[0], (256.0, 256.0), 600.0, 128, one_stream=False)  # frame 0 halved in parts
    thermal = copy.copy(correlation)
    thermal._inputs(frames[1], (256.0, 256.0), 600.0, 128, one_stream=False)  # frame 1, the same sizes
    again = correlation._inputs(frames[0], (256.0, 256.0), 600.0, 128, one_stream=False)
    expected = correlation._inputs(frames[0], (256.0, 256.0), 600.0, 128, one_stream=None)  # whole frames
    assert all(np.array_equal(a, b) for a, b in zip(again, expected, strict=True))
