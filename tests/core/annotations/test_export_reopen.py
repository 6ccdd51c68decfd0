"""Exports of single-stream footage (the stand-in folder each layout needs, said in the warnings
and the export marker) and how every export reopens: as the stream it holds, at its frame rate."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.annotations.formats import export_got10k, export_lasot, export_rgbt_native
from core.annotations.records import FrameAnnotation
from core.progress import run_to_end
from tests.core.annotations.test_formats import TinySequence, _records


def _single_stream(tmp_path, which: str):
    from core.sequences.image_sources import FolderSource
    from core.sequences.pair import PairSequence

    folder = tmp_path / which
    folder.mkdir()
    for i in range(3):
        cv2.imwrite(str(folder / f"{i + 1:05d}.png"), np.full((30, 40, 3), 40 * i, np.uint8))
    source = FolderSource(folder)
    streams = (source, None) if which == "visible" else (None, source)
    return PairSequence(*streams, name="one", layout="folder")


@pytest.mark.parametrize("which, export, stand_in", [
    ("visible", export_rgbt_native, "infrared/ holds the visible frames' luminance"),
    ("thermal", export_rgbt_native, "visible/ holds the thermal frames"),
])
def test_a_single_stream_export_says_which_folder_is_a_stand_in(tmp_path, which, export, stand_in):
    """A visible-only sequence exported to LasHeR wrote the visible luminance as infrared/
    without a word; the layout needs both folders, so it is still written, and said."""
    result = run_to_end(export(_single_stream(tmp_path, which), {0: FrameAnnotation(0, [5, 5, 10, 10])},
                               tmp_path / "out"))
    assert stand_in in result.warnings[0]
    assert stand_in in (tmp_path / "out" / ".rgbt-studio-export").read_text(encoding="utf-8")


def test_an_rgbt_export_has_no_stand_in_note(tmp_path):
    result = run_to_end(export_rgbt_native(TinySequence(), _records(), tmp_path / "out"))
    assert not any("stand" in w or "holds the" in w for w in result.warnings)
    assert (tmp_path / "out" / ".rgbt-studio-export").read_text(encoding="utf-8") == "tiny`seq\nfps: 10\n"


@pytest.mark.parametrize("which", ["visible", "thermal"])
def test_a_single_stream_got10k_export_reopens_as_the_stream_it_holds(tmp_path, which):
    """A thermal-only sequence's GOT-10k export declared its ``<name>/`` folder (the thermal
    frames as the visible stand-in) ``modality: visible`` in meta_info.ini, so opening it again
    showed the drone footage as visible-only ('no thermal stream'); both folders now declare
    the stream they hold."""
    from core.sequences.open_folder import open_sequence

    run_to_end(export_got10k(_single_stream(tmp_path, which), {0: FrameAnnotation(0, [5, 5, 10, 10])},
                             tmp_path / "out"))
    info = open_sequence(tmp_path / "out" / "one").info
    assert (info.thermal_only, info.visible_only) == (which == "thermal", which == "visible")


@pytest.mark.parametrize("which", ["visible", "thermal"])
@pytest.mark.parametrize("export", [export_got10k, export_lasot])
def test_a_single_stream_per_modality_export_writes_the_clip_once(tmp_path, which, export):
    """A thermal-only clip's GOT-10k export wrote ``one/`` (the thermal frames as a visible
    stand-in) and ``one-thermal/``, both in list.txt with the same boxes: a GOT-10k toolkit scored
    the clip twice. Single-stream footage is now one folder of the stream it has, said nowhere
    as a stand-in."""
    result = run_to_end(export(_single_stream(tmp_path, which), {0: FrameAnnotation(0, [5, 5, 10, 10])},
                               tmp_path / "out"))
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == (
        ["list.txt", "one"] if export is export_got10k else ["one"])
    if export is export_got10k:
        assert (out / "list.txt").read_text() == "one\n"
        assert f"modality: {which}" in (out / "one" / "meta_info.ini").read_text()
    assert not any("stand-in" in w or "holds the" in w for w in result.warnings), result.warnings
    assert (out / ".rgbt-studio-export").read_text(encoding="utf-8") == "one\n"


@pytest.mark.parametrize("which", ["visible", "thermal"])
@pytest.mark.parametrize("naming", ["lasher", "rgbt234"])
def test_a_single_stream_lasher_export_reopens_as_the_stream_it_holds(tmp_path, which, naming):
    """A thermal-only sequence's LasHeR export (the layout needs visible/ and infrared/, so
    visible/ holds the thermal frames again) reopened as a visible + thermal pair whose visible
    view showed thermal frames; the marker's ``modality:`` line now makes it open as the one
    stream it holds, with the same frames and boxes."""
    from core.sequences.open_folder import open_sequence

    sequence = _single_stream(tmp_path, which)
    run_to_end(export_rgbt_native(sequence, {0: FrameAnnotation(0, [5, 5, 10, 10])}, tmp_path / "out",
                                  naming=naming))
    reopened = open_sequence(tmp_path / "out")
    info = reopened.info
    assert (info.thermal_only, info.visible_only) == (which == "thermal", which == "visible")
    assert len(reopened) == 3
    assert np.array_equal(reopened.ground_truth()[0].box, [5, 5, 10, 10])
    stream = "thermal" if which == "thermal" else "visible"
    assert abs(float(getattr(reopened[2], stream).mean()) - float(getattr(sequence[2], stream).mean())) < 2  # JPEG


def test_an_rgbt_export_reopens_as_a_pair(tmp_path):
    from core.sequences.open_folder import open_sequence

    run_to_end(export_rgbt_native(TinySequence(), _records(), tmp_path / "out"))
    info = open_sequence(tmp_path / "out").info
    assert not info.thermal_only and not info.visible_only


def test_a_got10k_export_reopens_at_the_source_frame_rate(tmp_path):
    """meta_info.ini says ``anno_fps: 25Hz`` but the folder reopened at 30 fps (a 20 s drone
    video's clock read 16.7 s); a GOT-10k folder now opens at the rate it declares."""
    from core.sequences.image_sources import FolderSource
    from core.sequences.open_folder import open_sequence
    from core.sequences.pair import PairSequence

    _single_stream(tmp_path, "thermal")
    source = FolderSource(tmp_path / "thermal")
    source.fps = 25.0
    sequence = PairSequence(None, source, name="one", layout="folder")
    run_to_end(export_got10k(sequence, {0: FrameAnnotation(0, [5, 5, 10, 10])}, tmp_path / "out"))
    assert "anno_fps: 25Hz" in (tmp_path / "out" / "one" / "meta_info.ini").read_text()
    assert open_sequence(tmp_path / "out" / "one").info.fps == 25.0


def test_a_lasot_export_of_gray_visible_frames_reopens_as_visible(tmp_path):
    """TNO's visible frames are gray: the LaSOT export's ``<name>/img`` reopened as a thermal-only
    sequence, having no meta file to say otherwise; each modality folder now has a SOURCE.txt
    ``modality:`` line."""
    from core.sequences.image_sources import FolderSource
    from core.sequences.open_folder import open_sequence
    from core.sequences.pair import PairSequence

    for which in ("visual", "thermal"):
        (tmp_path / which).mkdir()
        for i in range(3):
            cv2.imwrite(str(tmp_path / which / f"{i + 1:05d}.png"), np.full((30, 40), 60 + 40 * i, np.uint8))
    sequence = PairSequence(FolderSource(tmp_path / "visual"), FolderSource(tmp_path / "thermal"), name="tree",
                            layout="folder-pair")
    run_to_end(export_lasot(sequence, {0: FrameAnnotation(0, [5, 5, 10, 10])}, tmp_path / "out"))
    visible, thermal = open_sequence(tmp_path / "out" / "tree").info, open_sequence(tmp_path / "out" / "tree-thermal").info
    assert visible.visible_only and thermal.thermal_only


def _at_25_fps(tmp_path):
    from core.sequences.image_sources import FolderSource
    from core.sequences.pair import PairSequence

    _single_stream(tmp_path, "thermal")
    source = FolderSource(tmp_path / "thermal")
    source.fps = 25.0
    return PairSequence(None, source, name="one", layout="folder")


@pytest.mark.parametrize("naming", ["lasher", "rgbt234"])
def test_a_lasher_export_keeps_the_source_frame_rate_in_its_marker(tmp_path, naming):
    """A 25 fps video exported to LasHeR / RGBT234 reopened at 30 fps (00:16.667 for 00:20.000):
    the layout has no fps field. The rate goes into the hidden export marker, which the
    official toolkits do not read; the layout's own files are unchanged."""
    run_to_end(export_rgbt_native(_at_25_fps(tmp_path), {0: FrameAnnotation(0, [5, 5, 10, 10])}, tmp_path / "out",
                                  naming=naming))
    marker = (tmp_path / "out" / ".rgbt-studio-export").read_text(encoding="utf-8").splitlines()
    assert marker[:3] == ["one", "modality: thermal", "fps: 25"], marker
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == [
        "infrared", "infrared.txt", "init.txt", "visible", "visible.txt"]


def test_a_lasher_export_reopens_at_the_source_frame_rate(tmp_path):
    from core.sequences.open_folder import open_sequence

    run_to_end(export_rgbt_native(_at_25_fps(tmp_path), {0: FrameAnnotation(0, [5, 5, 10, 10])}, tmp_path / "out"))
    assert open_sequence(tmp_path / "out").info.fps == 25.0
