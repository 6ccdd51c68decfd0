"""A video, an image or a studio project given where a box file belongs (convert SRC, render
--boxes, an eval results file, the studio's Import) said 'holds NUL bytes, no text: a file cut
short (a crash while it was written) or not a text file of boxes': a crash first, for a file
that is footage. It now says what the file is."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.annotations.formats.decoding import read_text
from core.cli import main
from core.errors import AnnotationFormatError
from tests.core.cli_lines import one_error_line


def _video(path) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (32, 24))
    for _ in range(3):
        writer.write(np.full((24, 32, 3), 90, np.uint8))
    writer.release()


@pytest.mark.parametrize("name, kind", [("clip.mp4", "a video (MP4 / MOV)"), ("frame.png", "a PNG image"),
                                        ("frame.jpg", "a JPEG image"), ("clip.avi", "a video (AVI)")])
def test_footage_is_named_as_what_it_is(tmp_path, name, kind):
    path = tmp_path / name
    if path.suffix == ".mp4":
        _video(path)
    elif path.suffix == ".avi":
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (32, 24))
        writer.write(np.full((24, 32, 3), 90, np.uint8))
        writer.release()
    else:
        cv2.imwrite(str(path), np.full((24, 32, 3), 90, np.uint8))
    with pytest.raises(AnnotationFormatError) as raised:
        read_text(path)
    assert str(raised.value) == f"{path}: is {kind}, not a text file of boxes"


def test_convert_of_a_video_and_render_with_a_project_as_boxes(tmp_path, capsys):
    clip = tmp_path / "clip.mp4"
    _video(clip)
    assert main(["convert", str(clip), str(tmp_path / "out.txt"), "--to", "xywh"]) == 2
    assert one_error_line(capsys.readouterr().err) == f"error: {clip}: is a video (MP4 / MOV), not a text file of boxes"
    project = tmp_path / "p.rgbt.sqlite"
    project.write_bytes(b"SQLite format 3\x00" + bytes(100))
    assert main(["convert", str(project), str(tmp_path / "out.txt"), "--to", "xywh"]) == 2
    assert one_error_line(capsys.readouterr().err) == (
        f"error: {project}: is an annotation database (a studio project, SQLite), not a text file of boxes")
