"""Layout detection and opening of dataset sequence folders (synthetic and real)."""
from __future__ import annotations

import numpy as np
import pytest

from core.sequences import detect_layout, open_sequence
from core.sequences.image_files import list_images, natural_key


def _make(root, kit, vis_dir, th_dir, *, n=5, vis_pattern="{:05d}.png", th_pattern="{:05d}.png", files=()):
    if vis_dir:
        kit.write_folder(root / vis_dir, [kit.visible_frame(i) for i in range(n)], vis_pattern)
    if th_dir is not None:
        folder = root / th_dir if th_dir else root
        kit.write_folder(folder, [kit.thermal_frame(i) for i in range(n)], th_pattern)
    for name in files:
        (root / name).write_text("1,2,3,4\n")
    return root


CASES = [
    ("gtot", "v", "i", {}, ("groundTruth_v.txt", "groundTruth_i.txt", "init.txt")),
    ("lasher", "visible", "infrared", dict(vis_pattern="v{:06d}.jpg", th_pattern="i{:06d}.jpg"),
     ("visible.txt", "infrared.txt", "init.txt")),
    ("rgbt234", "visible", "infrared", dict(vis_pattern="{:05d}v.jpg", th_pattern="{:05d}i.jpg"),
     ("visible.txt", "infrared.txt", "init.txt")),
    ("rgbt210", "visible", "infrared", dict(vis_pattern="{:05d}v.jpg", th_pattern="{:05d}i.jpg"), ("init.txt",)),
    ("lasher", "visible", "infrared", dict(vis_pattern="v{}.jpg", th_pattern="i{}.jpg"), ("init.txt",)),
    ("vtuav", "rgb", "ir", dict(th_pattern="{:06d}.jpg"), ("rgb.txt", "ir.txt")),
    ("vot-rgbt", "color", "ir", dict(vis_pattern="{:08d}.jpg"), ("groundtruth.txt",)),
    ("got10k", "visible", "infrared", {}, ("groundtruth.txt", "absence.label", "meta_info.ini")),
    ("folder-pair", "visual", "thermal", dict(vis_pattern="{:04d}v.png", th_pattern="{:04d}i.png"), ()),
]


@pytest.mark.parametrize("layout,vis_dir,th_dir,patterns,files", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_pair_layouts(tmp_path, kit, layout, vis_dir, th_dir, patterns, files):
    root = _make(tmp_path / "seq'`name", kit, vis_dir, th_dir, files=files, **patterns)
    assert detect_layout(root) == layout
    seq = open_sequence(root)
    assert seq.info.layout == layout and seq.info.name == "seq'`name"
    assert len(seq) == 5 and not seq.info.thermal_only
    assert seq.info.visible_source == root / vis_dir and seq.info.thermal_source == root / th_dir
    pair = seq[4]
    assert pair.visible.shape == (24, 32, 3) and pair.thermal.shape == (24, 32)
    assert abs(int(pair.thermal[3, 3]) - 21) <= 2  # jpg is lossy


@pytest.mark.parametrize("th_dir", ["", "ir", "color"])
def test_thermal_only_layouts(tmp_path, kit, th_dir):
    root = _make(tmp_path / "tir", kit, None, th_dir, files=("groundtruth.txt",))
    assert detect_layout(root) == "vot-tir"
    seq = open_sequence(root)
    assert seq.info.thermal_only and any("replicated" in note for note in seq.info.notes)
    pair = seq[2]
    assert pair.visible.shape == (24, 32, 3)
    for c in range(3):
        assert np.array_equal(pair.visible[:, :, c], pair.thermal)
    with pytest.raises(ValueError):
        seq.frame_offset = 1


def test_natural_sort_lasher_padding(tmp_path, kit):
    folder = tmp_path / "visible"
    folder.mkdir()
    names = ["v1.jpg", "v02.jpg", "v3.jpg", "v10.jpg", "v009.jpg", "v0100.jpg", "V11.PNG", "notes.txt", ".hidden.png"]
    for name in names:
        (folder / name).write_bytes(b"")
    order = [p.name for p in list_images(folder)]
    assert order == ["v1.jpg", "v02.jpg", "v3.jpg", "v009.jpg", "v10.jpg", "V11.PNG", "v0100.jpg"]
    assert sorted(["a10", "a9", "b1", "a09x"], key=natural_key) == ["a9", "a09x", "a10", "b1"]


def test_natural_sort_drives_frame_order(tmp_path, kit):
    vis = tmp_path / "seq" / "visible"
    th = tmp_path / "seq" / "infrared"
    for i in range(12):
        kit.write_folder(vis, [kit.visible_frame(i)], f"v{i + 1:0{1 + i % 3}d}.png")
        kit.write_folder(th, [kit.thermal_frame(i)], f"i{i + 1:0{1 + (i + 1) % 3}d}.png")
    seq = open_sequence(tmp_path / "seq")
    for i in range(12):
        pair = seq[i]
        assert int(pair.visible[0, 0, 2]) == 10 * i and int(pair.thermal[0, 0]) == 5 * i + 1


@pytest.mark.real_data
@pytest.mark.parametrize("name,count", [("duine", 23), ("nato_camp", 32), ("tree", 19)])
def test_real_tno(shared_data, name, count):
    seq = open_sequence(shared_data / "tno" / name)
    assert seq.info.layout == "folder-pair" and len(seq) == count and seq.info.notes == []
    assert (seq.info.width, seq.info.height) == (360, 270)
    first, last = seq[0], seq[-1]
    assert first.visible.shape == (270, 360, 3) and last.thermal.shape == (270, 360)
    # gray visual replicated to RGB; thermal differs from visual
    assert np.array_equal(first.visible[:, :, 0], first.visible[:, :, 1])
    assert not np.array_equal(first.visible[:, :, 0], first.thermal)


@pytest.mark.real_data
def test_real_vot_tir_horse(shared_data):
    seq = open_sequence(shared_data / "vot-tir2016" / "horse")
    assert seq.info.layout == "vot-tir" and seq.info.thermal_only
    assert len(seq) == 348 and (seq.info.width, seq.info.height) == (324, 256)
    pair = seq[347]
    assert pair.thermal.shape == (256, 324) and np.array_equal(pair.visible[:, :, 1], pair.thermal)


# --- single-modality folders and video layouts (real/rgb, real/thermal, real/rgbt-unlabeled) ---------------

GT_WITH_NAN = "1,2,10,8\nNaN,NaN,NaN,NaN\n3,4,10,8\n3,4,11,8\n4,4,11,9\n"


def test_visible_only_colour_folder(tmp_path, kit):
    root = tmp_path / "otb-like"
    kit.write_folder(root, [kit.visible_frame(i) for i in range(5)], "{:08d}.jpg")
    (root / "groundtruth.txt").write_text(GT_WITH_NAN)
    assert detect_layout(root) == "visible-only"
    seq = open_sequence(root)
    assert seq.info.visible_only and not seq.info.thermal_only
    assert seq.info.visible_source == root and seq.info.thermal_source is None
    assert any("luminance" in note for note in seq.info.notes)
    pair = seq[3]
    assert pair.visible.shape == (24, 32, 3) and pair.thermal.shape == (24, 32)
    red, blue = int(pair.visible[5, 5, 0]), int(pair.visible[5, 5, 2])
    assert abs(red - 200) <= 3 and abs(blue - 30) <= 3  # colour kept, RGB order
    expected_gray = 0.299 * red + 0.587 * int(pair.visible[5, 5, 1]) + 0.114 * blue
    assert abs(int(pair.thermal[5, 5]) - expected_gray) <= 1
    gt = seq.ground_truth()
    assert len(gt) == 5 and gt[1].absent and gt[1].box is None
    np.testing.assert_allclose(gt[2].box, [3, 4, 10, 8])
    with pytest.raises(ValueError, match="visible-only"):
        seq.frame_offset = 1


def test_gray_folder_stays_thermal_unless_source_says_visible(tmp_path, kit):
    root = tmp_path / "gray"
    kit.write_folder(root, [cv2_gray_bgr(kit.thermal_frame(i)) for i in range(3)], "{:08d}.jpg")
    (root / "groundtruth.txt").write_text("1,2,3,4\n" * 3)
    assert detect_layout(root) == "vot-tir"
    (root / "SOURCE.txt").write_text("source: somewhere\nmodality: visible\n")
    assert detect_layout(root) == "visible-only"
    seq = open_sequence(root)
    assert seq.info.visible_only and seq[0].visible.shape == (24, 32, 3)


def test_colour_folder_declared_thermal_is_thermal_only(tmp_path, kit):
    root = tmp_path / "false-colour"
    kit.write_folder(root, [kit.visible_frame(i) for i in range(3)], "{:08d}.png")
    (root / "SOURCE.txt").write_text("modality: thermal (false colour palette)\n")
    assert detect_layout(root) == "vot-tir"
    assert open_sequence(root).info.thermal_only


@pytest.mark.parametrize("name,gray,layout", [("visual", True, "visible-only"), ("Visible", True, "visible-only"),
                                               ("thermal", False, "vot-tir"), ("ir", False, "vot-tir"),
                                               ("gray", True, "vot-tir"), ("colours", False, "visible-only")])
def test_a_folder_of_frames_given_alone_is_the_modality_its_name_says(tmp_path, kit, name, gray, layout):
    """``track tno/tree/visual`` (TNO's gray visual frames, the folder given alone) opened as thermal-only
    ('the visible stream is the thermal frame replicated', OpenCV trackers on '(thermal)'): a folder named for
    a modality is that modality; an unnamed one is still told by its colour."""
    root = tmp_path / name
    frames = [cv2_gray_bgr(kit.thermal_frame(i)) if gray else kit.visible_frame(i) for i in range(3)]
    kit.write_folder(root, frames, "{:04d}.png")
    assert detect_layout(root) == layout
    info = open_sequence(root).info
    assert (info.visible_only, info.thermal_only) == ((True, False) if layout == "visible-only" else (False, True))


def cv2_gray_bgr(gray):
    return np.repeat(gray[:, :, None], 3, axis=2)


def test_video_pair_layout(tmp_path, kit):
    root = tmp_path / "pier"
    root.mkdir()
    kit.write_video(root / "visible.avi", [kit.visible_frame(i) for i in range(6)])
    kit.write_video(root / "infrared.avi", [kit.thermal_frame(i) for i in range(6)])
    assert detect_layout(root) == "video-pair"
    seq = open_sequence(root)
    assert seq.info.name == "pier" and len(seq) == 6
    assert not seq.info.visible_only and not seq.info.thermal_only
    assert seq.info.visible_source == root / "visible.avi" and seq.info.thermal_source == root / "infrared.avi"
    pair = seq[4]
    assert int(pair.visible[0, 0, 2]) == 40 and int(pair.thermal[0, 0]) == 21
    assert seq.ground_truth() is None


def test_thermal_video_with_groundtruth(tmp_path, kit):
    root = tmp_path / "antiuav-like"
    root.mkdir()
    kit.write_video(root / "thermal.avi", [kit.thermal_frame(i) for i in range(5)])
    (root / "groundtruth.txt").write_text(GT_WITH_NAN)
    (root / "SOURCE.txt").write_text("modality: thermal\n")
    assert detect_layout(root) == "thermal-video"
    seq = open_sequence(root)
    assert seq.info.thermal_only and not seq.info.visible_only and seq.info.visible_source is None
    pair = seq[2]
    assert int(pair.thermal[1, 1]) == 11 and np.array_equal(pair.visible[:, :, 0], pair.thermal)
    gt = seq.ground_truth()
    assert gt[1].absent and not gt[0].absent and len(gt) == 5


def test_visible_video_alone(tmp_path, kit):
    root = tmp_path / "clip"
    root.mkdir()
    kit.write_video(root / "RGB.avi", [kit.visible_frame(i) for i in range(3)])
    assert detect_layout(root) == "visible-video"
    seq = open_sequence(root)
    assert seq.info.visible_only and int(seq[1].visible[0, 0, 2]) == 10


@pytest.mark.real_data
@pytest.mark.parametrize("name,count,size,gray", [("otb-crossing", 120, (360, 240), False),
                                                  ("otb-jumping", 313, (352, 288), True)])
def test_real_rgb_folder_is_visible_only(shared_data, name, count, size, gray):
    seq = open_sequence(shared_data / "real" / "rgb" / name)
    assert seq.info.layout == "visible-only" and seq.info.visible_only and not seq.info.thermal_only
    assert len(seq) == count and (seq.info.width, seq.info.height) == size
    gt = seq.ground_truth()
    assert len(gt) == count and not gt[0].absent
    pair = seq[count - 1]
    channels_differ = not np.array_equal(pair.visible[:, :, 0], pair.visible[:, :, 2])
    assert channels_differ != gray


@pytest.mark.real_data
def test_real_thermal_avi(shared_data):
    seq = open_sequence(shared_data / "real" / "thermal" / "antiuav-4")
    assert seq.info.layout == "thermal-video" and seq.info.thermal_only
    assert len(seq) == 501 and (seq.info.width, seq.info.height) == (640, 512)
    gt = seq.ground_truth()
    assert len(gt) == 501 and gt[0].box[2] < 40


@pytest.mark.real_data
def test_real_unlabeled_video_pair(shared_data):
    seq = open_sequence(shared_data / "real" / "rgbt-unlabeled" / "0111_1716")
    assert seq.info.layout == "video-pair" and not (seq.info.visible_only or seq.info.thermal_only)
    assert seq.info.name == "0111_1716" and (seq.info.width, seq.info.height) == (640, 480)
    assert seq.ground_truth() is None and seq[5].thermal.shape == (480, 640)


def test_a_folder_given_as_dot_or_dotdot_is_named_after_the_folder(tmp_path, kit, monkeypatch):
    from core.sequences import open_pair

    root = _make(tmp_path / "walk", kit, "visual", "thermal", vis_pattern="{:04d}v.png", th_pattern="{:04d}i.png")
    monkeypatch.chdir(root)
    assert open_sequence(".").info.name == "walk"
    monkeypatch.chdir(root / "visual")
    assert open_sequence("..").info.name == "walk"
    assert open_pair(".", "../thermal").info.name == "visual"  # a folder pair: named after its visible folder


def test_a_folders_own_video_pair_opened_as_two_files_has_the_folders_ground_truth(tmp_path, kit):
    from core.sequences import open_pair

    scene = tmp_path / "scene"
    scene.mkdir()
    visible = kit.write_video(scene / "visible.avi", [kit.visible_frame(i) for i in range(3)])
    thermal = kit.write_video(scene / "thermal.avi", [kit.thermal_frame(i) for i in range(3)])
    (scene / "groundtruth.txt").write_text("1,2,10,10\n2,2,10,10\n3,2,10,10\n")
    records = open_pair(visible, thermal).ground_truth()  # as open_sequence(scene) reads it
    assert records is not None and [records[f].box[0] for f in range(3)] == [1, 2, 3]
    other = tmp_path / "elsewhere.avi"  # a thermal video from another folder: the boxes are not said to be theirs
    kit.write_video(other, [kit.thermal_frame(i) for i in range(3)])
    assert open_pair(visible, other).ground_truth() is None


def _colour_frames(kit, folder, n=4):
    """Colour frames (the channels differ) in ``folder``."""
    return kit.write_folder(folder, [kit.visible_frame(i, (48, 40)) for i in range(n)], "{:08d}.jpg")


def test_a_colour_got10k_sequence_opens_as_visible(tmp_path, kit):
    """GOT-10k is colour footage: a GOT-10k sequence folder (frames, groundtruth.txt, absence.label,
    cover.label) opened as 'got10k-tir', thermal-only: its frames became gray, the colour lost."""
    root = tmp_path / "GOT-10k_Train_000001"
    _colour_frames(kit, root)
    (root / "groundtruth.txt").write_text("1,2,10,8\n2,2,10,8\n3,2,10,8\n4,2,10,8\n")
    (root / "absence.label").write_text("0\n1\n0\n0\n")
    (root / "cover.label").write_text("8\n0\n8\n8\n")
    assert detect_layout(root) == "got10k-visible"
    sequence = open_sequence(root)
    try:
        assert sequence.info.visible_only and not sequence.info.thermal_only
        pair = sequence[0]
        assert not np.array_equal(pair.visible[..., 0], pair.visible[..., 2])  # still colour
        gt = sequence.ground_truth()
        assert gt[1].absent and gt[0].box.tolist() == [1, 2, 10, 8]  # the GOT-10k labels are read
    finally:
        sequence.close()
    gray = tmp_path / "tir"
    kit.write_folder(gray, [kit.thermal_frame(i) for i in range(4)], "{:08d}.png")
    (gray / "absence.label").write_text("0\n0\n0\n0\n")
    assert detect_layout(gray) == "got10k-tir"


def test_the_got10k_and_lasot_exports_open_again_as_they_were_written(tmp_path):
    """The project's own GOT-10k export opened its visible folder as thermal-only (gray), and its
    LaSOT-style export (img/ + groundtruth.txt + full_occlusion.txt) did not open at all:
    'unknown sequence layout'."""
    from core.annotations.formats.export import export_got10k, export_lasot
    from core.progress import run_to_end
    from tests.core.safety.conftest import make_sequence

    source = open_sequence(make_sequence(tmp_path / "seq", frames=4))
    try:
        records = source.ground_truth()
        run_to_end(export_got10k(source, records, tmp_path / "got"))
        run_to_end(export_lasot(source, records, tmp_path / "lasot"))
    finally:
        source.close()
    for root in (tmp_path / "got", tmp_path / "lasot"):
        for folder, visible in (("seq", True), ("seq-thermal", False)):
            sequence = open_sequence(root / folder)
            try:
                assert sequence.info.visible_only == visible and sequence.info.thermal_only == (not visible), root
                assert len(sequence) == 4 and sorted(sequence.ground_truth()) == [0, 1, 2, 3]
            finally:
                sequence.close()


def test_the_got10k_export_root_says_which_folders_to_open(tmp_path):
    """The folder a GOT-10k or LaSOT export names as written (list.txt + seq/ + seq-thermal/) said
    'unknown sequence layout; expected v/ + i/ (GTOT); visible/ + infrared/ ...'; it now says it
    is a dataset root and names the sequence folders to open."""
    from core.annotations.formats.export import export_got10k, export_lasot
    from core.errors import SequenceError
    from core.progress import run_to_end
    from tests.core.safety.conftest import make_sequence

    source = open_sequence(make_sequence(tmp_path / "seq", frames=4))
    try:
        run_to_end(export_got10k(source, source.ground_truth(), tmp_path / "got"))
        run_to_end(export_lasot(source, source.ground_truth(), tmp_path / "lasot"))
    finally:
        source.close()
    for root in (tmp_path / "got", tmp_path / "lasot"):
        with pytest.raises(SequenceError) as error:
            detect_layout(root)
        assert "dataset root" in str(error.value) and str(root / "seq") in str(error.value)
        assert f"{root / 'seq'} and {root / 'seq-thermal'} as a visible + thermal pair" in str(error.value)


@pytest.mark.parametrize("visible_kind,thermal_kind", [("video", "folder"), ("folder", "video")])
def test_a_video_with_the_other_streams_frames_in_a_folder_opens_as_a_pair(tmp_path, kit, visible_kind, thermal_kind):
    """A folder holding visible.avi and thermal/ (the camera's 16-bit frames) opened as a
    visible-only video, and visible/ beside infrared.avi as a thermal-only one: one stream
    left out without a word. Both are the folder's pair now, with its ground truth, also when
    the two are given one by one."""
    from core.sequences import open_pair

    scene = tmp_path / "scene"
    scene.mkdir()
    visible_frames = [kit.visible_frame(i) for i in range(4)]
    thermal_frames = [(kit.thermal_frame(i).astype(np.uint16) * 200) for i in range(4)]
    if visible_kind == "video":
        visible = kit.write_video(scene / "visible.avi", visible_frames)
        thermal = kit.write_folder(scene / "thermal", thermal_frames)
    else:
        visible = kit.write_folder(scene / "visible", visible_frames)
        thermal = kit.write_video(scene / "infrared.avi", [kit.thermal_frame(i) for i in range(4)])
    (scene / "groundtruth.txt").write_text("1,2,10,10\n2,2,10,10\n3,2,10,10\n4,2,10,10\n")
    assert detect_layout(scene) == "video-pair"
    for sequence in (open_sequence(scene), open_pair(visible, thermal)):
        try:
            info = sequence.info
            assert not (info.visible_only or info.thermal_only)
            assert (info.visible_source, info.thermal_source) == (visible, thermal)
            assert int(sequence[2].visible[0, 0, 2]) == 20  # the visible frame (blue = 10 * i)
            assert int(sequence[3].thermal[0, 0]) > int(sequence[0].thermal[0, 0])  # the thermal one
            assert [sequence.ground_truth()[f].box[0] for f in range(4)] == [1, 2, 3, 4]
        finally:
            sequence.close()


def test_a_folder_with_two_thermal_videos_names_them(tmp_path, kit):
    """visible.avi beside infrared.avi and thermal.avi (an original and a converted copy) opened as
    a visible-only video: both thermal videos were left out without a word. It is one error
    naming the two now."""
    from core.errors import SequenceError

    scene = tmp_path / "scene"
    scene.mkdir()
    kit.write_video(scene / "visible.avi", [kit.visible_frame(i) for i in range(3)])
    for name in ("infrared.avi", "thermal.avi"):
        kit.write_video(scene / name, [kit.thermal_frame(i) for i in range(3)])
    with pytest.raises(SequenceError, match="infrared.avi, thermal.avi") as error:
        detect_layout(scene)
    assert error.value.path == scene and "2 thermal videos" in str(error.value)


@pytest.mark.parametrize("vis_dir,th_dir,layout", [("RGB", "IR", "vtuav"), ("Visible", "Thermal", "folder-pair"),
                                                   ("VISIBLE", "INFRARED", "lasher")])
def test_stream_folders_named_in_capitals_open_as_the_pair(tmp_path, kit, vis_dir, th_dir, layout):
    """A sequence folder holding RGB/ + IR/ (a camera's or Windows export's capitals) was read as a
    dataset root: 'it holds the sequence folders IR, RGB; open one sequence folder in it (.../IR)',
    which opened the thermal frames alone. Folder names are matched in any case, as video names are."""
    root = _make(tmp_path / "walk", kit, vis_dir, th_dir)
    assert detect_layout(root) == layout
    sequence = open_sequence(root)
    try:
        assert sequence.info.visible_source == root / vis_dir and sequence.info.thermal_source == root / th_dir
        assert not (sequence.info.visible_only or sequence.info.thermal_only) and len(sequence) == 5
    finally:
        sequence.close()
    alone = tmp_path / "tir"
    kit.write_folder(alone / "IR", [kit.thermal_frame(i) for i in range(3)])
    assert detect_layout(alone) == "vot-tir" and open_sequence(alone).info.thermal_source == alone / "IR"
