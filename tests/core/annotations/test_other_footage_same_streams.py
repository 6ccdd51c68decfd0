"""``render SEQUENCE --store P`` (and ``export-distill --store``) with the studio project of the
very same footage opened by another path: the project of ``antiuav-4/thermal.avi`` (which the
studio names "thermal") drawn on the folder ``antiuav-4/`` said "note: P was made for thermal
(501 frames); drawing it on antiuav-4", as if it were a renamed sequence's. A project recording
the stream files the sequence reads is its own: no note."""
from __future__ import annotations

import numpy as np

from core.cli import main
from tests.lone_clips import grey_clip

FRAMES = 6




def _project(path, name: str, sources):
    """A studio project as the studio leaves it: the name, frame count and sources it recorded, one box."""
    from core.annotations.history import SetRecords
    from core.annotations.records import FrameAnnotation, Provenance
    from core.annotations.store import AnnotationStore

    with AnnotationStore.open(path) as store:
        store.set_meta("sequence_name", name)
        store.set_meta("num_frames", FRAMES)
        store.set_meta("sources", [str(p.resolve()) for p in sources])
        SetRecords([FrameAnnotation(0, np.array([10.0, 18.0, 12.0, 10.0]), provenance=Provenance.MANUAL)],
                   label="draw").apply(store)
    return path


def test_the_project_of_the_video_is_the_folder_s_own(tmp_path):
    from core.annotations.project_paths import other_footage
    from core.annotations.store import AnnotationStore
    from core.sequences import open_sequence

    video = grey_clip(tmp_path / "clip-4")
    path = _project(tmp_path / "clip.rgbt.sqlite", "thermal", [video])
    sequence = open_sequence(video.parent)
    try:
        with AnnotationStore.open(path, read_only=True) as store:
            assert other_footage(store, sequence) is None
    finally:
        sequence.close()


def test_render_draws_it_without_a_note(tmp_path, capsys):
    video = grey_clip(tmp_path / "clip-4")
    path = _project(tmp_path / "clip.rgbt.sqlite", "thermal", [video])
    assert main(["render", str(video.parent), "--no-ground-truth", "--store", str(path),
                 "--out", str(tmp_path / "r.mp4")]) == 0
    assert "was made for" not in capsys.readouterr().err


def test_another_footage_s_project_still_gets_its_note(tmp_path, capsys):
    video = grey_clip(tmp_path / "clip-4")
    other = grey_clip(tmp_path / "clip-9")
    path = _project(tmp_path / "clip.rgbt.sqlite", "thermal", [other])
    assert main(["render", str(video.parent), "--no-ground-truth", "--store", str(path),
                 "--out", str(tmp_path / "r.mp4")]) == 0
    assert "was made for thermal" in capsys.readouterr().err
