"""Ctrl+I reads a box file once, off the GUI thread. Before, the import read and parsed the file up
to three times on the GUI thread (once to ask what it holds, again for the chosen MOT object, again
for pre-labels): a 62,000-row MOT file froze the window about 1.2 s a pass, with no way to stop it."""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from tests.app.test_box_file_import import _answers


def _mot_of_two_objects(path: Path, boxes) -> Path:
    lines = []
    for f, (x, y, w, h) in enumerate(boxes[:6]):
        lines += [f"{f + 1},1,{x:.1f},{y:.1f},{w:.1f},{h:.1f},1,-1,-1,-1", f"{f + 1},2,5,5,{w:.1f},{h:.1f},1,-1,-1,-1"]
    path.write_text("\n".join(lines) + "\n")
    return path


def _count_reads(monkeypatch, path: Path) -> list[Path]:
    """Every read of ``path``'s bytes, recorded (the box readers read a file with ``read_bytes``)."""
    reads = []
    read_bytes = Path.read_bytes

    def counting(self):
        if self.name == path.name:
            reads.append(self)
        return read_bytes(self)
    monkeypatch.setattr(Path, "read_bytes", counting)
    return reads


def test_a_mot_object_imported_as_pre_labels_reads_the_file_once(window, pair_files, synthetic, tmp_path,
                                                                   monkeypatch):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    path = _mot_of_two_objects(tmp_path / "gt.txt", synthetic.boxes)
    reads = _count_reads(monkeypatch, path)
    window.ask_hook = _answers("Pre-labels to correct")
    window.choose_hook = lambda title, text, items: "id 1"
    window.imports.import_box_file(str(path))
    assert len(reads) == 1  # the question, the object and the pre-labels from one parse (3 reads before)
    assert window.statusBar().currentMessage().startswith("imported 6 frames of pre-labels from gt.txt")
    np.testing.assert_allclose(window.document.record(3).box, synthetic.boxes[3], atol=0.06)


def test_checked_labels_read_the_file_once(window, pair_files, synthetic, tmp_path, monkeypatch):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    path = tmp_path / "labels.txt"
    path.write_text("".join(f"{x:.2f},{y:.2f},{w:.2f},{h:.2f}\n" for x, y, w, h in synthetic.boxes))
    reads = _count_reads(monkeypatch, path)
    window.ask_hook = _answers("Checked labels")
    window.imports.import_box_file(str(path))
    assert len(reads) == 1
    assert window.document.record(23).provenance == "imported"


class _HeldReading:
    """The box file's reading held on the worker thread until ``release`` (at most 10 s, so a
    reading on the GUI thread ends the test rather than hanging it)."""

    def __init__(self, monkeypatch):
        import core.annotations.formats.box_import as box_import

        self.started = threading.Event()
        self.go = threading.Event()
        self.threads: list[threading.Thread] = []
        read_text = box_import.read_text

        def held(path):
            self.threads.append(threading.current_thread())
            self.started.set()
            self.go.wait(10)
            return read_text(path)
        monkeypatch.setattr(box_import, "read_text", held)

    def release(self) -> None:
        self.go.set()


def _threaded_reader(window):
    window.imports.reader.synchronous = False  # as in the studio: the reading on a worker thread


def test_the_file_is_read_on_a_worker_thread_and_the_question_follows(window, pair_files, synthetic, tmp_path,
                                                                        monkeypatch, qtbot):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    path = _mot_of_two_objects(tmp_path / "gt.txt", synthetic.boxes)
    _threaded_reader(window)
    held = _HeldReading(monkeypatch)
    window.ask_hook = hook = _answers("Checked labels")
    window.choose_hook = lambda title, text, items: "id 1"
    import core.annotations.formats.box_import as box_import

    made_on, frame_numbered = [], box_import._frame_numbered

    def recorded(*args, **kwargs):  # where the chosen object's boxes are made
        made_on.append(threading.current_thread())
        return frame_numbered(*args, **kwargs)
    monkeypatch.setattr(box_import, "_frame_numbered", recorded)
    window.imports.import_box_file(str(path))
    assert held.started.wait(10)
    # the GUI thread is back while the file is read: nothing asked yet, the reader busy
    assert hook.asked == [] and window.imports.reader.busy
    assert held.threads and held.threads[0] is not threading.main_thread()
    held.release()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("imported"), timeout=10000)
    assert [title for title, _text, _choices in hook.asked] == ["Import boxes as"]
    assert window.document.record(5).provenance == "imported"
    assert made_on and threading.main_thread() not in made_on  # 40,000 boxes took 0.3 s of the GUI thread


def test_cancelling_the_reading_imports_nothing(window, pair_files, synthetic, tmp_path, monkeypatch, qtbot):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    path = _mot_of_two_objects(tmp_path / "gt.txt", synthetic.boxes)
    _threaded_reader(window)
    held = _HeldReading(monkeypatch)
    window.ask_hook = hook = _answers("Checked labels")
    window.choose_hook = lambda title, text, items: "id 1"
    window.imports.import_box_file(str(path))
    assert held.started.wait(10)
    dialog = window.imports._dialog
    assert dialog is not None and dialog.blocking  # the window's input waits for the reading
    dialog.canceled.emit()  # its Cancel button
    held.release()
    qtbot.waitUntil(lambda: not window.imports.reader.busy, timeout=10000)
    assert window.statusBar().currentMessage() == "gt.txt: reading cancelled, boxes not imported"
    assert hook.asked == [] and not window.document.records
    assert window.imports._dialog is None


def test_a_second_file_while_one_is_read_is_refused_with_a_word(window, pair_files, synthetic, tmp_path,
                                                                 monkeypatch, qtbot):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    path = _mot_of_two_objects(tmp_path / "gt.txt", synthetic.boxes)
    _threaded_reader(window)
    held = _HeldReading(monkeypatch)
    window.ask_hook = _answers("Checked labels")
    window.choose_hook = lambda title, text, items: "id 1"
    window.imports.import_box_file(str(path))
    assert held.started.wait(10)
    window.imports.import_box_file(str(tmp_path / "other.txt"))
    assert window.statusBar().currentMessage() == "gt.txt is still being read"
    held.release()
    qtbot.waitUntil(lambda: not window.imports.reader.busy, timeout=10000)
    assert window.document.record(0).provenance == "imported"


def test_closing_the_window_while_a_file_is_read_drops_it(qtbot, pair_files, synthetic, tmp_path, monkeypatch):
    from tests.app.conftest import new_window

    window = new_window(qtbot)
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    path = _mot_of_two_objects(tmp_path / "gt.txt", synthetic.boxes)
    _threaded_reader(window)
    held = _HeldReading(monkeypatch)
    window.ask_hook = hook = _answers("Checked labels")
    window.imports.import_box_file(str(path))
    assert held.started.wait(10)
    threading.Timer(0.2, held.release).start()  # the worker ends while the window waits for it
    window.close()
    assert window.imports.reader.wait(0) and hook.asked == []  # its thread ended before the window went


def test_the_ground_truth_is_read_on_a_worker_thread(window, pair_files, synthetic, tmp_path, monkeypatch, qtbot):
    """File > Import the sequence's ground truth read a 40,000-row file on the GUI thread (0.4 s)."""
    from core.annotations.records import FrameAnnotation

    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    _threaded_reader(window)
    read_on, go = [], threading.Event()

    def ground_truth():
        read_on.append(threading.current_thread())
        go.wait(10)
        return {f: FrameAnnotation(f, synthetic.boxes[f], provenance="imported") for f in range(24)}
    monkeypatch.setattr(window.document.sequence, "ground_truth", ground_truth, raising=False)
    window.actions["import_gt"].trigger()
    qtbot.waitUntil(lambda: bool(read_on), timeout=10000)
    assert window.imports.reader.busy and not window.document.records  # the GUI thread is back meanwhile
    go.set()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("imported 24 ground-truth"),
                    timeout=10000)
    assert threading.main_thread() not in read_on and window.document.record(7).provenance == "imported"


def test_a_ground_truth_that_cannot_be_read_is_one_dialog(window, pair_files, tmp_path, monkeypatch):
    from core.errors import AnnotationFormatError

    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))

    def ground_truth():
        raise AnnotationFormatError(tmp_path / "groundtruth.txt", "not a number in 'x'", line=3)
    monkeypatch.setattr(window.document.sequence, "ground_truth", ground_truth, raising=False)
    window.actions["import_gt"].trigger()
    assert str(window.last_error) == f"{tmp_path / 'groundtruth.txt'}, line 3: not a number in 'x'"
    assert not window.document.records


def test_pre_labels_take_their_scores_on_a_worker_thread(window, pair_files, synthetic, tmp_path, monkeypatch,
                                                          qtbot):
    """track --out boxes with their --scores: the confidences were set on the GUI thread (0.67 s of
    40,000 pre-labels)."""
    import core.annotations.formats.box_scores as box_scores

    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    (tmp_path / "boxes.txt").write_text("".join(f"{x:.2f},{y:.2f},{w:.2f},{h:.2f}\n" for x, y, w, h in synthetic.boxes))
    (tmp_path / "scores.txt").write_text("".join(f"{0.5 + k / 100}\n" for k in range(24)))
    _threaded_reader(window)
    scored_on, with_scores = [], box_scores.with_scores

    def recorded(*args, **kwargs):
        scored_on.append(threading.current_thread())
        return with_scores(*args, **kwargs)
    monkeypatch.setattr(box_scores, "with_scores", recorded)
    window.ask_hook = _answers("Pre-labels to correct")
    window.imports.import_box_file(str(tmp_path / "boxes.txt"))
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("imported"), timeout=10000)
    assert scored_on and threading.main_thread() not in scored_on
    assert window.document.record(3).confidence == 0.53 and window.document.record(3).provenance == "student"
