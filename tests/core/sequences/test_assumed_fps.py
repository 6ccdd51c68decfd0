"""Image folders record no frame rate: they play at an assumed 30 fps, which the sequence now says
(``SequenceInfo.fps_assumed``) instead of reading as a fact; a ``fps:`` line in the sequence folder's
``SOURCE.txt`` states the real rate (also for a LasHeR-style pair of folders, where only an export's
marker was read), and an export of footage with an assumed rate writes no rate (it wrote ``fps: 30``,
and the export reopened at a declared 30)."""
from __future__ import annotations

import cv2
import numpy as np

from core.annotations.formats import exporter
from core.annotations.records import FrameAnnotation
from core.progress import run_to_end
from core.sequences import open_pair, open_sequence


def _frames(folder, count=4, prefix=""):
    folder.mkdir(parents=True)
    for i in range(count):
        frame = np.full((24, 32, 3), 40 + 20 * i, np.uint8)
        cv2.imwrite(str(folder / f"{prefix}{i + 1:06d}.jpg"), frame)
    return folder


def _lasher(root):
    seq = root / "walk"
    _frames(seq / "visible", prefix="v")
    _frames(seq / "infrared", prefix="i")
    (seq / "visible.txt").write_text("4,4,8,8\r\n" * 4)
    (seq / "infrared.txt").write_text("4,4,8,8\r\n" * 4)
    return seq


def test_an_image_folder_s_rate_is_said_to_be_assumed(tmp_path):
    sequence = open_sequence(_frames(tmp_path / "cars"))
    assert sequence.info.fps == 30 and sequence.info.fps_assumed
    sequence.close()
    (tmp_path / "cars" / "SOURCE.txt").write_text("fps: 25\n")
    sequence = open_sequence(tmp_path / "cars")
    assert sequence.info.fps == 25 and not sequence.info.fps_assumed
    sequence.close()


def test_a_pair_of_folders_takes_its_rate_from_source_txt(tmp_path):
    seq = _lasher(tmp_path)
    sequence = open_sequence(seq)
    assert sequence.info.layout == "lasher" and sequence.info.fps_assumed
    sequence.close()
    (seq / "SOURCE.txt").write_text("fps: 12.5\n")
    sequence = open_sequence(seq)
    assert sequence.info.fps == 12.5 and not sequence.info.fps_assumed
    sequence.close()
    pair = open_pair(seq / "visible", seq / "infrared")  # two folders chosen by hand: no rate recorded
    assert pair.info.fps_assumed
    pair.close()


def test_a_video_s_rate_is_not_assumed(tmp_path):
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25, (32, 24))
    for i in range(3):
        writer.write(np.full((24, 32, 3), 50 * i, np.uint8))
    writer.release()
    sequence = open_sequence(path)
    assert sequence.info.fps == 25 and not sequence.info.fps_assumed
    sequence.close()


def test_an_export_of_an_assumed_rate_writes_no_rate(tmp_path):
    sequence = open_sequence(_lasher(tmp_path / "in"))
    records = {0: FrameAnnotation(0, [4, 4, 8, 8])}
    run_to_end(exporter("lasher")(sequence, records, tmp_path / "lasher"))
    assert "fps:" not in (tmp_path / "lasher" / ".rgbt-studio-export").read_text()
    run_to_end(exporter("lasot")(sequence, records, tmp_path / "lasot"))
    assert not any("fps:" in p.read_text() for p in (tmp_path / "lasot").rglob("SOURCE.txt"))
    run_to_end(exporter("got10k")(sequence, records, tmp_path / "got"))
    metas = list((tmp_path / "got").rglob("meta_info.ini"))
    assert metas and all("anno_fps: 0Hz" in p.read_text() for p in metas)  # 0: unknown
    sequence.close()
    for folder in (tmp_path / "lasher", next(p.parent for p in (tmp_path / "got").rglob("meta_info.ini"))):
        reopened = open_sequence(folder)
        assert reopened.info.fps_assumed, folder  # still an assumption, not a declared 30
        reopened.close()
