"""A dialog whose OK is refused while its fields hold a problem, the reason shown in the dialog."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel


class CheckedDialog(QDialog):
    """OK runs :meth:`problem`; while it names one, the dialog stays open with the fields as typed
    and the reason in red under them (:meth:`problem_label`, which the subclass places in its
    layout). Subclasses override :meth:`problem`."""

    def problem_label(self) -> QLabel:
        """The (hidden until needed) red label where OK says why it did nothing; made once."""
        if getattr(self, "message", None) is None:
            self.message = QLabel()
            self.message.setWordWrap(True)
            self.message.setStyleSheet("color: #c03030;")
            self.message.hide()
        return self.message

    def problem(self) -> str:
        """Why OK cannot close the dialog as its fields stand; "" when it can."""
        return ""

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            self.problem_label().setText(problem)
            self.problem_label().show()
            self._fit_height()
            return
        super().accept()

    def _fit_height(self) -> None:
        """Grow to the height the layout needs at this width: a window keeps its height when a wrapped
        label appears, so a reason of two lines was cut at its top and bottom."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = (layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth()
                  else layout.totalMinimumSize().height())
        if needed > self.height():
            self.resize(self.width(), needed)
