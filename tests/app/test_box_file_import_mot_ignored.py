"""Ctrl+I on a MOTChallenge ground-truth file: rows whose 7th value is 0 (the "consider" flag:
boxes its evaluation ignores) were imported as checked labels; the status bar now says how many
rows were skipped and why, and none of them becomes a box."""
from __future__ import annotations


def test_the_import_summary_says_the_ignored_rows_it_skipped(window, pair_files, synthetic, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "p.rgbt.sqlite"))
    document = window.document
    lines = [f"{f + 1},1,{x:.1f},{y:.1f},{w:.1f},{h:.1f},{0 if f in (2, 3) else 1},1,1.0"
             for f, (x, y, w, h) in enumerate(synthetic.boxes[:6])]
    path = tmp_path / "gt.txt"
    path.write_text("\n".join(lines) + "\n")
    window.ask_hook = lambda title, text, choices: "Checked labels"
    window.imports.import_box_file(str(path))
    assert window.statusBar().currentMessage() == (
        "imported 4 frames of checked labels from gt.txt, frame-numbered rows; 2 rows skipped: 0 as the 7th value, "
        "MOTChallenge's flag for a box to ignore; T does not replace imported boxes")
    assert document.record(2) is None and document.record(3) is None
    assert document.record(4).provenance == "imported"
