"""A sequence in a folder the user cannot write to (a read-only dataset share) opens, and
its annotations go to the studio's home instead of failing to open."""
from __future__ import annotations

import os
import shutil
from pathlib import Path


def _copy_pair(pair_files, folder: Path) -> tuple[Path, Path]:
    folder.mkdir()
    return tuple(Path(shutil.copy(p, folder / Path(p).name)) for p in pair_files)


def _read_only(monkeypatch, folder: Path) -> None:
    """``folder`` behaves as read-only (as on a read-only mount, also for root)."""
    real_access = os.access

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and Path(path).resolve() == folder.resolve():
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)


def test_a_pair_in_a_read_only_folder_opens_with_its_project_in_the_studio_home(window, pair_files, tmp_path,
                                                                                monkeypatch):
    from core.annotations.project_paths import studio_home

    visible, thermal = _copy_pair(pair_files, tmp_path / "dataset")
    _read_only(monkeypatch, tmp_path / "dataset")
    window.open_pair(visible, thermal)
    assert window.document is not None, window.statusBar().currentMessage()
    store = Path(window.document.store.path)
    assert store.parent == studio_home() / "projects"
    assert not list((tmp_path / "dataset").glob("*.rgbt.sqlite"))
    assert "read-only" in window.statusBar().currentMessage()
    assert str(store) in window.statusBar().currentMessage()

    window.views.box_drawn.emit("visible", (10.0, 10.0, 20.0, 20.0))
    window.open_pair(visible, thermal)  # opened again the same way: the same project, the box kept
    assert Path(window.document.store.path) == store
    assert window.document.record(0) is not None and window.document.record(0).box is not None


def test_two_read_only_sequences_of_the_same_name_get_two_projects(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from app.project import default_project_path

    infos = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "visible.mp4").write_bytes(b"")
        infos.append(SimpleNamespace(name="seq", visible_source=str(tmp_path / name / "visible.mp4"),
                                     thermal_source=None))
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if mode & os.W_OK else real_access(path, mode))
    (first, note_a), (second, note_b) = (default_project_path(info) for info in infos)
    assert first != second and first.name.startswith("seq-") and note_a and note_b
    assert default_project_path(infos[0])[0] == first  # the same sequence finds the same project


def test_a_writable_folder_keeps_the_project_beside_the_sources(tmp_path):
    from types import SimpleNamespace

    from app.project import default_project_path, writable_folder

    (tmp_path / "visible.mp4").write_bytes(b"")
    info = SimpleNamespace(name="seq", visible_source=str(tmp_path / "visible.mp4"), thermal_source=None)
    assert default_project_path(info) == (tmp_path / "seq.rgbt.sqlite", "")
    assert writable_folder(tmp_path / "not" / "yet" / "there")


def test_a_project_that_does_not_exist_is_one_message_and_no_empty_file(window, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    from app.project import OpenRequest

    missing = tmp_path / "typo.rgbt.sqlite"
    window.open_request(OpenRequest("project", store=str(missing)))
    assert window.document is None and not missing.exists()
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    assert str(missing) in boxes[0].text() and "does not exist" in boxes[0].informativeText()


def test_a_project_without_sources_says_so_in_words(window, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    from app.project import OpenRequest
    from core.annotations.store import AnnotationStore

    empty = tmp_path / "empty.rgbt.sqlite"
    AnnotationStore.open(empty).close()
    window.open_request(OpenRequest("project", store=str(empty)))
    (box,) = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert "names no video pair or sequence folder" in box.informativeText() and "meta" not in box.informativeText()
