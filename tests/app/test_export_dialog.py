"""The export dialog: where a typed target lands, the format's suggested name, the result's counts."""
from __future__ import annotations

import pytest


def test_export_target_with_a_tilde_or_a_bare_name_lands_where_the_user_means(window, pair_files, tmp_path,
                                                                            monkeypatch):
    """The export dialog's target "~/exports/seq-lasher" is in the home folder and a bare name
    in the folder the dialog suggests (before: a folder literally named "~", and the bare name,
    under whatever folder the studio was started from, while the result named "~/..."); an
    empty target keeps the dialog open and says why."""
    from app.dialogs.export_dialog import ExportDialog

    home, started_in = tmp_path / "home", tmp_path / "started-in"
    home.mkdir()
    started_in.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(started_in)
    window.open_pair(*pair_files, store=str(tmp_path / "proj" / "t.rgbt.sqlite"))
    dialog = ExportDialog("seq", tmp_path / "proj", window)
    dialog.format.setCurrentIndex(dialog.format.findData("annotations"))
    dialog.target.setText("~/exports/seq-annotations")
    key, target = dialog.values()
    assert target == home / "exports" / "seq-annotations"
    assert window.export_checked(key, target)
    assert (home / "exports" / "seq-annotations").is_dir() and not any(started_in.iterdir())
    dialog.target.setText("seq-named")
    assert dialog.values()[1] == tmp_path / "proj" / "seq-named"
    dialog.target.setText("  ")
    dialog.show()
    dialog.accept()
    assert dialog.isVisible() and "Choose where to export" in dialog.message.text()
    dialog.close()


def test_the_export_result_counts_only_proposals_a_would_accept(window, pair_files, synthetic, tmp_path):
    """Proposals on frames 3, 6 and 9; frame 3 then drawn by hand, frame 6 marked absent: the
    export result said "3 teacher proposal(s) not accepted are not in it (A or Shift+A accepts
    them)", though A refuses on frames 3 and 6: only frame 9's is one to accept."""
    window.open_pair(*pair_files, store=str(tmp_path / "ex.rgbt.sqlite"))
    window.document.store.put_proposals("test", [(f, synthetic.boxes[f] + 1.0, 0.9) for f in (2, 5, 8)])
    window.document.reload([2, 5, 8])
    window.goto(2)
    window.views.box_drawn.emit("visible", synthetic.boxes[2])
    window.goto(5)
    window.actions["absent"].trigger()
    assert window.export_checked("annotations", tmp_path / "out")
    text = window.result_box.text()
    assert "1 teacher proposal not accepted is not in it" in text, text


def test_choosing_another_export_format_keeps_the_folder_and_name_typed(qtbot, tmp_path):
    """Export: the target typed (or browsed to) as /exports/walk-3-lasher, then GOT-10k chosen as
    the format: the target went back to the project's folder as "<sequence>-got10k", and the
    folder had to be found again."""
    from app.dialogs.export_dialog import ExportDialog

    dialog = ExportDialog("seq", tmp_path / "proj")
    qtbot.addWidget(dialog)
    assert dialog.target.text() == str(tmp_path / "proj" / "seq-lasher")
    dialog.target.setText(str(tmp_path / "exports" / "walk-3-lasher"))
    dialog.format.setCurrentIndex(dialog.format.findData("got10k"))
    assert dialog.values() == ("got10k", tmp_path / "exports" / "walk-3-got10k")
    dialog.format.setCurrentIndex(dialog.format.findData("distillation"))
    assert dialog.values() == ("distillation", tmp_path / "exports" / "walk-3-distill.h5")
    dialog.target.setText(str(tmp_path / "exports" / "mine"))  # a name without the format's ending
    dialog.format.setCurrentIndex(dialog.format.findData("lasot"))
    assert dialog.values() == ("lasot", tmp_path / "exports" / "seq-lasot")


@pytest.mark.parametrize("key, typed, written", [
    ("distillation", "walk-3", "walk-3.h5"),  # was a file named walk-3
    ("distillation-embedded", "walk-3", "walk-3.h5"),
    ("distillation", "walk-3.h5", "walk-3.h5"),
    ("distillation", "walk-3.hdf5", "walk-3.hdf5"),
    ("lasher", "walk-3", "walk-3"),  # a folder export: the name as typed
])
def test_a_distillation_file_typed_without_a_suffix_gets_h5(qtbot, tmp_path, key, typed, written):
    """A bare name typed for the distillation export wrote an HDF5 file with no ``.h5``, which
    ``distill --data exports/*.h5`` passed over; it gets ``.h5`` as in a file dialog, and as
    ``export-distill --out NAME`` names it."""
    from app.dialogs.export_dialog import ExportDialog
    from core.distillation.schema import output_path

    dialog = ExportDialog("seq", tmp_path / "proj", last=(key, str(tmp_path / "exports" / typed)))
    qtbot.addWidget(dialog)
    assert dialog.values() == (key, tmp_path / "exports" / written)
    if key.startswith("distillation"):
        assert output_path(tmp_path / "exports" / typed) == tmp_path / "exports" / written  # the command line's


def test_each_kind_of_annotation_files_has_its_own_default_folder(qtbot, tmp_path):
    """Annotation files only: LasHeR, GTOT, VOT and plain-text files were all offered
    "<sequence>-annotations", whichever was chosen; GTOT files exported after LasHeR ones went to
    the LasHeR folder and replaced it (after a question naming only the folder). Each kind now has
    its folder, named as the layouts are ("seq-gtot" holds GTOT frames, "seq-gtot-annotations" its
    files only), and the target follows the kind chosen, in the folder and with the name typed."""
    from app.dialogs.export_dialog import ExportDialog

    dialog = ExportDialog("seq", tmp_path / "proj")
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("annotations"))
    assert dialog.values() == ("annotations-lasher", tmp_path / "proj" / "seq-lasher-annotations")
    offered = {}
    for index in range(dialog.variant.count()):
        dialog.variant.setCurrentIndex(index)
        key, target = dialog.values()
        offered[key] = target.name
    assert offered == {"annotations-lasher": "seq-lasher-annotations", "annotations-gtot": "seq-gtot-annotations",
                       "annotations-vot": "seq-vot-annotations", "annotations-xywh": "seq-xywh-annotations"}
    dialog.target.setText(str(tmp_path / "exports" / "walk-3-xywh-annotations"))
    dialog.variant.setCurrentIndex(dialog.variant.findData("annotations-gtot"))
    assert dialog.values() == ("annotations-gtot", tmp_path / "exports" / "walk-3-gtot-annotations")
    dialog.format.setCurrentIndex(dialog.format.findData("gtot"))  # the layout with frames beside it
    assert dialog.values() == ("gtot", tmp_path / "exports" / "walk-3-gtot")
    # the project's last export is offered as it was, its kind chosen
    last = ExportDialog("seq", tmp_path / "proj", last=("annotations-vot", str(tmp_path / "e" / "mine")))
    qtbot.addWidget(last)
    assert last.values() == ("annotations-vot", tmp_path / "e" / "mine")


def test_another_crops_choice_keeps_the_distillation_file_typed(qtbot, tmp_path):
    """The crops variants name the same file ("-distill.h5"): since the target follows the variant
    chosen, "/exports/mine.h5" typed then "self-contained" chosen became "/exports/seq-distill.h5"."""
    from app.dialogs.export_dialog import ExportDialog

    dialog = ExportDialog("seq", tmp_path / "proj")
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("distillation"))
    dialog.target.setText(str(tmp_path / "exports" / "mine.h5"))
    dialog.variant.setCurrentIndex(dialog.variant.findData("distillation-embedded"))
    assert dialog.values() == ("distillation-embedded", tmp_path / "exports" / "mine.h5")


def test_the_labels_name_the_stream_of_one_stream_footage(window, tmp_path, monkeypatch):
    """On thermal-only footage (a thermal video alone, antiuav-7) the export dialog offered "VOT (groundtruth.txt:
    8-value polygons, visible)" for a file of the boxes drawn on the thermal frames, and a review video "drawn on
    visible and thermal, side by side" that shows the thermal frames alone: they name the thermal stream now."""
    from app.dialogs.export_dialog import ExportDialog
    from tests.app.test_one_stream_separate_box import _thermal_only

    _thermal_only(window, tmp_path)
    shown = []

    def exec_(dialog):
        dialog.format.setCurrentIndex(dialog.format.findData("annotations"))
        shown.append(([dialog.format.itemText(i) for i in range(dialog.format.count())],
                      [dialog.variant.itemText(i) for i in range(dialog.variant.count())]))
        return 0

    monkeypatch.setattr(ExportDialog, "exec", exec_)
    window.ask_export()
    formats, files = shown[0]
    assert "VOT (groundtruth.txt: 8-value polygons, thermal)" in files
    assert "Review video (MP4: the boxes drawn on the thermal frames)" in formats
    assert not any("visible)" in text or "visible and thermal" in text for text in formats + files), (formats, files)
    both = ExportDialog("seq", tmp_path)  # footage with both streams: as before
    both.format.setCurrentIndex(both.format.findData("annotations"))
    assert both.variant.findText("VOT (groundtruth.txt: 8-value polygons, visible)") >= 0
    both.deleteLater()
