"""Every failure is a SequenceError naming the file (and the frame when one is involved)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.errors import SequenceError
from core.sequences import detect_layout, open_pair, open_sequence


def test_missing_paths(tmp_path, kit):
    th = kit.write_folder(tmp_path / "th", [kit.thermal_frame(0)])
    missing = tmp_path / "nope"
    with pytest.raises(SequenceError) as info:
        open_pair(missing, th)
    assert str(missing) in str(info.value) and "does not exist" in str(info.value)
    with pytest.raises(SequenceError, match="does not exist") as info:
        open_sequence(missing)
    assert info.value.path == missing


def test_empty_folder(tmp_path, kit):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("x")
    th = kit.write_folder(tmp_path / "th", [kit.thermal_frame(0)])
    with pytest.raises(SequenceError, match="no images") as info:
        open_pair(empty, th)
    assert info.value.path == empty


def test_corrupt_image_names_file_and_frame(tmp_path, kit):
    vis = kit.write_folder(tmp_path / "vis", [kit.visible_frame(i) for i in range(4)])
    th = kit.write_folder(tmp_path / "th", [kit.thermal_frame(i) for i in range(4)])
    bad = th / "00003.png"
    bad.write_bytes(b"not a png at all")
    seq = open_pair(vis, th)
    seq[0]
    with pytest.raises(SequenceError) as info:
        seq[2]
    assert info.value.path == bad and "(frame 3)" in str(info.value) and str(bad) in str(info.value)


def test_corrupt_first_image_fails_at_open(tmp_path, kit):
    vis = kit.write_folder(tmp_path / "vis", [kit.visible_frame(i) for i in range(2)])
    (vis / "00001.png").write_bytes(b"")
    th = kit.write_folder(tmp_path / "th", [kit.thermal_frame(i) for i in range(2)])
    with pytest.raises(SequenceError, match=r"\(frame 1\)") as info:
        open_pair(vis, th)
    assert info.value.path == vis / "00001.png"


def test_not_a_video(tmp_path, kit):
    fake = tmp_path / "fake.mp4"
    fake.write_bytes(np.random.default_rng(1).bytes(4096))
    th = kit.write_video(tmp_path / "t.avi", [kit.thermal_frame(i) for i in range(3)])
    with pytest.raises(SequenceError) as info:
        open_pair(fake, th)
    assert info.value.path == fake and str(fake) in str(info.value)


def test_zero_byte_video(tmp_path, kit):
    empty = tmp_path / "empty.avi"
    empty.write_bytes(b"")
    th = kit.write_video(tmp_path / "t.avi", [kit.thermal_frame(i) for i in range(3)])
    with pytest.raises(SequenceError) as info:
        open_pair(th, empty)
    assert info.value.path == empty


def test_a_truncated_avi_opens_with_the_frames_that_decode(tmp_path, kit):
    """A copy cut short keeps its header's frame count (40): it opened with 40 frames and a
    track stopped at the cut with an error, writing nothing. Now the stream ends at the last
    frame that decodes, with a note, and every frame of it reads."""
    full = kit.write_video(tmp_path / "full.avi", [kit.visible_frame(i) for i in range(40)])
    data = full.read_bytes()
    cut = tmp_path / "cut.avi"
    cut.write_bytes(data[: int(len(data) * 0.9)])  # header says 40 frames, the tail is gone
    th = kit.write_video(tmp_path / "t.avi", [kit.thermal_frame(i) for i in range(40)])
    seq = open_pair(cut, th)
    assert 20 < len(seq) < 40
    for i in range(len(seq)):
        assert seq[i].visible[0, 0, 2] == kit.visible_frame(i)[0, 0, 0]  # RGB: blue last
    assert any("cut.avi: the file is cut short; the container reports 40 frames, "
               f"the first {len(seq)} can be decoded" in note for note in seq.info.notes)


def test_a_truncated_avi_whose_first_frame_is_gone_is_one_error(tmp_path, kit):
    full = kit.write_video(tmp_path / "full.avi", [kit.visible_frame(i) for i in range(40)])
    cut = tmp_path / "cut.avi"
    header = full.read_bytes().index(b"movi") + 8  # the first frame's chunk header, no data
    cut.write_bytes(full.read_bytes()[:header + 8])
    from core.sequences.video_source import VideoSource

    with pytest.raises(SequenceError, match="cut short: none of its 40 frames can be decoded") as info:
        VideoSource(cut)
    assert info.value.path == cut


def test_an_mkv_cut_well_before_its_estimated_end_is_shortened_too(tmp_path, kit):
    from core.sequences.video_source import VideoSource

    frames = [kit.visible_frame(i) for i in range(40)]
    full = tmp_path / "full.mkv"
    writer = cv2.VideoWriter(str(full), cv2.VideoWriter_fourcc(*"FFV1"), 25, (32, 24))
    for frame in frames:
        writer.write(frame)
    writer.release()
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(full.read_bytes()[: int(full.stat().st_size * 0.6)])  # more than 4 frames gone
    source = VideoSource(cut)
    assert 5 < len(source) < 36 and "cut short" in source.note
    assert (source.read(len(source) - 1) == frames[len(source) - 1]).all()


def test_only_a_file_shorter_than_its_chunks_counts_as_cut(tmp_path, kit):
    from core.sequences.cut_short import container_cut_short

    full = kit.write_video(tmp_path / "full.avi", [kit.visible_frame(i) for i in range(5)])
    (tmp_path / "cut.avi").write_bytes(full.read_bytes()[:-10])
    boxes = [(16).to_bytes(4, "big") + b"ftypisom" + bytes(4), (100).to_bytes(4, "big") + b"mdat"]
    (tmp_path / "whole.mp4").write_bytes(boxes[0] + boxes[1] + bytes(92))
    (tmp_path / "cut.mp4").write_bytes(boxes[0] + boxes[1] + bytes(50))
    (tmp_path / "to_end.mp4").write_bytes(boxes[0] + bytes(4) + b"mdat" + bytes(50))
    assert not container_cut_short(full) and container_cut_short(tmp_path / "cut.avi")
    assert not container_cut_short(tmp_path / "whole.mp4") and container_cut_short(tmp_path / "cut.mp4")
    assert not container_cut_short(tmp_path / "to_end.mp4")


def test_video_with_zero_frames(tmp_path, kit):
    empty = tmp_path / "none.avi"
    writer = cv2.VideoWriter(str(empty), cv2.VideoWriter_fourcc(*"FFV1"), 25, (32, 24))
    writer.release()
    th = kit.write_video(tmp_path / "t.avi", [kit.thermal_frame(i) for i in range(3)])
    with pytest.raises(SequenceError, match="zero frames") as info:
        open_pair(th, empty)
    assert info.value.path == empty


def test_unknown_layout_lists_expectations(tmp_path):
    folder = tmp_path / "weird"
    (folder / "left").mkdir(parents=True)
    (folder / "readme.txt").write_text("x")
    with pytest.raises(SequenceError) as info:
        detect_layout(folder)
    message = str(info.value)
    assert str(folder) in message and "GTOT" in message and "visible/ + infrared/" in message
    assert "left/" in message


def test_empty_sequence_folder(tmp_path):
    folder = tmp_path / "blank"
    folder.mkdir()
    with pytest.raises(SequenceError, match="empty folder"):
        open_sequence(folder)


def test_layout_with_empty_stream_folder(tmp_path, kit):
    kit.write_folder(tmp_path / "s" / "v", [kit.visible_frame(0)])
    (tmp_path / "s" / "i").mkdir()
    with pytest.raises(SequenceError, match="no images") as info:
        open_sequence(tmp_path / "s")
    assert info.value.path == tmp_path / "s" / "i"


def test_mixed_thermal_bit_depth_names_file(tmp_path, kit):
    vis = kit.write_folder(tmp_path / "vis", [kit.visible_frame(i) for i in range(3)])
    th = kit.write_folder(tmp_path / "th", [kit.thermal_frame(i) for i in range(3)])
    bad = th / "00003.png"
    cv2.imwrite(str(bad), np.full((24, 32), 40000, np.uint16))
    seq = open_pair(vis, th)
    with pytest.raises(SequenceError, match="mixed bit depths") as info:
        seq[2]
    assert info.value.path == bad


def test_overestimated_frame_count_is_shortened(tmp_path, kit):
    from core.sequences.readable_end import estimated_tail
    from core.sequences.video_source import VideoSource

    file = kit.write_video(tmp_path / "v.avi", [kit.visible_frame(i) for i in range(10)])
    source = VideoSource(file)
    assert len(source) == 10 and source.note is None
    count, note = estimated_tail(source.read, 13, file)  # 13: what a container estimating duration x fps may claim
    assert count == 10 and "reports 13 frames, 10 can be decoded" in note


def test_decode_errors_count_frames_from_one_as_the_user_does(tmp_path, kit, monkeypatch):
    """The messages said the 0-based index ("cannot decode image (frame 4)" for the 5th
    file, "frame 217 of 501" for the 218th), while the command line and the studio count
    from 1; now the frame the user would look for (images: the two tests above)."""
    monkeypatch.setattr("core.sequences.video_source.container_cut_short", lambda path: False)  # a cut unseen
    monkeypatch.setattr("core.sequences.video_source.LAST_FRAME_CHECKED", frozenset())  # nor its tail tried at open
    full = kit.write_video(tmp_path / "full.avi", [kit.visible_frame(i) for i in range(40)])
    cut = tmp_path / "cut.avi"
    cut.write_bytes(full.read_bytes()[: int(full.stat().st_size * 0.5)])
    video = open_pair(cut, kit.write_video(tmp_path / "t.avi", [kit.thermal_frame(i) for i in range(40)]))
    index = 0
    with pytest.raises(SequenceError) as info:
        for index in range(len(video)):
            video[index]
    assert f"cannot decode frame {index + 1} of 40" in str(info.value)


def test_ffmpeg_log_lines_are_quiet_beside_the_one_line_error(tmp_path, monkeypatch):
    """A truncated .mp4 printed FFmpeg's "[mov,mp4,...] moov atom not found" above the
    command's error line; the command line now silences FFmpeg's log (a level the user set
    in OPENCV_FFMPEG_LOGLEVEL is kept)."""
    import os
    import subprocess
    import sys

    from core.cli import main

    full = tmp_path / "full.mp4"
    writer = cv2.VideoWriter(str(full), cv2.VideoWriter_fourcc(*"mp4v"), 25, (32, 24))
    for i in range(10):
        writer.write(np.full((24, 32, 3), 20 * i, np.uint8))
    writer.release()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])  # the index (moov) is at the end
    monkeypatch.delenv("OPENCV_FFMPEG_LOGLEVEL", raising=False)
    assert main(["convert", str(tmp_path / "nope.txt"), str(tmp_path / "out.txt"), "--to", "xywh"]) == 2
    assert os.environ["OPENCV_FFMPEG_LOGLEVEL"] == "-8"
    code = ("import sys; from core.errors import SequenceError; from core.sequences.video_source import VideoSource\n"
            "try: VideoSource(sys.argv[1])\nexcept SequenceError as e: print(e, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, str(cut)], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ), cwd=str(__import__("pathlib").Path(__file__).resolve().parents[3]))
    assert done.stderr.splitlines() == [f"{cut}: the file is cut short (a copy or recording that stopped?) and has "
                                        "lost the index that finds its frames; copy it again"]


def test_one_file_that_is_no_video_or_three_paths_are_said_in_the_users_words(tmp_path, kit, capsys):
    """``track FILE`` said "is not a folder (open a video pair with open_pair)", naming a function
    (a lone video is a sequence since 2026-12-07: tests/core/sequences/test_lone_video.py);
    ``export-distill A B C`` said "<no file>: ..."."""
    from core.cli import main

    video = tmp_path / "v.txt"
    video.write_text("not frames\n")
    assert main(["track", str(video), "--init", "1,1,4,4", "--tracker", "kcf", "--out", str(tmp_path / "o.txt")]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {video}: is a file, not a sequence folder or a video: give a sequence folder, a video, " \
                  "or a visible and a thermal video\n"
    assert main(["export-distill", "a", "b", "c", "--out", str(tmp_path / "d.h5")]) == 2
    err = capsys.readouterr().err
    assert err == "error: export-distill takes one sequence folder or two paths (visible, thermal), got 3\n"
    assert not (tmp_path / "o.txt").exists() and not (tmp_path / "d.h5").exists()


def test_one_image_given_as_a_stream_is_refused_naming_its_folder(tmp_path, kit):
    """A thermal frame's file given where the stream goes opened as a video of one frame: the
    pair tracked one frame ('frame counts differ: visible 5, thermal 1')."""
    vis = kit.write_folder(tmp_path / "vis", [kit.visible_frame(i) for i in range(5)])
    th = kit.write_folder(tmp_path / "th", [kit.thermal_frame(i) for i in range(5)])
    with pytest.raises(SequenceError, match=r"is one image, not a stream of frames; give its folder") as info:
        open_pair(vis, th / "00001.png")
    assert info.value.path == th / "00001.png" and str(th) in str(info.value)


def test_a_frame_number_with_two_files_is_noted(tmp_path, kit):
    """00003.jpg beside 00003.png (a converted copy left in the folder) made two frames of one
    number without a word: every later frame was one further on than its number, and the
    ground truth's rows (one per number) fell on the wrong frames. The sequence says so now."""
    folder = kit.write_folder(tmp_path / "walk", [kit.visible_frame(i) for i in range(5)], "{:05d}.jpg")
    kit.write_folder(folder, [kit.visible_frame(2)], "00003.png")
    kit.write_folder(folder, [kit.visible_frame(3)], "0004.jpg")
    sequence = open_sequence(folder)
    try:
        assert len(sequence) == 7  # each file is still a frame
        notes = [note for note in sequence.info.notes if "more than one file" in note]
        assert len(notes) == 1, sequence.info.notes
        assert "00003.jpg and 00003.png" in notes[0] and "00004.jpg and 0004.jpg" in notes[0]
    finally:
        sequence.close()
    single = kit.write_folder(tmp_path / "single", [kit.visible_frame(i) for i in range(3)], "v{}.jpg")
    assert not any("more than one file" in note for note in open_sequence(single).info.notes)


@pytest.mark.parametrize("one_stream", [False, True])
def test_a_visible_frame_of_another_size_names_its_file(tmp_path, kit, one_stream):
    """A frame of another size in a visible image folder was named by the folder and its place
    ('walk/visible: visible frame 3 is 16x12'): the user had to count files (natural order) to find it."""
    visible = kit.write_folder(tmp_path / "walk" / "visible", [kit.visible_frame(i) for i in range(4)], "v{}.png")
    kit.write_folder(visible, [kit.visible_frame(2, (16, 12))], "v3.png")
    if one_stream:
        sequence = open_sequence(visible)
    else:
        sequence = open_pair(visible, kit.write_folder(tmp_path / "walk" / "infrared",
                                                       [kit.thermal_frame(i) for i in range(4)]))
    with pytest.raises(SequenceError) as error:
        sequence[2]
    assert str(visible / "v3.png") in str(error.value) and "16x12" in str(error.value)
    sequence.close()


def test_an_mp4_cut_before_its_index_says_it_is_cut_short(tmp_path, kit):
    """An MP4 whose copy or recording stopped lacks its index (the moov box comes last): it was
    'cannot open as a video (unknown container/codec or corrupt file)', which sent the user
    looking for a codec. It says the file is cut short now."""
    from core.sequences.video_source import VideoSource

    full = tmp_path / "full.mp4"
    writer = cv2.VideoWriter(str(full), cv2.VideoWriter_fourcc(*"mp4v"), 25, (32, 24))
    for i in range(20):
        writer.write(kit.visible_frame(i))
    writer.release()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(full.read_bytes()[: int(full.stat().st_size * 0.7)])
    with pytest.raises(SequenceError, match="cut short") as info:
        VideoSource(cut)
    assert info.value.path == cut and "codec" not in str(info.value)
    assert len(VideoSource(full)) == 20


@pytest.mark.parametrize("kind", ["video", "folder"])
def test_streams_given_the_wrong_way_round_are_refused(tmp_path, kit, kind):
    """track infrared.avi visible.avi (the thermal stream first) ran without a word: the networks
    got the thermal frames as the visible ones and the other way round, and an OpenCV tracker
    said it saw the thermal frame while it followed the visible one. The names say the streams are
    swapped: one line names both; names that say nothing, or agree, open as before."""
    if kind == "video":
        visible = kit.write_video(tmp_path / "visible.avi", [kit.visible_frame(i) for i in range(3)])
        thermal = kit.write_video(tmp_path / "infrared.avi", [kit.thermal_frame(i) for i in range(3)])
    else:
        visible = kit.write_folder(tmp_path / "RGB", [kit.visible_frame(i) for i in range(3)])
        thermal = kit.write_folder(tmp_path / "thermal", [kit.thermal_frame(i) for i in range(3)])
    with pytest.raises(SequenceError, match="swapped") as info:
        open_pair(thermal, visible)
    assert info.value.path == thermal and visible.name in str(info.value)
    assert len(open_pair(visible, thermal)) == 3
    other = kit.write_video(tmp_path / "walk.avi", [kit.visible_frame(i) for i in range(3)])
    assert len(open_pair(thermal, other)) == 3  # one name says nothing: as given


@pytest.mark.parametrize("content,words", [(b"", "is empty (0 bytes)"), (b"hello\n", "is a text file")])
def test_a_sequence_folders_empty_or_text_video_says_what_it_is(tmp_path, kit, content, words):
    """A sequence folder's thermal.avi of 0 bytes (an export that failed) said 'cannot open as a
    video (unknown container/codec or corrupt file)', while the same file given as a pair's stream
    says it is empty: the folder's videos get the same checks now."""
    scene = tmp_path / "scene"
    scene.mkdir()
    kit.write_video(scene / "visible.avi", [kit.visible_frame(i) for i in range(3)])
    (scene / "thermal.avi").write_bytes(content)
    with pytest.raises(SequenceError, match=words.replace("(", r"\(").replace(")", r"\)")) as info:
        open_sequence(scene)
    assert info.value.path == scene / "thermal.avi"
