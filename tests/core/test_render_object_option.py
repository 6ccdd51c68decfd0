"""``render --object ID`` (one object of a MOT file of several) was left unused without a word when
no --boxes file was given, and when the --boxes file holds one box per frame (not MOT rows): the
video was written as if the object had been picked. Now the first is one error line before any
work, the second a note naming the file."""
from __future__ import annotations

from core.cli import main
from tests.core.safety.conftest import make_sequence


def test_object_without_boxes_is_one_line_before_any_work(tmp_path, capsys):
    out = tmp_path / "v.mp4"
    assert main(["render", str(tmp_path / "none"), "--object", "7", "--out", str(out)]) == 2
    assert capsys.readouterr().err == ("error: --object 7 picks an object of a --boxes file of MOT rows; give the "
                                       "--boxes file\n")
    assert not out.exists()


def test_object_of_a_file_of_one_box_per_frame_is_noted(tmp_path, capsys):
    folder = make_sequence(tmp_path / "seq", frames=4)
    boxes = tmp_path / "boxes.txt"
    boxes.write_text("10,10,20,20\n11,10,20,20\n12,10,20,20\n13,10,20,20\n")
    mot = tmp_path / "mot.txt"
    mot.write_text("1,5,10,10,20,20,1,-1,-1\n1,7,30,30,10,10,1,-1,-1\n2,7,31,30,10,10,1,-1,-1\n")
    assert main(["render", str(folder), "--boxes", str(boxes), "--object", "3", "--out", str(tmp_path / "a.mp4")]) == 0
    err = capsys.readouterr().err
    assert (f"note: {boxes}: --object 3 applies to MOT rows (frame,id,x,y,w,h,...); the file holds x,y,w,h boxes, "
            "drawn whole") in err
    assert main(["render", str(folder), "--boxes", str(mot), "--object", "7", "--out", str(tmp_path / "b.mp4")]) == 0
    assert "applies to MOT rows" not in capsys.readouterr().err


def test_render_with_the_project_takes_the_frame_rate_stated_in_the_studio(tmp_path, capsys):
    """An image folder records no frame rate (the studio assumes 30); one stated with the studio's
    View > Frame rate... is kept in the project, and the studio's clock and exports use it, but
    ``render --store`` wrote the review video at 30 fps."""
    import cv2

    from core.annotations.project_paths import FPS_META
    from core.annotations.records import FrameAnnotation
    from core.annotations.store import AnnotationStore

    folder = make_sequence(tmp_path / "seq", frames=4)
    store_path = tmp_path / "seq.rgbt.sqlite"
    with AnnotationStore.open(store_path) as store:
        store.put([FrameAnnotation(0, [10.0, 10.0, 20.0, 20.0], keyframe=True)])
        store.set_meta(FPS_META, 12.5)
    out = tmp_path / "v.mp4"
    assert main(["render", str(folder), "--store", str(store_path), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "at 12.5 fps" in captured.out and "12.5 fps, the frame rate stated in seq.rgbt.sqlite" in captured.err
    capture = cv2.VideoCapture(str(out))
    assert abs(capture.get(cv2.CAP_PROP_FPS) - 12.5) < 0.01
    capture.release()
    assert main(["render", str(folder), "--store", str(store_path), "--fps", "5", "--out", str(tmp_path / "w.mp4")]) == 0
    assert "at 5 fps" in capsys.readouterr().out  # --fps still decides
