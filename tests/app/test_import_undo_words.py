"""What an import's undo step says it holds.

Found importing a LaSOT export back (0117_1605: 276 boxes and 99 absent rows, File > Import boxes
from a file... > Checked labels): the status bar said "imported 375 frames ... (99 absent)" and
Ctrl+Z then said "undone: import 375 boxes from groundtruth.txt", 99 more boxes than the file held;
the ground truth's import alike ("import 24 ground-truth boxes" over 4 absent rows)."""
from __future__ import annotations


def test_an_import_s_undo_counts_its_boxes_and_its_absent_marks_apart(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    rows = [f"{x:.2f},{y:.2f},{w:.2f},{h:.2f}" for x, y, w, h in synthetic.boxes[:8]]
    rows[2] = rows[5] = "0,0,0,0"
    path = tmp_path / "labels.txt"
    path.write_text("\n".join(rows) + "\n")
    window.ask_hook = lambda title, text, choices: "Checked labels"
    window.imports.import_box_file(str(path))
    assert "imported 8 frames of checked labels from labels.txt" in window.statusBar().currentMessage()
    stack = window.document.undo_stack
    assert stack.undoText() == "import 6 boxes and 2 absent marks from labels.txt"
    window.actions["undo"].trigger()
    assert window.statusBar().currentMessage().startswith("undone: import 6 boxes and 2 absent marks from labels.txt")


def test_the_ground_truth_s_undo_counts_its_absent_rows_as_marks(window, pair_files, synthetic, tmp_path,
                                                                   monkeypatch):
    from core.annotations.records import FrameAnnotation

    window.open_pair(*pair_files, store=str(tmp_path / "gt.rgbt.sqlite"))
    lines = {f: FrameAnnotation(f, None, absent=True, provenance="imported") if f in (3, 4, 5, 9) else
             FrameAnnotation(f, synthetic.boxes[f], provenance="imported") for f in range(24)}
    monkeypatch.setattr(window.document.sequence, "ground_truth", lambda: dict(lines), raising=False)
    window.actions["import_gt"].trigger()
    assert window.document.undo_stack.undoText() == "import 20 ground-truth boxes and 4 absent marks"
