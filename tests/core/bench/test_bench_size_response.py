"""bench size-response: a network that reads the crop keeps the whole crop-scale error, one that
measures the target keeps none, and the job reports per sequence and pooled."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.records import FrameAnnotation
from core.bench.size_response import format_table, measure_size_response, probe_frame
from core.errors import ConfigError
from core.sequences.base import FramePair
from core.tracking.tracker import Tracker, TrackerConfig

F = 16
TARGET = np.array([300.0, 200.0, 40.0, 20.0])  # x, y, w, h of the target in every frame


class Geometry:  # the bundled crop geometry, no network
    template_size, search_size, feature_size, template_factor, search_factor = 64, 128, 16, 2.0, 4.0


class SizeEngine:
    """Peak at the crop centre; the size map says ``answer(crop_scale)`` in crop units, where
    ``crop_scale`` (output px per image px) is read back from the search crops' sides."""

    name, device, provider = "scripted", "cpu", "none"

    def __init__(self, measures: bool):
        self.measures = measures
        self.crop_sides: list[float] = []

    def run(self, z_v, z_t, x_v, x_t):
        n = x_v.shape[0]
        score = np.full((n, 1, F, F), 0.01, np.float32)
        score[:, 0, F // 2, F // 2] = 0.9
        size = np.zeros((n, 2, F, F), np.float32)
        for k, side in enumerate(self.crop_sides[-n:]):
            if self.measures:  # the target's true size as a share of this crop
                size[k, 0], size[k, 1] = TARGET[2] / side, TARGET[3] / side
            else:  # a quarter of the crop, whatever is in it
                size[k, 0], size[k, 1] = 0.25 * np.sqrt(2.0), 0.25 / np.sqrt(2.0)
        return score, size, np.zeros((n, 2, F, F), np.float32)


class RecordingTracker(Tracker):
    """Records each search crop's side in image pixels for the scripted engine."""

    def search_crops(self, pair, box, factor=None):
        crops = super().search_crops(pair, box, factor)
        self.engine.crop_sides.append(crops[2].output_size / crops[2].scale)
        return crops


def _pair(index=0):
    gray = np.zeros((480, 640), np.uint8)
    return FramePair(index, np.repeat(gray[..., None], 3, axis=2), gray)


class _Sequence:
    def __init__(self, n, labelled=True):
        self.n, self.labelled = n, labelled

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        return _pair(index)

    def ground_truth(self):
        return {i: FrameAnnotation(i, TARGET.copy()) for i in range(self.n)} if self.labelled else {}

    def close(self):
        pass


class _Item:
    modality, first_frame = "visible", 0

    def __init__(self, name, n, labelled=True):
        self.name, self.num_frames, self.n, self.labelled = name, n, n, labelled

    def open(self):
        return _Sequence(self.n, self.labelled)


def _tracker(measures):
    return RecordingTracker(SizeEngine(measures), Geometry, TrackerConfig())


@pytest.mark.parametrize("measures, kept", [(True, 0.0), (False, 1.0)])
def test_kept_share_tells_a_measuring_network_from_one_that_reads_the_crop(measures, kept):
    tracker = _tracker(measures)
    z = np.zeros((3, 64, 64), np.float32)
    shares, error = probe_frame(tracker, _pair(), TARGET, z, z, 0.7)
    assert shares.shape == (4,) and error.shape == (2,)
    assert np.allclose(shares, kept, atol=0.02)  # crop sides are whole pixels
    if measures:
        assert np.allclose(error, 0.0, atol=1e-3)


def test_job_reports_each_sequence_and_all_samples_pooled():
    items = [_Item("a", 31), _Item("unlabelled", 40, labelled=False), _Item("b", 12)]
    job = measure_size_response(_tracker(False), items, scale=0.7, every=10)
    reports = []
    try:
        while True:
            reports.append(next(job))
    except StopIteration as stop:
        results = stop.value
    assert [r.done for r in reports] == [1, 2, 3]
    assert [r.name for r in results] == ["a", "b", "all"]
    assert [r.samples for r in results] == [3, 1, 4]  # frames 10, 20, 30 / 10
    assert all(r.kept_share == pytest.approx(1.0, abs=0.02) for r in results)
    assert "kept share" in format_table(results, "title")


@pytest.mark.parametrize("kwargs", [{"scale": 1.0}, {"scale": 0.0}, {"every": 0}])
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ConfigError):
        next(measure_size_response(_tracker(True), [_Item("a", 5)], **kwargs))
