"""A file whose name is not UTF-8 (Windows-1252 'vidéo.avi') dropped on the window.

A file manager sends its name percent-encoded byte for byte ('vid%E9o.avi'); Qt's
``toLocalFile`` turned the byte into U+FFFD, a path that does not exist, and the drop said
"drop one sequence folder, one video, ..." of the one video dropped. The path is decoded from
the URL's bytes as Python names files, so the open says what is wrong with it (rename it)."""
from __future__ import annotations

import os

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from app.window_dialogs import dropped_paths

pytestmark = pytest.mark.skipif(os.name == "nt", reason="file names are bytes on POSIX only")


def _video(folder, name: bytes) -> str:
    import cv2

    plain = folder / "plain.avi"
    writer = cv2.VideoWriter(str(plain), cv2.VideoWriter_fourcc(*"MJPG"), 25.0, (64, 48))
    for _ in range(3):
        writer.write(np.zeros((48, 64, 3), np.uint8))
    writer.release()
    target = os.path.join(os.fsencode(folder), name)
    os.replace(os.fsencode(plain), target)
    return os.fsdecode(target)


def _drop(window, urls: list[QUrl]) -> None:
    mime = QMimeData()
    mime.setUrls(urls)
    window.dropEvent(QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier))


def test_dropped_urls_keep_the_bytes_of_their_names(tmp_path):
    path = _video(tmp_path, b"vid\xe9o.avi")
    url = QUrl(f"file://{tmp_path}/vid%E9o.avi")
    assert dropped_paths([url]) == [path] and os.path.exists(dropped_paths([url])[0])
    plain = QUrl.fromLocalFile(str(tmp_path / "café ü.txt"))  # UTF-8 names and spaces as before
    assert dropped_paths([plain]) == [str(tmp_path / "café ü.txt")]
    assert dropped_paths([QUrl("https://example.com/a.mp4")]) == []


def test_a_dropped_video_with_such_a_name_is_said_to_need_renaming(window, tmp_path):
    _video(tmp_path, b"vid\xe9o.avi")
    _drop(window, [QUrl(f"file://{tmp_path}/vid%E9o.avi")])
    message = window.statusBar().currentMessage()
    assert "drop one sequence folder" not in message, message
    assert "not valid UTF-8" in message and "rename" in message, message
