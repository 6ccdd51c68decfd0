"""The review video (``render_review_video``, ``python main.py render``): the footage with its
boxes drawn, written atomically, never over an input."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.review_video import (
    LAYER_RGB,
    PROVENANCE_RGB,
    VideoOptions,
    annotation_layer,
    render_review_video,
    rows_layer,
)
from core.cli import main
from core.errors import ExportError
from core.progress import run_to_end

FRAMES = 6


@pytest.fixture(scope="module")
def video_pair(tmp_path_factory) -> Path:
    """A folder with ``visible.mp4``, ``thermal.mp4`` and ``groundtruth.txt`` (96x80, 6 frames)."""
    from core.synthetic import SyntheticConfig, SyntheticSequence
    from core.synthetic.writers import write_video_pair

    folder = tmp_path_factory.mktemp("render") / "pair"
    folder.mkdir()
    seq = SyntheticSequence(SyntheticConfig(width=96, height=80, num_frames=FRAMES), 5)
    run_to_end(write_video_pair(seq, folder / "visible.mp4", folder / "thermal.mp4",
                                ground_truth_path=folder / "groundtruth.txt"))
    return folder


def _frames(path: Path) -> list[np.ndarray]:
    """Every frame of a video, RGB."""
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    capture.release()
    return frames


def _box_colour(frame: np.ndarray, box, header: int = 22, x0: int = 0) -> np.ndarray:
    """The mean RGB along the middle of the box's left edge (the coloured line)."""
    x, y, w, h = (int(round(v)) for v in box)
    return frame[header + y + h // 4: header + y + 3 * h // 4, x0 + x].astype(float).mean(axis=0)


def test_both_views_with_each_layer_in_its_colour(video_pair, tmp_path):
    from core.sequences import open_sequence

    sequence = open_sequence(video_pair)
    box = np.array([20.0, 20.0, 40.0, 30.0])
    records = {0: FrameAnnotation(0, box, provenance=Provenance.MANUAL),
               1: FrameAnnotation(1, None, absent=True)}
    layers = [annotation_layer(records), rows_layer("csrt", {2: box}, LAYER_RGB[1])]
    out = tmp_path / "review.avi"  # Motion JPEG: colours survive better than MPEG-4 for the check
    result = run_to_end(render_review_video(sequence, layers, out, VideoOptions(thermal_colormap="gray")))
    sequence.close()
    frames = _frames(out)
    assert len(frames) == FRAMES and result.frames == FRAMES and "6 frames" in result.summary
    from core.annotations.review_video import legend_layout

    header = legend_layout(f"frame {FRAMES}/{FRAMES}", layers, 2 * 96)[1]  # two lines or more on 192 pixels
    assert frames[0].shape == (80 + header, 2 * 96, 3)
    for x0 in (0, 96):  # the visible view, then the thermal one
        assert np.abs(_box_colour(frames[0], box, header, x0=x0) - PROVENANCE_RGB[Provenance.MANUAL]).max() < 60
        assert np.abs(_box_colour(frames[2], box, header, x0=x0) - LAYER_RGB[1]).max() < 60
    assert np.abs(_box_colour(frames[1], box, header) - PROVENANCE_RGB[Provenance.MANUAL]).max() > 60  # no box


def test_one_view_and_a_wide_frame_scaled_down(video_pair, tmp_path):
    from core.sequences import open_sequence

    sequence = open_sequence(video_pair)
    out = tmp_path / "visible.mp4"
    result = run_to_end(render_review_video(sequence, [], out, VideoOptions(layout="visible", max_width=64)))
    sequence.close()
    frames = _frames(out)
    assert len(frames) == FRAMES and frames[0].shape[1] == 64 and frames[0].shape[0] % 2 == 0
    assert "64x" in result.summary


def test_a_cancelled_render_keeps_the_earlier_video(video_pair, tmp_path):
    from core.sequences import open_sequence

    out = tmp_path / "review.mp4"
    out.write_bytes(b"an earlier video")
    sequence = open_sequence(video_pair)
    job = render_review_video(sequence, [], out)
    next(job), next(job)
    job.close()  # Cancel in the studio, Ctrl+C on the command line
    sequence.close()
    assert out.read_bytes() == b"an earlier video"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["review.mp4"]  # no temporary file left


def test_a_video_suffix_is_needed(video_pair, tmp_path):
    from core.sequences import open_sequence

    sequence = open_sequence(video_pair)
    with pytest.raises(ExportError, match=r"\.mp4 or \.avi"):
        run_to_end(render_review_video(sequence, [], tmp_path / "review.mkv"))
    sequence.close()


def test_render_draws_the_ground_truth_and_results_files(video_pair, tmp_path, capsys):
    results = tmp_path / "results" / "student"
    results.mkdir(parents=True)
    (results / "pair.txt").write_text("".join("30,20,20,20\n" for _ in range(FRAMES + 2)))
    out = tmp_path / "pair.mp4"
    assert main(["render", str(video_pair), "--boxes", str(results / "pair.txt"), "--out", str(tmp_path / "pair")]) == 0
    captured = capsys.readouterr()
    assert f"wrote {out}: 6 frames at" in captured.out and "2 box layers" in captured.out
    assert "pair.txt: 2 rows past the footage's last frame (6) left out" in captured.err
    assert len(_frames(out)) == FRAMES


def test_render_never_writes_over_the_footage_it_draws(video_pair, tmp_path, capsys):
    """``render FOLDER --out FOLDER/visible.mp4 --force`` replaced the sequence's own visible
    video with the review video: the folder's frame sources are known only once it is open, and
    only its ground truth had been protected."""
    before = (video_pair / "visible.mp4").read_bytes()
    code = main(["render", str(video_pair), "--out", str(video_pair / "visible.mp4"), "--force"])
    assert code == 2 and "--out is the visible frames of the sequence" in capsys.readouterr().err
    assert (video_pair / "visible.mp4").read_bytes() == before


def test_layer_names():
    from core.commands.render import layer_name

    assert layer_name(Path("results/csrt/couple.txt"), "couple") == "csrt"
    assert layer_name(Path("boxes_v2.txt"), "couple") == "boxes_v2"


def _store(path: Path, name: str, frames: int, boxes: int) -> Path:
    """A studio project of ``name`` (``frames`` frames) with a drawn box on its first ``boxes`` frames."""
    from core.annotations.history import SetRecords
    from core.annotations.store import AnnotationStore

    with AnnotationStore.open(path) as store:
        store.set_meta("sequence_name", name)
        store.set_meta("num_frames", frames)
        SetRecords([FrameAnnotation(f, np.array([10.0, 10.0, 20.0, 20.0]), provenance=Provenance.MANUAL)
                    for f in range(boxes)], label="draw").apply(store)
    return path


def test_render_refuses_the_project_of_other_footage(video_pair, tmp_path, capsys):
    """``render SEQUENCE --store`` of another sequence's project (the studio's demo, 300 frames, on
    a 140-frame sequence: seen) drew that project's boxes on these frames without a word, and
    counted its boxes past the footage's end as drawn ("290 boxes drawn" on 140 frames)."""
    store = _store(tmp_path / "demo.rgbt.sqlite", "demo", 300, 290)
    code = main(["render", str(video_pair), "--store", str(store), "--out", str(tmp_path / "r.mp4")])
    err = capsys.readouterr().err
    assert code == 2 and "is the project of demo (300 frames), not of pair (6 frames)" in err, err
    assert not (tmp_path / "r.mp4").exists()


def test_render_of_a_renamed_sequence_s_project_is_a_note(video_pair, tmp_path, capsys):
    store = _store(tmp_path / "old.rgbt.sqlite", "old-name", FRAMES, 3)
    assert main(["render", str(video_pair), "--no-ground-truth", "--store", str(store),
                 "--out", str(tmp_path / "r.mp4")]) == 0
    captured = capsys.readouterr()
    assert "was made for old-name" in captured.err
    assert "1 box layer (3 boxes drawn)" in captured.out


def test_the_summary_counts_in_words(video_pair, tmp_path):
    """"1 frames", "1 boxes drawn": a one-frame video and one box."""
    from core.sequences import open_sequence

    sequence = open_sequence(video_pair)

    class _One:
        info = sequence.info

        def __len__(self):
            return 1

        def __getitem__(self, index):
            return sequence[index]

    layers = [rows_layer("one", {0: np.array([10.0, 10.0, 20.0, 20.0]), 3: np.array([10.0, 10.0, 20.0, 20.0])},
                         LAYER_RGB[1])]
    result = run_to_end(render_review_video(_One(), layers, tmp_path / "one.mp4"))
    sequence.close()
    assert "1 frame at" in result.summary and "1 box layer (1 box drawn)" in result.summary, result.summary


def test_render_draws_one_object_of_a_mot_file_named_with_object(video_pair, tmp_path, capsys):
    """``render --boxes gt.txt`` of a MOT file of several objects (a CVAT export) ended in "the
    studio labels one: choose its id", with no way to choose on the command line."""
    mot = tmp_path / "gt.txt"
    mot.write_text("".join(f"{f},{i},{10 + i},20,20,20,1,1,1.0\n" for f in range(1, FRAMES + 1) for i in (1, 7)))
    out = tmp_path / "r.mp4"
    assert main(["render", str(video_pair), "--boxes", str(mot), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "holds 2 objects (ids 1, 7)" in err and "--object" in err and "choose its id" not in err, err
    assert main(["render", str(video_pair), "--no-ground-truth", "--boxes", str(mot), "--object", "7",
                 "--out", str(out)]) == 0
    assert f"1 box layer ({FRAMES} boxes drawn)" in capsys.readouterr().out


def test_render_boxes_of_a_studio_project_names_store(video_pair, tmp_path, capsys):
    from core.annotations.store import AnnotationStore

    with AnnotationStore.open(tmp_path / "p.rgbt.sqlite"):
        pass
    assert main(["render", str(video_pair), "--boxes", str(tmp_path / "p.rgbt.sqlite"),
                 "--out", str(tmp_path / "r.mp4")]) == 2
    err = capsys.readouterr().err
    assert "a studio project" in err and "--store" in err, err


def test_a_sixth_results_file_is_not_drawn_in_the_ground_truth_s_white(video_pair, tmp_path, capsys):
    """Six trackers' results (a paper's comparison): the sixth --boxes file took the colour after
    the fifth, the first again: the ground truth's white, so its boxes read as the ground truth."""
    files = []
    for k in range(6):
        path = tmp_path / f"t{k}.txt"
        path.write_text("".join("60,40,20,30\n" if k == 5 else "2,2,6,6\n" for _ in range(FRAMES)))
        files += ["--boxes", str(path)]
    out = tmp_path / "r.avi"
    assert main(["render", str(video_pair), *files, "--layout", "visible", "--out", str(out)]) == 0
    assert "the colours repeat from the 6th file on" in capsys.readouterr().err
    colour = _box_colour(_frames(out)[0], [60, 40, 20, 30])
    assert np.abs(colour - LAYER_RGB[0]).max() > 60, colour  # not white


def test_the_legend_wraps_onto_more_header_lines_on_a_narrow_video(video_pair, tmp_path):
    """Five trackers' results on a 320-pixel sequence (OTB's couple): the header's legend ran past
    the right edge, naming two and a half of the six layers; the others could not be told apart."""
    from core.annotations.review_video import legend_layout
    from core.sequences import open_sequence

    box = np.array([20.0, 20.0, 40.0, 30.0])
    layers = [rows_layer(f"tracker_number_{k}", {0: box}, LAYER_RGB[1 + k % 5]) for k in range(6)]
    slots, header = legend_layout(f"frame {FRAMES}/{FRAMES}", layers, 192)
    assert header > 22 and len(slots) == len(layers)
    assert all(x + width <= 192 for x, _y, width in slots), slots
    sequence = open_sequence(video_pair)
    out = tmp_path / "narrow.avi"
    run_to_end(render_review_video(sequence, layers, out, VideoOptions(layout="visible")))
    sequence.close()
    frame = _frames(out)[0]
    assert frame.shape[0] == 80 + header
    assert np.abs(_box_colour(frame, box, header=header) - LAYER_RGB[1]).max() < 60


def test_render_of_a_studio_project_names_its_footage_and_store(video_pair, tmp_path, capsys):
    """``render project.rgbt.sqlite`` (the file an annotator has at hand) said "is a file, not a
    sequence folder or a video"; it now names the footage the project records and --store."""
    from core.annotations.store import AnnotationStore

    path = tmp_path / "p.rgbt.sqlite"
    with AnnotationStore.open(path) as store:
        store.set_meta("sources", [str(video_pair)])
    assert main(["render", str(path), "--out", str(tmp_path / "r.mp4")]) == 2
    err = capsys.readouterr().err
    assert f"render {video_pair} --store {path}" in err, err


def test_render_of_a_project_pairing_other_frames_is_a_note(video_pair, tmp_path, capsys):
    """A project whose streams were paired with another frame offset counts other frames: its name
    and count both differ, yet it may be this footage's; drawn, with a note (export-distill's rule)."""
    from core.annotations.store import AnnotationStore

    store = _store(tmp_path / "shifted.rgbt.sqlite", "shifted", FRAMES - 2, 2)
    with AnnotationStore.open(store) as opened:
        opened.set_meta("frame_offset", 2)
    assert main(["render", str(video_pair), "--store", str(store), "--out", str(tmp_path / "r.mp4")]) == 0
    assert "was made for shifted (4 frames)" in capsys.readouterr().err


def test_a_layout_of_the_stream_one_stream_footage_lacks_is_said(tmp_path, capsys):
    """``render --layout thermal`` of visible-only footage showed the visible stream without a word."""
    from core.progress import run_to_end
    from core.synthetic import SyntheticConfig, SyntheticSequence
    from core.synthetic.writers import write_video_pair

    folder = tmp_path / "walk"
    folder.mkdir()
    seq = SyntheticSequence(SyntheticConfig(width=64, height=48, num_frames=3), 2)
    visible, thermal = run_to_end(write_video_pair(seq, folder / "visible.mp4", tmp_path / "thermal.mp4"))
    assert main(["render", str(visible), "--layout", "thermal", "--out", str(tmp_path / "walk.mp4")]) == 0
    assert "--layout thermal: " in capsys.readouterr().err
    assert main(["render", str(visible), "--layout", "visible", "--out", str(tmp_path / "walk2.mp4")]) == 0
    assert "--layout" not in capsys.readouterr().err


def test_a_partly_occluded_box_says_so_in_the_header_as_a_full_occlusion_does():
    """A review video of 0117_1605 (frame 300 marked occluded with Q): its header read "annotations: drawn"
    there, the flag seen only in the box's dashes, while frame 390 read "absent (occluded)"."""
    box = np.array([10.0, 12.0, 30.0, 20.0])
    records = {0: FrameAnnotation(0, box, provenance=Provenance.MANUAL, keyframe=True, occluded=True),
               1: FrameAnnotation(1, box, provenance=Provenance.STUDENT, confidence=0.62, occluded=True),
               2: FrameAnnotation(2, None, absent=True, occluded=True, provenance=Provenance.MANUAL, keyframe=True),
               3: FrameAnnotation(3, box, provenance=Provenance.MANUAL, keyframe=True)}
    words = {f: b.word for f, b in annotation_layer(records).boxes.items()}
    assert words == {0: "drawn (occluded)", 1: "tracked 0.62 (occluded)", 2: "absent (occluded)", 3: "drawn"}
