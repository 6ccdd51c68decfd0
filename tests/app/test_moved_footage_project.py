"""Read-only footage keeps its project in the studio's home under a digest of its folder: the same
footage moved (a dataset share mounted elsewhere) opened a new, empty project there, the boxes
left in the one under the old folder's digest, without a word."""
from __future__ import annotations

from core.sequences.base import SequenceInfo
from tests.core.annotations.test_moved_footage_project import _annotate, _footage


def test_moved_read_only_footage_keeps_its_project_in_the_home(tmp_path, monkeypatch):
    from app.project import default_project_path

    monkeypatch.setenv("RGBT_STUDIO_HOME", str(tmp_path / "home"))
    info = _footage(tmp_path / "share-a" / "0111_1716")
    (tmp_path / "share-a" / "0111_1716").chmod(0o555)  # read-only for everyone (root too: app.project)
    try:
        project, note = default_project_path(info)
        assert project.parent == tmp_path / "home" / "projects" and "is read-only" in note
        _annotate(project, info)
        (tmp_path / "share-a").rename(tmp_path / "share-b")
        moved = SequenceInfo("0111_1716", "video-pair", 151, 64, 48,
                             visible_source=tmp_path / "share-b" / "0111_1716" / "visible.mp4",
                             thermal_source=tmp_path / "share-b" / "0111_1716" / "infrared.mp4")
        assert default_project_path(moved)[0] == project
    finally:
        for folder in (tmp_path / "share-a" / "0111_1716", tmp_path / "share-b" / "0111_1716"):
            if folder.exists():
                folder.chmod(0o755)
