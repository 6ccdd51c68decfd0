"""The tracking process (``app.track_process``): the studio's interpreter stays free while
a tracker runs; frames stream back with the frame for the live view; stop and errors."""
from __future__ import annotations

import numpy as np
import pytest

from app.track_process import Recipe, TrackerProcess, error_record, rebuild_error, recipe_for
from core.errors import SequenceError
from core.trackers import TrackerChoice
from core.tracking.factory import CheckpointError


@pytest.fixture(scope="module")
def process():
    p = TrackerProcess()
    yield p
    p.shutdown()
    assert not p.alive


def test_frames_stream_back_with_occasional_pairs_and_stop_ends_the_run(process, pair_files, synthetic):
    recipe = Recipe("pair", tuple(str(p) for p in pair_files))
    assert "OpenCV" in process.prepare(recipe, TrackerChoice("kcf"))
    out = list(process.track(recipe, TrackerChoice("kcf"), 0, len(synthetic), synthetic.boxes[0], live_interval=0.0))
    assert [f for f, *_ in out] == list(range(len(synthetic)))
    assert all(pair is not None and pair.index == f for f, _b, _c, pair, _feed in out)  # interval 0: every frame
    assert {feed for *_x, feed in out} == {""}  # an OpenCV tracker feeds no network
    errors = [np.abs(b[:2] - synthetic.boxes[f][:2]).max() for f, b, _c, _p, _feed in out]
    assert np.median(errors) < 10
    rare = list(process.track(recipe, TrackerChoice("kcf"), 0, len(synthetic), synthetic.boxes[0], live_interval=60))
    assert sum(p is not None for *_x, p, _feed in rare) == 1  # only the first frame carries its pair
    # closing early stops the child's run; the next run starts cleanly
    run = process.track(recipe, TrackerChoice("csrt"), 0, len(synthetic), synthetic.boxes[0])
    assert next(run)[0] == 0 and next(run)[0] == 1
    run.close()
    again = list(process.track(recipe, TrackerChoice("kcf"), 5, 9, synthetic.boxes[5]))
    assert [f for f, *_ in again] == [5, 6, 7, 8]
    # batches: every frame once, in order, in lists of what had arrived
    import time

    batches = []
    for batch in process.track(recipe, TrackerChoice("kcf"), 0, len(synthetic), synthetic.boxes[0], batch=True):
        batches.append(batch)
        time.sleep(0.05)  # a slow consumer: frames pile up and come as one batch
    assert [f for batch in batches for f, *_ in batch] == list(range(len(synthetic)))
    assert len(batches) < len(synthetic)
    run = process.track(recipe, TrackerChoice("kcf"), 0, len(synthetic), synthetic.boxes[0], batch=True)
    next(run)
    run.close()  # stopped mid-run; the process is ready for the next
    assert [f for f, *_ in process.track(recipe, TrackerChoice("kcf"), 2, 4, synthetic.boxes[2])] == [2, 3]


def test_each_frame_says_what_the_network_was_fed(process, pair_files):
    """The student fed the thermal stream alone says so on every tracked frame (the studio's
    status bar shows it); the init frame was not tracked."""
    recipe = Recipe("pair", tuple(str(p) for p in pair_files))
    choice = TrackerChoice("student", allow_random=True, engine="torch", threads=1, streams="thermal")
    out = list(process.track(recipe, choice, 0, 4, [20, 20, 24, 24]))
    assert [feed for *_x, feed in out] == ["", "thermal", "thermal", "thermal"]


def test_errors_come_back_typed_and_naming_the_file(process, pair_files, tmp_path):
    recipe = Recipe("pair", tuple(str(p) for p in pair_files))
    missing = TrackerChoice("student", weights=str(tmp_path / "nope.pt"))
    with pytest.raises(CheckpointError, match="nope.pt"):
        list(process.track(recipe, missing, 0, 3, [10, 10, 20, 20]))
    with pytest.raises(SequenceError):
        process.prepare(Recipe("sequence", (str(tmp_path / "no-such-folder"),)), TrackerChoice("kcf"))
    assert process.alive  # errors do not end the process
    assert str(rebuild_error(error_record(ZeroDivisionError("x")))) == "ZeroDivisionError: x"


def test_recipe_from_the_project_meta(tmp_path):
    from core.annotations.store import AnnotationStore

    store = AnnotationStore.open(tmp_path / "p.rgbt.sqlite")
    try:
        assert recipe_for(store) is None
        store.set_meta("source_kind", "pair")
        store.set_meta("sources", ["/v.mp4", "/t.mp4"])
        store.set_meta("frame_offset", 2)
        assert recipe_for(store) == Recipe("pair", ("/v.mp4", "/t.mp4"), 2)
    finally:
        store.close()


def threaded_window(qtbot):
    """A studio window as users get it: runs on worker threads, trackers in child processes."""
    from app.main_window import MainWindow
    from app.qt import ensure_app
    from app.settings import StudioSettings

    ensure_app()
    window = MainWindow(StudioSettings.load())
    qtbot.addWidget(window)
    return window


def open_and_wait(qtbot, window, pair, store) -> None:
    window.open_pair(*pair, store=str(store))
    qtbot.waitUntil(lambda: window.document is not None, timeout=20000)


def test_a_threaded_window_tracks_in_the_process(qtbot, pair_files, synthetic, tmp_path):
    window = threaded_window(qtbot)
    try:
        open_and_wait(qtbot, window, pair_files, tmp_path / "w.rgbt.sqlite")
        assert window.document.recipe is not None and window.pool.process is not None
        window.set_tracker("kcf")
        window.views.box_drawn.emit("visible", synthetic.boxes[0])
        ended = []
        window.tracking.ended.connect(ended.append)
        window.actions["track"].trigger()
        qtbot.waitUntil(lambda: bool(ended), timeout=60000)
        assert window.pool.process.alive
        records = window.document.store.records()
        assert sorted(records) == list(range(len(synthetic)))
        assert window.document.undo_stack.count() == 2  # the box, the run
        assert "OpenCV" in window.job_status.engine_label.text()
        # the teacher refines in the process too: proposals with confidences
        window.refining.ended.connect(ended.append)
        window.review.refine(3, 6)
        qtbot.waitUntil(lambda: len(ended) == 2, timeout=120000)
        proposals = window.document.store.proposals()
        assert sorted(proposals) == [3, 4, 5] and all(c is not None for _b, c in proposals.values())
        assert "teacher" in window.job_status.engine_label.text()
    finally:
        window.close()
    assert not window.pool.process.alive  # closing the window ends the process


def test_refinement_runs_in_its_own_process_beside_tracking(tmp_path):
    """The teacher's refinement uses the pool's refine_process, never the tracking process,
    so R does not wait for a tracking run to end."""
    from app.jobs import TrackerPool, refine_job
    from app.settings import ModelSettings
    from core.annotations.records import FrameAnnotation, Provenance
    from core.annotations.store import AnnotationStore
    from core.progress import run_to_end

    class Busy:
        engine = ""

        def track(self, *args, **kwargs):
            raise AssertionError("the tracking process is busy with the tracking run")

    class Teacher:
        engine = "fake teacher"

        def take_note(self):
            return ""

        def track(self, recipe, choice, start, stop, box, live_interval):
            assert choice.name == "teacher"
            for frame in range(start, stop):
                yield frame, np.asarray(box, dtype=np.float64), 0.5, None, "both"

    pool = TrackerPool()
    pool.process, pool.refine_process = Busy(), Teacher()
    store = AnnotationStore.open(tmp_path / "r.rgbt.sqlite")
    box = np.array([10.0, 10.0, 20.0, 20.0])
    store.put([FrameAnnotation(0, box, provenance=Provenance.MANUAL, keyframe=True)]
              + [FrameAnnotation(f, box, provenance=Provenance.STUDENT, confidence=0.3) for f in range(1, 6)])
    written = run_to_end(refine_job(pool, ModelSettings(), list(range(6)), store, [3, 4],
                                    recipe=Recipe("pair", ("/v.mp4", "/t.mp4"))))
    assert written == 2 and sorted(store.proposals()) == [3, 4]
    store.close()
    real = TrackerPool(process=True)
    assert real.process is not real.refine_process and not real.refine_process.alive  # started on first use
    real.shutdown()


def test_refining_while_the_tracker_runs(qtbot, tmp_path):
    """R during T: the teacher refines in its own process and ends while the tracking run
    goes on; the live view and the progress bar stay with the tracking run."""
    from core.progress import run_to_end
    from core.synthetic import SyntheticConfig, SyntheticSequence
    from core.synthetic.writers import write_video_pair

    synthetic = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=300), seed=7)
    pair = run_to_end(write_video_pair(synthetic, tmp_path / "visible.mp4", tmp_path / "thermal.mp4"))
    window = threaded_window(qtbot)
    try:
        open_and_wait(qtbot, window, pair, tmp_path / "c.rgbt.sqlite")
        window.views.box_drawn.emit("visible", synthetic.boxes[0])
        ended = []
        window.tracking.ended.connect(lambda text: ended.append("tracking"))
        window.refining.ended.connect(lambda text: ended.append("refining"))
        window.set_tracker("kcf")  # a first, quick run gives frames 1-9 boxes to refine
        window.actions["track"].trigger()
        qtbot.waitUntil(lambda: ended == ["tracking"], timeout=60000)
        window.set_tracker("teacher")  # the slow tracker: a long run
        window.goto(10)
        window.views.box_drawn.emit("visible", synthetic.boxes[10])
        window.actions["track"].trigger()
        qtbot.waitUntil(lambda: len(window.document.store.tracker_outputs("teacher")) >= 5, timeout=120000)
        assert window.tracking.busy
        window.review.refine(3, 7)
        qtbot.waitUntil(lambda: "refining" in ended, timeout=120000)
        assert ended == ["tracking", "refining"] and window.tracking.busy  # it did not wait for the run
        assert sorted(window.document.store.proposals()) == [3, 4, 5, 6]
        assert window.frame > 10 and not window.job_status.bar.isHidden()  # the view stayed with the tracker
        window.actions["stop"].trigger()  # the rest of the long run is not what this test is about
        qtbot.waitUntil(lambda: len(ended) == 3, timeout=180000)
        assert ended[2] == "tracking" and window.job_status.bar.isHidden()
    finally:
        window.close()
    assert not window.pool.process.alive and not window.pool.refine_process.alive
