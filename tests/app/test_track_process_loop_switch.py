"""The tracking process kept a tracker per whole ``TrackerChoice``, loop options included: each
switch of "Learn the target while tracking", "Keep off look-alikes", the streams fed... in File >
Settings loaded the weights again and kept every copy (the paper-scale teacher: 5-9 s and
450-800 MB more per switch, measured with the authors' MPLT layout imported). The network is now
kept per weights, engine and device, and the loop options are applied to it, as the in-thread pool
does (``with_loop_settings``)."""
from __future__ import annotations

import dataclasses
import os

import numpy as np

from app.track_process import Recipe, TrackerProcess, network_choice
from core.trackers import TrackerChoice
from tests.tiny_students import tiny_student_checkpoint


def _boxes(process, recipe, choice, synthetic):
    return np.array([box for _f, box, *_ in process.track(recipe, choice, 0, 6, synthetic.boxes[0])])


def test_a_loop_switch_keeps_the_network_and_takes_effect(pair_files, synthetic, tmp_path):
    recipe = Recipe("pair", tuple(str(p) for p in pair_files))
    weights = tiny_student_checkpoint(tmp_path / "student.pt", 0)
    first = (weights.read_bytes(), weights.stat())
    both = TrackerChoice("student", weights=str(weights), engine="torch", threads=1, streams="both")
    thermal = dataclasses.replace(both, streams="thermal", online_filter=False, pixel_match=False)
    assert network_choice(thermal) == network_choice(both) and network_choice(thermal) != network_choice(
        dataclasses.replace(both, engine="onnx"))
    kept, fresh = TrackerProcess(), TrackerProcess()
    try:
        before = _boxes(kept, recipe, both, synthetic)
        tiny_student_checkpoint(weights, 1)  # other weights in the file, its size and time as they were: a rebuild would read them
        assert weights.stat().st_size == first[1].st_size
        os.utime(weights, ns=(first[1].st_atime_ns, first[1].st_mtime_ns))
        switched = _boxes(kept, recipe, thermal, synthetic)
        weights.write_bytes(first[0])
        wanted = _boxes(fresh, recipe, thermal, synthetic)
    finally:
        kept.shutdown()
        fresh.shutdown()
    assert not np.allclose(before, wanted)  # the switch changes the boxes
    np.testing.assert_allclose(switched, wanted)  # the kept network, with the switched options


def test_weights_chosen_in_turn_keep_one_network(pair_files, synthetic, tmp_path):
    """Each weights file chosen in turn stayed loaded in the tracking process (three paper-scale
    teachers tried: 0.8, 1.6, 2.1 GB); it keeps the last one per tracker: going back to the first
    loads it again (here: the other weights its file now holds, its size and time as they were)."""
    recipe = Recipe("pair", tuple(str(p) for p in pair_files))
    first = tiny_student_checkpoint(tmp_path / "first.pt", 0)
    second = tiny_student_checkpoint(tmp_path / "second.pt", 2)
    original = first.stat()
    choice = TrackerChoice("student", weights=str(first), engine="torch", threads=1)
    process, fresh = TrackerProcess(), TrackerProcess()
    try:
        before = _boxes(process, recipe, choice, synthetic)
        _boxes(process, recipe, dataclasses.replace(choice, weights=str(second)), synthetic)
        tiny_student_checkpoint(first, 1)
        assert first.stat().st_size == original.st_size
        os.utime(first, ns=(original.st_atime_ns, original.st_mtime_ns))
        again = _boxes(process, recipe, choice, synthetic)
        wanted = _boxes(fresh, recipe, choice, synthetic)
    finally:
        process.shutdown()
        fresh.shutdown()
    assert not np.allclose(before, wanted)
    np.testing.assert_allclose(again, wanted)  # loaded again: the first network was let go


def test_weights_that_fail_to_load_leave_the_previous_network_ready(pair_files, synthetic, tmp_path):
    """A file chosen that does not load (an authors' checkpoint not yet converted, the other
    network's) is one error, and the network that ran before stays loaded: choosing it again runs
    at once (here: the network kept, though its file now holds other weights of the same size and
    time)."""
    import pytest
    import torch

    from core.errors import CheckpointError

    recipe = Recipe("pair", tuple(str(p) for p in pair_files))
    weights = tiny_student_checkpoint(tmp_path / "student.pt", 0)
    original = weights.stat()
    authors = tmp_path / "OSTrack_ep0300.pth.tar"
    torch.save({"net": {"backbone.blocks.0.attn.qkv.weight": torch.zeros(2)}, "net_type": "OSTrack"}, authors)
    choice = TrackerChoice("student", weights=str(weights), engine="torch", threads=1)
    process = TrackerProcess()
    try:
        before = _boxes(process, recipe, choice, synthetic)
        with pytest.raises(CheckpointError, match="import-weights"):
            _boxes(process, recipe, dataclasses.replace(choice, weights=str(authors)), synthetic)
        tiny_student_checkpoint(weights, 1)
        os.utime(weights, ns=(original.st_atime_ns, original.st_mtime_ns))
        again = _boxes(process, recipe, choice, synthetic)
    finally:
        process.shutdown()
    np.testing.assert_allclose(again, before)
