"""Settings, review (attention), edits, drops, the start-up choice, dialogs."""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pytest

from app import edits
from app.jobs import contiguous_runs, refine_frames, teacher_anchor, tracking_stop
from app.project import OpenRequest, classify_drop
from app.review import TimelineData, low_confidence_runs, needs_attention, next_attention
from app.settings import ModelSettings, Recent, StudioSettings, studio_home
from core.annotations.project_paths import project_store_path
from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore


def test_settings_round_trip_in_studio_home(tmp_path):
    assert studio_home() == tmp_path / "studio-home"
    settings = StudioSettings.load()
    assert settings.models == ModelSettings() and settings.recent == [] and not settings.first_run_done
    settings.models = ModelSettings("/w/s.pt", "/w/t.onnx", "onnx", "cpu", False, distractor_memory=True)
    settings.colormap = "gray"
    for i in range(12):
        settings.add_recent(Recent("pair", (f"/v{i}.mp4", f"/t{i}.mp4")))
    settings.add_recent(Recent("sequence", ("/data/seq",)))
    settings.add_recent(Recent("pair", ("/v3.mp4", "/t3.mp4")))  # deduplicated, moved first
    settings.first_run_done = True
    settings.save()
    assert (tmp_path / "studio-home" / "studio.ini").is_file()
    again = StudioSettings.load()
    assert again.models == settings.models and again.colormap == "gray" and again.first_run_done
    assert len(again.recent) == 10 and again.recent[0].paths == ("/v3.mp4", "/t3.mp4")
    assert again.recent[1].kind == "sequence"


def test_bad_settings_values_fall_back(tmp_path):
    q = StudioSettings.qsettings()
    q.setValue("models/engine", "tensorrt")
    q.setValue("view/blend_opacity", "7")
    q.setValue("recent", ["garbage", "pair|0|/only-one.mp4"])
    q.sync()
    s = StudioSettings.load()
    assert s.models.engine == "auto" and s.blend_opacity == 0.5 and s.recent == []


def test_low_confidence_threshold_follows_the_default_until_the_user_chooses_one(tmp_path):
    from core.tracking.tracker_config import LOW_CONFIDENCE

    q = StudioSettings.qsettings()
    q.setValue("review/low_confidence", 0.5)  # what every earlier studio saved: the old default
    q.sync()
    s = StudioSettings.load()
    assert s.low_confidence == LOW_CONFIDENCE == 0.4 and not s.low_confidence_chosen
    s.low_confidence, s.low_confidence_chosen = 0.55, True
    s.save()
    again = StudioSettings.load()
    assert again.low_confidence == 0.55 and again.low_confidence_chosen


def test_startup_opens_demo_first_then_last_project():
    from app.commands import initial_request
    from app.project import DEMO_PAIR

    args = argparse.Namespace(sources=[], project=None, frame_offset=0)
    settings = StudioSettings()
    first = initial_request(args, settings)
    if all(p.is_file() for p in DEMO_PAIR):
        assert first.kind == "pair" and first.paths[0].endswith("visible.mp4")
    settings.first_run_done = True
    settings.add_recent(Recent("sequence", ("/data/seq",)))
    assert initial_request(args, settings).paths == ("/data/seq",)
    args = argparse.Namespace(sources=[Path("a.mp4"), Path("b.mp4")], project=Path("p.rgbt.sqlite"), frame_offset=2)
    request = initial_request(args, settings)
    assert (request.kind, request.paths, request.frame_offset, request.store) == ("pair", ("a.mp4", "b.mp4"), 2,
                                                                                  "p.rgbt.sqlite")


def test_demo_project_goes_to_the_studio_home_not_the_assets(tmp_path):
    from app.project import DEMO_DIR
    from core.sequences import SequenceInfo

    info = SequenceInfo("demo", "video-pair", 10, 32, 32, visible_source=DEMO_DIR / "visible.mp4")
    assert project_store_path(info) == tmp_path / "studio-home" / "projects" / "demo.rgbt.sqlite"
    other = SequenceInfo("x", "video-pair", 10, 32, 32, visible_source=tmp_path / "x" / "visible.mp4")
    assert project_store_path(other).parent == tmp_path / "x"


@pytest.mark.parametrize("names, kind, first", [
    (["seq.rgbt.sqlite"], "project", None),
    (["thermal.mp4", "visible.mp4"], "pair", "visible.mp4"),
    (["a.mp4", "b.mp4"], "pair", "a.mp4"),
    (["ir_cam.avi", "rgb_cam.avi"], "pair", "rgb_cam.avi"),
    (["a.mp4", "b.mp4", "c.mp4"], None, None),
])
def test_classify_drop(tmp_path, names, kind, first):
    request = classify_drop([tmp_path / n for n in names])
    if kind is None:
        assert request is None
    else:
        assert request.kind == kind
        if first:
            assert Path(request.paths[0]).name == first


def test_drop_of_a_folder_is_a_sequence(tmp_path):
    assert classify_drop([tmp_path]).kind == "sequence"


def test_drop_of_one_video_is_a_one_stream_sequence(tmp_path):
    """One video dropped said 'drop one sequence folder, a project, or two files/folders': footage of
    one stream (most footage) could not be opened by a drop."""
    video = tmp_path / "GOPR0042.MP4"
    video.write_bytes(b"\0")
    request = classify_drop([video])
    assert request.kind == "sequence" and request.paths == (str(video),)
    notes = tmp_path / "notes.txt"
    notes.write_text("x")
    assert classify_drop([notes]) is None


def rec(frame, box=(10, 10, 5, 5), provenance=Provenance.STUDENT, confidence=0.9, keyframe=False, absent=False):
    if absent:
        return FrameAnnotation(frame, None, absent=True, provenance=provenance, keyframe=keyframe)
    return FrameAnnotation(frame, np.array(box, float), provenance=provenance, confidence=confidence,
                           keyframe=keyframe)


def test_low_confidence_runs_and_attention():
    conf = np.array([np.nan, 0.9, 0.2, 0.3, 0.9, 0.1, np.nan, np.nan])
    assert low_confidence_runs(conf, 0.5) == [(2, 4), (5, 6)]
    data = TimelineData.empty(8)
    data.confidence[:] = conf
    data.annotated[:6] = True
    data.keyframe[0] = True
    data.iou[4] = 0.2  # teacher disagrees although the student is confident
    flags = needs_attention(data)
    assert np.flatnonzero(flags).tolist() == [2, 3, 4, 5, 6]  # 6: where tracking stopped
    # 2-6 is one stretch: N goes to its start, and from inside it past its end (wrapping)
    assert next_attention(data, 0) == 2 and next_attention(data, 4) == 2 and next_attention(data, 6) == 2
    data.confidence[4] = 0.9
    data.iou[4] = np.nan  # now two stretches, 2-3 and 5-6
    assert next_attention(data, 2) == 5 and next_attention(data, 3) == 5 and next_attention(data, 5) == 2
    assert next_attention(TimelineData.empty(5), 0) is None
    # a run on target at real footage's level (0.42-0.6) is not flagged by the default,
    # a dip below 0.4 is
    data = TimelineData.empty(6)
    data.confidence[:] = [0.55, 0.47, 0.42, 0.38, 0.5, 0.6]
    data.annotated[:] = True
    assert np.flatnonzero(needs_attention(data)).tolist() == [3]


def test_edit_commands(tmp_path):
    store = AnnotationStore.open(tmp_path / "s.rgbt.sqlite")
    cmd = edits.set_box(None, 3, [1, 2, 3, 4])
    cmd.apply(store)
    r = store.get(3)
    assert r.provenance == Provenance.MANUAL and r.keyframe and r.thermal_box is None
    # a separate thermal box on a misaligned pair, then moving the visible box shifts both
    edits.set_box(r, 3, [5, 2, 3, 4], modality="thermal", separate_thermal=True).apply(store)
    r = store.get(3)
    assert np.allclose(r.box, [1, 2, 3, 4]) and np.allclose(r.thermal_box, [5, 2, 3, 4])
    edits.set_box(r, 3, [2, 3, 3, 4]).apply(store)
    r = store.get(3)
    assert np.allclose(r.thermal_box, [6, 3, 3, 4])
    edits.toggle_occluded(r).apply(store)
    assert store.get(3).occluded
    absent = edits.toggle_absent(store.get(3), 3)
    absent.apply(store)
    assert store.get(3).absent
    absent.revert(store)
    assert store.get(3).occluded and not store.get(3).absent
    edits.toggle_absent(rec(4, absent=True, provenance=Provenance.MANUAL), 4).apply(store)
    assert store.get(4) is None
    student = rec(5)
    assert edits.toggle_keyframe(student).records[0].provenance == Provenance.MANUAL
    manual = rec(5, provenance=Provenance.MANUAL, keyframe=True)
    assert edits.toggle_keyframe(manual).records[0].provenance == Provenance.INTERPOLATED
    assert edits.toggle_keyframe(None) is None and edits.toggle_occluded(None) is None
    store.close()


def test_q_on_a_tracked_box_makes_it_a_checked_keyframe_that_a_re_track_keeps():
    from core.annotations.history import merge_tracker_results

    tracked = FrameAnnotation(61, np.array([10.0, 10, 20, 20]), provenance=Provenance.STUDENT, confidence=0.7)
    (checked,) = edits.toggle_occluded(tracked).records
    assert checked.occluded and checked.provenance == Provenance.MANUAL and checked.keyframe
    assert checked.confidence is None and np.allclose(checked.box, tracked.box)
    re_track = FrameAnnotation(61, np.array([30.0, 10, 20, 20]), provenance=Provenance.STUDENT, confidence=0.5)
    assert merge_tracker_results({61: checked}, [re_track]) == []  # the flag (and the box) survive T
    (unflagged,) = edits.toggle_occluded(checked).records  # Q again: still the person's box
    assert not unflagged.occluded and unflagged.provenance == Provenance.MANUAL and unflagged.keyframe


def test_accept_proposals_skips_human_boxes_and_reverts(tmp_path):
    store = AnnotationStore.open(tmp_path / "s.rgbt.sqlite")
    store.put([rec(1), rec(2, provenance=Provenance.MANUAL, keyframe=True)])
    store.put_proposals("run", [(1, np.array([1.0, 1, 4, 4]), 0.8), (2, np.array([2.0, 2, 4, 4]), 0.7),
                                (3, np.array([3.0, 3, 4, 4]), 0.6)])
    command = edits.AcceptProposals(store.proposals())
    command.apply(store)
    assert store.get(1).provenance == Provenance.TEACHER and store.get(1).confidence == pytest.approx(0.8)
    assert store.get(2).provenance == Provenance.MANUAL  # never overwritten
    assert store.get(3).provenance == Provenance.TEACHER and store.proposals() == {}
    command.revert(store)
    assert store.get(1).provenance == Provenance.STUDENT and store.get(3) is None
    # a separate thermal box keeps its offset when the teacher's box is accepted
    store.put([FrameAnnotation(4, np.array([10.0, 10, 5, 5]), thermal_box=np.array([13.0, 9, 5, 5]),
                               provenance=Provenance.STUDENT)])
    edits.AcceptProposals({4: (np.array([20.0, 20, 6, 6]), 0.9)}).apply(store)
    assert np.allclose(store.get(4).thermal_box, [23, 19, 6, 6])
    assert sorted(store.proposals()) == [1, 2, 3]
    store.close()


def test_run_planning_helpers():
    records = {0: rec(0, provenance=Provenance.MANUAL, keyframe=True), 1: rec(1, confidence=0.2), 2: rec(2),
               3: rec(3, confidence=0.1), 6: rec(6, provenance=Provenance.MANUAL), 7: rec(7, confidence=0.3)}
    assert tracking_stop(records, 1, 10) == 6 and tracking_stop(records, 6, 10) == 10
    assert contiguous_runs([5, 1, 2, 3, 7]) == [(1, 4), (5, 6), (7, 8)]
    assert refine_frames(records, 0, 10) == [1, 2, 3, 7]
    assert refine_frames(records, 0, 10, below=0.5) == [1, 3, 7]
    assert teacher_anchor(records, 3) == 0 and teacher_anchor(records, 7) == 6
    assert teacher_anchor({5: rec(5)}, 5) == 5 and teacher_anchor({}, 5) is None


def test_open_request_recent_round_trip():
    request = OpenRequest("pair", ("/a.mp4", "/b.mp4"), 3)
    recent = request.recent()
    assert Recent.decode(recent.encode()) == recent
    assert OpenRequest.from_recent(recent).frame_offset == 3
    assert OpenRequest("project", store="/x.rgbt.sqlite").recent() is None


def test_import_ground_truth_keeps_human_boxes():
    gt = {0: rec(0, provenance=Provenance.IMPORTED), 1: rec(1, box=(1, 1, 2, 2)), 2: rec(2, absent=True)}
    existing = {1: rec(1, box=(5, 5, 5, 5), provenance=Provenance.MANUAL, keyframe=True)}
    command = edits.import_ground_truth(existing, gt)
    assert [r.frame for r in command.records] == [0, 2]
    assert all(r.provenance == Provenance.IMPORTED for r in command.records)
    assert edits.import_ground_truth({}, None) is None


def test_studio_command_opens_the_given_pair(pair_files, tmp_path, monkeypatch):
    """``python main.py studio VISIBLE THERMAL --project P``: the window opens the pair."""
    import main
    from app.main_window import MainWindow
    from app.qt import ensure_app

    app = ensure_app()
    seen = {}

    def fake_exec():
        windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        window = windows[-1]
        deadline = __import__("time").monotonic() + 20
        while window.document is None and __import__("time").monotonic() < deadline:
            app.processEvents()
        seen["frames"] = window.document.num_frames if window.document else None
        seen["store"] = window.document.path if window.document else None
        window.close()
        return 0

    monkeypatch.setattr(app, "exec", fake_exec)
    project = tmp_path / "cli.rgbt.sqlite"
    assert main.main(["studio", str(pair_files[0]), str(pair_files[1]), "--project", str(project)]) == 0
    assert seen == {"frames": 24, "store": project}
    assert StudioSettings.load().recent[0].paths == (str(pair_files[0]), str(pair_files[1]))


def test_recent_keeps_the_project_database_and_reads_the_old_format():
    mine = Recent("pair", ("/v.mp4", "/t.mp4"), 2, "/elsewhere/mine.rgbt.sqlite")
    assert Recent.decode(mine.encode()) == mine
    assert Recent.decode("pair|3|/v.mp4|/t.mp4") == Recent("pair", ("/v.mp4", "/t.mp4"), 3, "")
    assert Recent.decode("sequence|0|/data/seq|store:/x/s.rgbt.sqlite").store == "/x/s.rgbt.sqlite"
    assert OpenRequest.from_recent(mine).store == "/elsewhere/mine.rgbt.sqlite"


def test_reopening_keeps_a_custom_database_and_the_projects_frame_offset(pair_files, tmp_path, monkeypatch):
    import core.sequences
    from app.project import open_job
    from core.progress import run_to_end

    opens = []
    real_open_pair = core.sequences.open_pair
    monkeypatch.setattr(core.sequences, "open_pair", lambda *a, **k: opens.append(a) or real_open_pair(*a, **k))

    def opened(request):
        project = run_to_end(open_job(request))
        project.sequence.close()
        project.store.close()
        return project

    custom = tmp_path / "elsewhere" / "mine.rgbt.sqlite"
    custom.parent.mkdir()
    beside = Path(pair_files[0]).parent
    stores_before = sorted(p.name for p in beside.iterdir() if p.name.endswith(".rgbt.sqlite"))
    first = opened(OpenRequest("pair", tuple(map(str, pair_files)), 2, store=str(custom)))
    with AnnotationStore.open(custom) as store:
        store.put([FrameAnnotation(0, np.array([1.0, 2.0, 3.0, 4.0]), provenance=Provenance.MANUAL, keyframe=True)])
    recent = first.request.recent()
    assert recent.store == str(custom) and recent.frame_offset == 2
    # Open recent / the next start: the same database, not a new empty one beside the videos
    again = opened(OpenRequest.from_recent(Recent.decode(recent.encode())))
    assert again.request.store == str(custom) and again.request.frame_offset == 2
    assert sorted(p.name for p in beside.iterdir() if p.name.endswith(".rgbt.sqlite")) == stores_before
    with AnnotationStore.open(custom) as store:
        assert sorted(store.records()) == [0]
    # a drop or a command line without --frame-offset keeps the project's pairing ...
    opens.clear()
    dropped = opened(OpenRequest("pair", tuple(map(str, pair_files)), store=str(custom)))
    assert dropped.request.frame_offset == 2 and dropped.sequence.frame_offset == 2
    assert len(opens) == 1  # re-paired in place, the videos are not opened twice
    assert len(dropped.sequence) == len(again.sequence)
    with AnnotationStore.open(custom) as store:
        assert store.get_meta("frame_offset") == 2
    # ... and an offset the user gives explicitly wins
    assert opened(OpenRequest("pair", tuple(map(str, pair_files)), 0, store=str(custom))).request.frame_offset == 0


def test_q_on_an_absent_frame_marks_full_occlusion_for_the_lasot_export(tmp_path):
    from core.annotations.formats.rows import lasot_labels

    store = AnnotationStore.open(tmp_path / "q.rgbt.sqlite")
    edits.toggle_absent(None, 0).apply(store)  # O: out of view
    edits.toggle_absent(None, 1).apply(store)
    command = edits.toggle_occluded(store.get(1))  # Q on the absent frame: fully occluded
    assert command.label == "fully occluded"
    command.apply(store)
    assert store.get(1).absent and store.get(1).occluded
    occlusion, out_of_view = lasot_labels(store.records(), 2)
    assert occlusion.strip() == "0,1" and out_of_view.strip() == "1,0"
    command.revert(store)
    assert not store.get(1).occluded
    store.close()


def test_a_separate_thermal_box_keeps_its_offset_and_size_ratio(tmp_path):
    reference = FrameAnnotation(0, np.array([10.0, 10.0, 20.0, 20.0]), thermal_box=np.array([15.0, 12.0, 30.0, 30.0]),
                                provenance=Provenance.MANUAL, keyframe=True)
    # the visible box moved and shrank by half: the thermal box (1.5x larger, centre +10,+7) follows
    np.testing.assert_allclose(edits.carried_thermal([40.0, 40.0, 10.0, 10.0], reference), [47.5, 44.5, 15.0, 15.0])
    assert edits.carried_thermal([1.0, 1.0, 5.0, 5.0], rec(3)) is None  # no separate thermal box
    store = AnnotationStore.open(tmp_path / "t.rgbt.sqlite")
    store.put([reference.with_changes(frame=1, provenance=Provenance.STUDENT, keyframe=False, confidence=0.3)])
    edits.AcceptProposals({1: (np.array([40.0, 40.0, 10.0, 10.0]), 0.9)}).apply(store)
    np.testing.assert_allclose(store.get(1).thermal_box, [47.5, 44.5, 15.0, 15.0])
    store.close()


def test_the_window_opens_where_and_as_large_as_it_was_closed(qtbot):
    from app.main_window import MainWindow
    from app.qt import ensure_app

    ensure_app()
    first = MainWindow(StudioSettings.load(), synchronous=True)
    qtbot.addWidget(first)
    first.show()
    first.resize(700, 500)  # the offscreen screen is 800 x 600
    qtbot.waitUntil(lambda: first.size().width() == 700)
    first.close()
    assert StudioSettings.load().window_geometry  # saved at close
    second = MainWindow(StudioSettings.load(), synchronous=True)
    qtbot.addWidget(second)
    second.show()
    assert (second.size().width(), second.size().height()) == (700, 500)
    second.close()


def test_a_damaged_window_geometry_in_the_settings_is_ignored():
    q = StudioSettings.qsettings()
    q.setValue("view/window_geometry", "not a geometry")
    q.sync()
    assert StudioSettings.load().window_geometry == b""


def test_an_offset_change_counts_the_frames_as_the_sequence_pairs_them(tmp_path):
    """A 30 fps visible video beside a 10 fps thermal one is paired by time: at offset -2 its first
    visible frame is 5, not 2, so reopening at 0 would show each box 5 frames earlier."""
    from app.project import check_offset_change
    from core.annotations.records import FrameAnnotation, Provenance
    from core.annotations.store import AnnotationStore, StoreError

    store = AnnotationStore.open(tmp_path / "r.rgbt.sqlite")
    try:
        store.set_meta("frame_offset", -2)
        store.put([FrameAnnotation(0, np.array([1.0, 2.0, 3.0, 4.0]), provenance=Provenance.MANUAL)])
        by_time = {-2: 5, 0: 0, 1: 0}.get
        with pytest.raises(StoreError, match="5 frames earlier"):
            check_offset_change(store, 0, by_time)
        with pytest.raises(StoreError, match="2 frames earlier"):
            check_offset_change(store, 0)  # paired frame by frame
        check_offset_change(store, -2, by_time)  # the project's own
    finally:
        store.close()


def test_the_finished_runs_engine_is_marked_as_the_last_runs(qtbot):
    """After R, the status bar read 'Tracker: Student  teacher: onnx on cpu  last run 23.1 FPS', as if the
    student ran on the teacher: the model and engine are the last run's, and now say so."""
    from app.status import JobStatus

    status = JobStatus()
    qtbot.addWidget(status)
    status.set_speed(23.1, "teacher", "onnx on cpu")
    assert status.engine_label.text() == "teacher: onnx on cpu"
    status.finish()
    status.finish()
    assert status.engine_label.text() == "last run teacher: onnx on cpu" and status.fps_label.text() == "23.1 FPS"
