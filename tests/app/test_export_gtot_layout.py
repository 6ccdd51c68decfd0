"""File > Export offers the GTOT layout with its frames (real-pair session: LasHeR and RGBT234 came
with frames, GTOT only as annotation files)."""
from __future__ import annotations

from pathlib import Path

from core.annotations.formats.rows import whole_pixel_rows


def test_the_export_dialog_writes_the_gtot_layout(window, pair_files, synthetic, tmp_path, monkeypatch):
    from app.dialogs import export_dialog

    window.open_pair(*pair_files, store=str(tmp_path / "g.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    offered = []

    def choose(dialog):
        keys = [dialog.format.itemData(i) for i in range(dialog.format.count())]
        offered.extend(keys)
        dialog.format.setCurrentIndex(keys.index("gtot"))
        return True

    monkeypatch.setattr(export_dialog.ExportDialog, "exec", choose)
    window.ask_export()
    assert offered[:3] == ["lasher", "rgbt234", "gtot"]
    out = Path(window.document.path).parent / f"{window.document.info.name}-gtot"
    assert sorted(p.name for p in out.iterdir()) == [".rgbt-studio-export", "groundTruth_i.txt", "groundTruth_v.txt",
                                                      "i", "init.txt", "v"]
    # GTOT's files hold whole pixels: each edge of the drawn box rounded to its nearest pixel
    x, y, w, h = whole_pixel_rows(synthetic.boxes[0])[0]
    first = [float(v) for v in (out / "groundTruth_v.txt").read_text().splitlines()[0].split()]
    assert first == [float(x), float(y), float(x + w), float(y + h)]
