"""Open pair: a visible and a thermal source (two videos or two image folders) and a
frame offset (thermal frame = visible frame + offset, for de-synchronised pairs).

The pickers open at the field's own path, else beside the other field's path, else at
``start_folder`` (the window passes the last folder used, or the home folder).
Open with a field left empty, the same source on both sides, or a path that does not
exist keeps the dialog open and says what is wrong (it closed and opened nothing; a typo
in a path closed it behind an error, and both paths had to be typed again)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.dialogs.checked import CheckedDialog
from app.dialogs.file_names import pick_file, pick_folder
from core.sequences.sources import VIDEO_EXTENSIONS

_VIDEOS = " ".join(f"*{ext}" for ext in sorted(VIDEO_EXTENSIONS))
#: the File... picker's filters: every video the sequences open (``VIDEO_EXTENSIONS``; .webm, .ts, .mpg
#: were left out) and a multi-page TIFF (a thermal camera's recording as one file) in the first, the
#: one the picker starts with (a .tiff was listed only after switching filters), then each alone
VIDEO_FILTER = (f"Videos and multi-page TIFFs ({_VIDEOS} *.tif *.tiff);;Videos ({_VIDEOS});;"
                "Multi-page TIFF (*.tif *.tiff);;All files (*)")


def _expand(text: str) -> str:
    """A typed path with "~" expanded ("" stays "")."""
    text = text.strip()
    return str(Path(text).expanduser()) if text else ""


def _folder_of(text: str) -> str:
    """The folder a picker should open for a typed path ("" when there is none)."""
    if not text:
        return ""
    path = Path(text).expanduser()
    return str(path if path.is_dir() else path.parent) if path.parent.is_dir() else ""


class _PathField(QWidget):
    def __init__(self, caption: str, start: Callable[[], str] = lambda: str(Path.home())):
        super().__init__()
        self.caption = caption
        self.start = start  # where a picker opens when the field is empty
        self.edit = QLineEdit()
        self.file_button = QPushButton("File...")
        self.folder_button = QPushButton("Folder...")
        self.file_button.clicked.connect(self._pick_file)
        self.folder_button.clicked.connect(self._pick_folder)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.file_button)
        layout.addWidget(self.folder_button)

    def start_folder(self) -> str:
        return _expand(self.edit.text()) or self.start()

    def _pick_file(self) -> None:
        path, note = pick_file(self, self.caption, self.start_folder(), VIDEO_FILTER)
        self._picked(path, note)

    def _pick_folder(self) -> None:
        path, note = pick_folder(self, self.caption, self.start_folder())
        self._picked(path, note)

    def _picked(self, path: str, note: str | None) -> None:
        """Take the picker's ``path`` ("" when cancelled); its ``note`` (names Qt's file dialog
        leaves out, not UTF-8: the file looked missing, unsaid) in the dialog's red line."""
        dialog = self.window()
        if note and isinstance(dialog, CheckedDialog):
            dialog.problem_label().setText(note)
            dialog.problem_label().show()
            dialog._fit_height()
        if path:
            self.edit.setText(path)


MAX_OFFSET = 10000
KEEP_OFFSET = -MAX_OFFSET - 1  # the spin box's special value: keep the project's offset


class _OffsetBox(QSpinBox):
    """The frame offset, whose lowest setting is "the project's": the arrow keys, buttons and wheel
    step from 0 there (Up 1, Down -1). They stepped from the special value's own number, so Up three
    times for a thermal stream 3 frames late read -9998, and Open said no frames overlapped."""

    def stepBy(self, steps: int) -> None:
        if self.value() == KEEP_OFFSET:
            self.setValue(steps)
            self.selectAll()
            return
        super().stepBy(steps)

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        if self.value() == KEEP_OFFSET:  # the lowest setting: Down goes on to -1
            return QAbstractSpinBox.StepEnabledFlag.StepUpEnabled | QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        return super().stepEnabled()


class OpenPairDialog(CheckedDialog):
    """Two sources and the frame offset. The offset's lowest setting reads "the project's":
    an existing project keeps its own pairing (0 for a new one), as the command line does
    without ``--frame-offset``; any number sets it."""

    def __init__(self, parent=None, visible: str = "", thermal: str = "", offset: int | None = None, *,
                 start_folder: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Open visible / thermal pair")
        home = start_folder or str(Path.home())
        self.visible = _PathField("Visible video or frame folder",
                                  lambda: _folder_of(self.thermal.edit.text().strip()) or home)
        self.thermal = _PathField("Thermal video or frame folder",
                                  lambda: _folder_of(self.visible.edit.text().strip()) or home)
        self.visible.edit.setText(visible)
        self.thermal.edit.setText(thermal)
        self.offset = _OffsetBox()
        self.offset.setRange(KEEP_OFFSET, MAX_OFFSET)
        self.offset.setSpecialValueText("the project's (0 for a new project)")
        self.offset.setValue(KEEP_OFFSET if offset is None else offset)
        self.offset.setToolTip("thermal frame = visible frame + offset; lowest setting: keep the pairing the "
                               "project already has")
        form = QFormLayout(self)
        form.addRow("Visible", self.visible)
        form.addRow("Thermal", self.thermal)
        form.addRow("Frame offset", self.offset)
        form.addRow(self.problem_label())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        # Tab goes from path to path to the offset, then Open and Cancel, the pickers' buttons last: it went
        # from the visible path to its File... button, so a thermal path typed after Tab went nowhere
        order = [self.visible.edit, self.thermal.edit, self.offset, *buttons.buttons(), self.visible.file_button,
                 self.visible.folder_button, self.thermal.file_button, self.thermal.folder_button]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.resize(640, 150)

    def problem(self) -> str:
        """Why the fields cannot be opened as a pair ("" when they can)."""
        visible, thermal, _offset = self.values()
        if not visible or not thermal:
            return ("Choose a visible and a thermal source. Footage with one stream opens with "
                    "File > Open one video... or Open sequence folder...")
        if Path(visible).resolve() == Path(thermal).resolve():
            return "The visible and the thermal source are the same: choose the thermal video or frame folder."
        for name, path in (("visible", visible), ("thermal", thermal)):
            if not Path(path).exists():  # a typo: said here, with both fields kept to correct it
                return f"The {name} source {path} does not exist: correct the path or choose it with File... / Folder..."
        return ""

    def values(self) -> tuple[str, str, int | None]:
        """(visible, thermal, offset); offset None = the project's own (0 for a new project).
        A path typed with "~" names the home folder (it was opened as a folder named "~", and
        the error said a file that exists did not)."""
        value = int(self.offset.value())
        visible, thermal = (_expand(field.edit.text()) for field in (self.visible, self.thermal))
        return visible, thermal, None if value == KEEP_OFFSET else value
