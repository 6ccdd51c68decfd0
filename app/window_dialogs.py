"""The main window's dialogs, settings and drag-and-drop (a mixin of ``MainWindow``):
open pair / sequence, export, settings, help, errors, colormap and blend, drops."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.dialogs.errors import show_error
from app.dialogs.help_dialog import HelpDialog
from app.dialogs.open_pair import OpenPairDialog
from app.dialogs.settings_dialog import SettingsDialog
from app.project import classify_drop
from app.style import THERMAL_COLORMAPS


class WindowDialogs:
    """Needs the ``MainWindow`` attributes: settings, document, views, actions, pool,
    exporter, synchronous, open_pair, open_sequence, open_request, statusBar."""

    def ask_open_pair(self) -> None:
        dialog = OpenPairDialog(self)
        if dialog.exec():
            visible, thermal, offset = dialog.values()
            if visible and thermal:
                self.open_pair(visible, thermal, offset)

    def ask_open_sequence(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a dataset sequence folder")
        if folder:
            self.open_sequence(folder)

    # -- export ---------------------------------------------------------------------------
    def ask_export(self) -> None:
        if self.document is None:
            return
        from app.dialogs.export_dialog import ExportDialog

        dialog = ExportDialog(self.document.info.name, self.document.path.parent, self)
        if dialog.exec():
            key, target = dialog.values()
            self.export(key, target)

    def export(self, key: str, target) -> None:
        if self.document is not None:
            self.exporter.export(self.document, key, target, self.settings.models)

    def _exported(self, result) -> None:
        warnings = list(getattr(result, "warnings", []) or [])
        text = f"exported to {getattr(result, 'path', result)}"
        self.statusBar().showMessage(text, 10000)
        if warnings and not self.synchronous:
            QMessageBox.information(self, "Exported", text + "\n\n" + "\n".join(warnings))

    # -- dialogs and settings -------------------------------------------------------------
    def error(self, title: str, error: BaseException, trace: str = "") -> None:
        self.statusBar().showMessage(f"{title}: {error}", 15000)
        self.last_error = error
        show_error(self, title, error, trace)

    def show_help(self) -> None:
        HelpDialog(self).exec()

    def show_settings(self) -> None:
        dialog = SettingsDialog(self.settings.models, self)
        if dialog.exec():
            self.settings.models = dialog.values()
            self.settings.save()
            self.pool.clear()

    def apply_view_settings(self) -> None:
        name = self.settings.colormap if self.settings.colormap in THERMAL_COLORMAPS else "inferno"
        self.views.set_colormap(name)
        self.actions["blend"].setChecked(self.settings.blend)
        self.views.set_blend(self.settings.blend, self.settings.blend_opacity)
        self.actions["follow_target"].setChecked(self.settings.follow_target)

    def set_colormap(self, name: str) -> None:
        self.settings.colormap = name
        self.views.set_colormap(name)
        self.refresh_boxes()
        self.settings.save()

    def _blend_toggled(self, on: bool) -> None:
        self.settings.blend = bool(on)
        self.views.set_blend(on)
        self.settings.save()

    def _range_toggled(self, on: bool) -> None:
        if on and self.document is not None:
            self.timeline.show_range(self.frame, min(self.frame + 30, self.document.num_frames))
        else:
            self.timeline.hide_range()

    # -- drag and drop --------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        request = classify_drop(paths)
        if request is None:
            self.statusBar().showMessage("drop one sequence folder, a project (.rgbt.sqlite), or two files/folders "
                                         "(visible and thermal)", 10000)
            return
        event.acceptProposedAction()
        self.open_request(request)
