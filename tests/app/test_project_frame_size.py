"""A project whose boxes were drawn on frames of another size than its footage opens at now says so.

Until 2026-12-07 (0f6fbf6) a folder of JPEG frames stored sideways with an EXIF orientation tag (a
phone's shots) opened as stored, 24x32 for 32x24 footage; it opens upright now, and a project
annotated before then reopened with its boxes lying across the picture, without a word. A project
records the frame size it opens at (``frame_size``) since, and says when the footage's changes."""
from __future__ import annotations

from app.project import FRAME_SIZE_KEY, OpenRequest, open_job
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore
from core.progress import run_to_end
from tests.core.sequences.test_exif_orientation import exif_jpeg, upright_frame


def _phone_folder(tmp_path, exif: bool = True):
    folder = tmp_path / "phone"
    folder.mkdir()
    for i in range(4):
        (folder / f"{i:05d}.jpg").write_bytes(exif_jpeg(upright_frame(i), 6 if exif else 1))
    (folder / "SOURCE.txt").write_text("modality: visible\n")
    return folder


def _open(folder, project):
    opened = run_to_end(open_job(OpenRequest("sequence", (str(folder),), store=str(project))))
    note = opened.size_note
    opened.store.close()
    opened.sequence.close()
    return note


def _boxes(project, **meta):
    with AnnotationStore.open(project) as store:
        store.put([FrameAnnotation(f, (2.0, 14.0, 6.0, 8.0), provenance=Provenance.MANUAL) for f in range(4)])
        for key, value in meta.items():
            store.set_meta(key, value)


def test_an_old_project_on_exif_turned_frames_says_its_boxes_may_lie_across_them(tmp_path):
    folder, project = _phone_folder(tmp_path), tmp_path / "phone.rgbt.sqlite"
    _boxes(project)  # annotated before the size was recorded
    note = _open(folder, project)
    assert "phone's JPEG frames are stored sideways with an EXIF rotation" in note, note
    assert "(24x32), upright now (32x24)" in note, note
    with AnnotationStore.open(project) as store:
        assert store.get_meta(FRAME_SIZE_KEY) == [32, 24]  # recorded: said once
    assert _open(folder, project) == ""


def test_a_recorded_size_other_than_the_footage_s_is_said(tmp_path):
    folder, project = _phone_folder(tmp_path), tmp_path / "phone.rgbt.sqlite"
    _boxes(project, **{FRAME_SIZE_KEY: [24, 32]})
    note = _open(folder, project)
    assert note.startswith("its boxes were drawn on frames of 24x32, and the footage opens at 32x24 now (turned a "
                           "quarter)"), note


def test_nothing_is_said_of_the_same_size_plain_jpegs_or_a_project_without_boxes(tmp_path):
    folder, project = _phone_folder(tmp_path, exif=False), tmp_path / "plain.rgbt.sqlite"
    _boxes(project)
    assert _open(folder, project) == ""  # no EXIF rotation
    assert _open(folder, project) == ""  # recorded, the same size
    turned = tmp_path / "turned"
    turned.mkdir()
    (_phone_folder(turned))
    assert _open(turned / "phone", tmp_path / "empty.rgbt.sqlite") == ""  # no boxes to misplace


def test_the_opening_message_says_it_first(window, tmp_path):
    folder, project = _phone_folder(tmp_path), tmp_path / "phone.rgbt.sqlite"
    _boxes(project)
    window.open_sequence(folder, store=str(project))
    assert window.document is not None, window.last_error
    message = window.statusBar().currentMessage()
    # before the visible-only stream's note (it was last but the frame rate's, cut off a 1600-wide bar)
    assert message.index("stored sideways with an EXIF rotation") < message.index("visible-only"), message
