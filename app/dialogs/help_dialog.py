"""Help: the keyboard shortcuts (``app.actions.SHORTCUTS``, with the keys the user bound in
Edit > Keyboard shortcuts...) and the box colours."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.actions import SHORTCUTS
from app.style import PROVENANCE_COLOURS, PROVENANCE_LABELS
from app.views.box_item import REFERENCE_COLOUR
from app.window_geometry import resize_to_fit


def legend_html() -> str:
    rows = "".join(
        f'<span style="color:{PROVENANCE_COLOURS[k]}">&#9632;</span> {PROVENANCE_LABELS[k]}&nbsp;&nbsp; '
        for k in PROVENANCE_LABELS
    )
    # a line of its own: at the end of the first, its square stayed there and its words wrapped to the next
    reference = (f'<span style="color:{REFERENCE_COLOUR}">&#9632;</span>&nbsp;reference (View &gt; Compare with '
                 "...: dashes and dots, shown only, never a box of the project)")
    return (f"<b>Boxes:</b> {rows}<br>{reference}<br>interpolated and occluded boxes are dashed, teacher proposals dotted; "
            "every box's colour lies on a dark outline, so it reads on any thermal colormap.")


class HelpDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        table = QTableWidget(len(SHORTCUTS), 3)
        table.setHorizontalHeaderLabels(["Key", "Action", "What it does"])
        actions = getattr(parent, "actions", None)  # the window's keys as the user bound them
        for row, (name, text, key, tip) in enumerate(SHORTCUTS):
            if actions is not None:
                key = actions[name].shortcut().toString()
            for column, value in enumerate((key, text, tip)):
                table.setItem(row, column, QTableWidgetItem(value))
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)  # a list to read: a double click or a
        # key typed there overwrote a key or an action's name, and the list named keys that were never bound
        # the descriptions wrap in the dialog's width: the longest (O, Q, Del) ran off its edge, to be
        # read by scrolling sideways row by row
        header = table.horizontalHeader()
        table.resizeColumnsToContents()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setWordWrap(True)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.verticalHeader().hide()
        self.table = table
        layout = QVBoxLayout(self)
        about = QLabel("Drag on either view to draw a box; drag the box or its handles to correct it "
                       "(the frame becomes a manual keyframe); Shift+drag draws a new box over it; Esc during a draw cancels it. Right-drag pans, "
                       "the wheel zooms. The arrow keys Left / Right also step a frame while a view or the "
                       "timeline has the focus. Edit > Keyboard shortcuts... changes the keys.")
        about.setWordWrap(True)  # on one line it held the dialog 937 points wide, past a small screen's edge
        layout.addWidget(about)
        layout.addWidget(table)
        legend = QLabel(legend_html())
        legend.setWordWrap(True)
        layout.addWidget(legend)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        resize_to_fit(self, 820, 700)  # a 720-high laptop screen had its Close below the edge
