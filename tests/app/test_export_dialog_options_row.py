"""The export dialog's second row says there is nothing to choose for a format without variants
(real session: "Crops" over an empty, greyed box beside the LasHeR and RGBT234 layouts, which have no
crops)."""
from __future__ import annotations

from pathlib import Path


def test_a_format_without_variants_says_so(window):
    from app.dialogs.export_dialog import ExportDialog

    dialog = ExportDialog("seq", Path("/tmp"))
    keys = [dialog.format.itemData(i) for i in range(dialog.format.count())]
    for key in ("lasher", "rgbt234", "review-video"):
        dialog.format.setCurrentIndex(keys.index(key))
        assert not dialog.variant.isEnabled()
        assert (dialog.variant_row_label.text(), dialog.variant.placeholderText()) == ("Options",
                                                                                      "none for this format")
    dialog.format.setCurrentIndex(keys.index("distillation"))
    assert dialog.variant_row_label.text() == "Crops" and dialog.variant.currentText().startswith("small")
    dialog.format.setCurrentIndex(keys.index("annotations"))
    assert dialog.variant_row_label.text() == "Files" and dialog.variant.isEnabled()
