"""Footage whose folder was renamed or moved keeps its project.

A pair is named by its folder, and its project by its name: ``0111_1716/`` renamed
``walk-1/`` opened a new, empty ``walk-1.rgbt.sqlite`` beside ``0111_1716.rgbt.sqlite``,
which held every box, and said nothing. Read-only footage keeps its project in the studio's
home under a digest of its folder: the same footage moved (a share mounted elsewhere) opened
a new, empty project there too.
"""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.project_paths import project_store_path, stream_files
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore
from core.sequences.base import SequenceInfo


def _footage(folder, name="visible.mp4", other="infrared.mp4", frames=151) -> SequenceInfo:
    folder.mkdir(parents=True, exist_ok=True)
    for file in (name, other):
        (folder / file).write_bytes(b"video")
    return SequenceInfo(folder.name, "video-pair", frames, 64, 48, visible_source=folder / name,
                        thermal_source=folder / other)


def _annotate(path, info) -> None:
    with AnnotationStore.open(path) as store:
        store.put([FrameAnnotation(frame=5, box=np.array([1.0, 2.0, 3.0, 4.0]), provenance=Provenance.MANUAL)])
        store.set_meta("streams", stream_files(info))
        store.set_meta("sources", stream_files(info))
        store.set_meta("num_frames", info.num_frames)


def test_a_renamed_folder_keeps_its_project(tmp_path):
    info = _footage(tmp_path / "0111_1716")
    project = project_store_path(info)
    assert project == tmp_path / "0111_1716" / "0111_1716.rgbt.sqlite"
    _annotate(project, info)
    (tmp_path / "0111_1716").rename(tmp_path / "walk-1")
    moved = _footage(tmp_path / "walk-1")
    assert project_store_path(moved) == tmp_path / "walk-1" / "0111_1716.rgbt.sqlite"


def test_relinked_it_is_still_found(tmp_path):
    """Once the studio recorded the new paths (``same_streams``), the next open finds it again."""
    info = _footage(tmp_path / "walk-1")
    project = tmp_path / "walk-1" / "0111_1716.rgbt.sqlite"
    _annotate(project, info)
    assert project_store_path(info) == project


@pytest.mark.parametrize("case", ["footage still there", "other file names", "other frame count", "two fit"])
def test_another_footage_s_project_is_not_taken(tmp_path, case):
    info = _footage(tmp_path / "old")
    _annotate(tmp_path / "old" / "old.rgbt.sqlite", info)
    if case == "footage still there":  # a copy of the folder, the original in place: its project is the original's
        import shutil

        shutil.copytree(tmp_path / "old", tmp_path / "new")
        new = _footage(tmp_path / "new")
    else:
        (tmp_path / "old").rename(tmp_path / "new")
        if case == "other file names":
            new = _footage(tmp_path / "new", "rgb.mp4", "ir.mp4")
        elif case == "other frame count":
            new = _footage(tmp_path / "new", frames=150)
        else:
            new = _footage(tmp_path / "new")
            import shutil

            shutil.copy(tmp_path / "new" / "old.rgbt.sqlite", tmp_path / "new" / "older.rgbt.sqlite")
    assert project_store_path(new) == tmp_path / "new" / "new.rgbt.sqlite"


def test_looking_for_it_leaves_no_file_beside_the_projects_looked_at(tmp_path):
    """SQLite's read-only look left an empty ``-wal`` and a ``-shm`` beside every project probed."""
    info = _footage(tmp_path / "0111_1716")
    _annotate(tmp_path / "0111_1716" / "0111_1716.rgbt.sqlite", info)
    _footage(tmp_path / "0111_1716", "rgb.mp4", "ir.mp4")  # another pair beside it: not its project
    (tmp_path / "0111_1716").rename(tmp_path / "walk-1")
    for names in (("visible.mp4", "infrared.mp4"), ("rgb.mp4", "ir.mp4")):
        project_store_path(_footage(tmp_path / "walk-1", *names))
    assert sorted(p.name for p in (tmp_path / "walk-1").iterdir() if "rgbt" in p.name) == ["0111_1716.rgbt.sqlite"]
