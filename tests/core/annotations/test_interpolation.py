"""Linear interpolation between keyframes: values, absence, thermal boxes, purity."""
from __future__ import annotations

import numpy as np

from core.annotations.interpolation import interpolate_between, interpolate_keyframes
from core.annotations.records import FrameAnnotation, Provenance, absent


def rec(frame, x=10.0, provenance=Provenance.MANUAL, **kw):
    return FrameAnnotation(frame, [x, 20.0, 30.0, 40.0], provenance=provenance, **kw)


def test_interpolation_is_linear_and_pure():
    a, b = rec(0, x=0.0, keyframe=True), rec(4, x=40.0, keyframe=True)
    mid = interpolate_between(a, b)
    assert [r.frame for r in mid] == [1, 2, 3]
    assert [r.box[0] for r in mid] == [10.0, 20.0, 30.0]
    assert all(r.provenance == Provenance.INTERPOLATED for r in mid)
    assert a.box[0] == 0.0 and b.box[0] == 40.0
    assert interpolate_between(b, a) == mid  # order does not matter
    assert interpolate_between(a, rec(1)) == []
    assert interpolate_between(a, absent(3, keyframe=True)) == []  # box to absent: nothing to guess
    records = {0: a, 2: rec(2, provenance=Provenance.STUDENT), 4: b, 6: rec(6, x=60.0, keyframe=True)}
    assert [r.frame for r in interpolate_keyframes(records)] == [1, 3, 5]  # no range: tracker box kept
    filled = interpolate_keyframes(records, replace_tracked=True)
    assert [r.frame for r in filled] == [1, 2, 3, 5]


def test_thermal_boxes_and_occlusion_interpolate():
    a = FrameAnnotation(0, [0, 0, 10, 10], thermal_box=[4, 0, 10, 10], occluded=True, keyframe=True)
    b = FrameAnnotation(2, [10, 0, 20, 10], occluded=True, keyframe=True)  # thermal = visible
    (mid,) = interpolate_between(a, b)
    np.testing.assert_allclose(mid.box, [5, 0, 15, 10])
    np.testing.assert_allclose(mid.thermal_box, [7, 0, 15, 10])
    assert mid.occluded and mid.confidence is None and not mid.keyframe
    (plain,) = interpolate_between(rec(0), rec(2, x=30.0))
    assert plain.thermal_box is None and not plain.occluded
    before = {0: a, 2: b}
    interpolate_keyframes(before)
    assert before == {0: a, 2: b} and a.thermal_box[0] == 4  # inputs untouched


def test_keyframes_with_range_leave_human_boxes():
    records = {0: rec(0, x=0.0, keyframe=True), 3: rec(3, x=30.0, provenance=Provenance.TEACHER),
               6: rec(6, x=60.0, keyframe=True), 9: absent(9, keyframe=True)}
    filled = interpolate_keyframes(records, start=0, stop=6)
    assert [r.frame for r in filled] == [1, 2, 4, 5]  # an accepted teacher box is kept, not overwritten
    assert [r.box[0] for r in filled] == [10, 20, 40, 50]
    assert interpolate_keyframes(records, start=6) == []  # box keyframe to absent keyframe: left alone
