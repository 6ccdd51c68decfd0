"""A video opened alone whose file names only a modality (``antiuav-4/thermal.avi``) was named
after its file ("thermal") until 404eb4b and is now named after its folder ("antiuav-4"). Its
project was made at ``antiuav-4/thermal.rgbt.sqlite`` (or, beside a read-only folder, at
``<studio home>/projects/thermal-<digest>.rgbt.sqlite``); opening the video afterwards looked for
``antiuav-4/antiuav-4.rgbt.sqlite`` and started an empty project without a word. The earlier
project is found while none exists under the new name, and only when it was made on the same
stream files."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.lone_clips import grey_clip


def _project(path: Path, sources: list[Path]) -> None:
    """A studio project at ``path`` that records ``sources`` (resolved) and one box."""
    from core.annotations.records import FrameAnnotation
    from core.annotations.store import AnnotationStore

    path.parent.mkdir(parents=True, exist_ok=True)
    store = AnnotationStore.open(path)
    store.set_meta("sources", [str(p.resolve()) for p in sources])
    store.set_meta("sequence_name", "thermal")
    store.put([FrameAnnotation(0, [10.0, 18.0, 12.0, 10.0])])
    store.close()


def _info(video: Path):
    from core.sequences.open_folder import open_sequence

    sequence = open_sequence(video)
    info = sequence.info
    sequence.close()
    return info


def test_the_project_under_the_video_s_earlier_name_is_found(tmp_path):
    from core.annotations.project_paths import project_store_path

    video = grey_clip(tmp_path / "clip-4")
    earlier = tmp_path / "clip-4" / "thermal.rgbt.sqlite"
    _project(earlier, [video])
    info = _info(video)
    assert info.name == "clip-4"
    assert project_store_path(info) == earlier


def test_a_project_under_the_new_name_wins(tmp_path):
    from core.annotations.project_paths import project_store_path

    video = grey_clip(tmp_path / "clip-4")
    _project(tmp_path / "clip-4" / "thermal.rgbt.sqlite", [video])
    _project(tmp_path / "clip-4" / "clip-4.rgbt.sqlite", [video])
    assert project_store_path(_info(video)) == tmp_path / "clip-4" / "clip-4.rgbt.sqlite"


def test_an_earlier_named_project_of_other_streams_is_not_taken(tmp_path):
    from core.annotations.project_paths import project_store_path

    video = grey_clip(tmp_path / "clip-4")
    other = grey_clip(tmp_path / "elsewhere", name="flight.avi")
    _project(tmp_path / "clip-4" / "thermal.rgbt.sqlite", [other])
    assert project_store_path(_info(video)) == tmp_path / "clip-4" / "clip-4.rgbt.sqlite"


def test_a_damaged_earlier_named_file_is_not_taken(tmp_path):
    from core.annotations.project_paths import project_store_path

    video = grey_clip(tmp_path / "clip-4")
    (tmp_path / "clip-4" / "thermal.rgbt.sqlite").write_bytes(b"not a database" * 100)
    assert project_store_path(_info(video)) == tmp_path / "clip-4" / "clip-4.rgbt.sqlite"


def test_a_video_named_by_its_own_file_has_no_earlier_name(tmp_path):
    from core.annotations.project_paths import earlier_name

    assert earlier_name(_info(grey_clip(tmp_path / "clip-4", name="flight.avi"))) is None


def test_beside_a_read_only_folder_the_earlier_named_home_project_is_found(tmp_path, monkeypatch):
    pytest.importorskip("PySide6")
    import app.project as project
    from core.annotations.project_paths import read_only_footage_project

    monkeypatch.setenv("RGBT_STUDIO_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(project, "writable_folder", lambda folder: False)
    video = grey_clip(tmp_path / "clip-4")
    info = _info(video)
    earlier = read_only_footage_project(tmp_path / "clip-4" / "thermal.rgbt.sqlite")
    assert earlier.name.startswith("thermal-")
    new_path, _ = project.default_project_path(info)
    assert new_path.name.startswith("clip-4-")  # none yet: the new name's
    _project(earlier, [video])
    path, note = project.default_project_path(info)
    assert path == earlier and str(earlier) in note
