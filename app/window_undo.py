"""The window's undo and redo (Ctrl+Z / Ctrl+Shift+Z) and the keys that say why they do nothing:
undo or redo with nothing to do, and Ctrl+S (every edit is saved as it is made). A step that
changed frames other than the one shown goes to the nearest of them. The edits themselves are
``app.window_edits``."""
from __future__ import annotations

from app.actions import DEFAULT_KEYS
from app.undo_entry import touched_frames
from app.window_edits import WindowGlue


class UndoGlue(WindowGlue):
    def __init__(self, window):
        super().__init__(window)
        a = window.actions
        a["undo"].triggered.connect(self.undo)
        a["redo"].triggered.connect(self.redo)
        self._idle_keys = {name: self._idle_key(name) for name in ("undo", "redo")}
        self._save_shortcut = self._save_key()

    def _idle_key(self, name: str):
        """A window shortcut on the key of action ``name`` (undo, redo) that works only while
        the action is disabled (nothing to undo or redo), to say so: a disabled action takes no
        key, so Ctrl+Z right after opening a project did nothing without a word. It follows the
        action's key (rebound) and its enabled state, so it never competes with the action."""
        from PySide6.QtGui import QShortcut

        action = self.w.actions[name]
        shortcut = QShortcut(self.w)
        shortcut.activated.connect(lambda: self._nothing_to(name))

        def follow() -> None:
            shortcut.setKey(action.shortcut())
            shortcut.setEnabled(not action.isEnabled() and not action.shortcut().isEmpty())

        action.changed.connect(follow)
        follow()
        return shortcut

    def _save_key(self):
        """Ctrl+S (the platform's Save key), pressed by reflex in every editor, did nothing without a
        word: it says that every edit is saved as it is made, and where. Off while an action holds the
        key (Edit > Keyboard shortcuts...), which then runs as before."""
        from PySide6.QtGui import QKeySequence, QShortcut

        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self.w)
        shortcut.activated.connect(self._nothing_to_save)
        actions = [self.w.actions[name] for name in DEFAULT_KEYS]

        def follow() -> None:
            shortcut.setEnabled(not shortcut.key().isEmpty()
                                and not any(a.shortcut() == shortcut.key() for a in actions))

        for action in actions:
            action.changed.connect(follow)
        follow()
        return shortcut

    def _nothing_to_save(self) -> None:
        if self.doc is None:
            text = "nothing to save: no project is open"
        else:
            text = (f"nothing to save: every edit is saved as it is made, in {self.doc.path}; "
                    f"{self._key('export')} exports the boxes in a dataset's layout")
        self.w.statusBar().showMessage(text, 10000)

    def _nothing_to(self, name: str) -> None:
        if self.doc is None:
            text = f"nothing to {name}: no project is open"
        elif name == "undo":
            text = ("nothing to undo: the undo history starts when the project is opened "
                    "(edits made before are saved in it)")
        else:
            text = "nothing to redo"
        self.w.statusBar().showMessage(text, 8000)

    def undo(self) -> None:
        """Undo stops a run first, so the run (one step) is what gets undone; the status bar
        says what was undone ("undone: OpenCV CSRT: track 20 frames")."""
        if self.doc is not None:
            self._finish_tracking()
            self._step("undone", self.doc.undo_stack.undoText(), self.doc.undo)

    def redo(self) -> None:
        if self.doc is not None:
            self._finish_tracking()
            self._step("redone", self.doc.undo_stack.redoText(), self.doc.redo)

    def _finish_tracking(self) -> None:
        """Undo and redo stop a tracking run first and wait for it (the run is one undo step,
        pushed when it ends). A teacher refinement goes on: it writes proposals, no undo step,
        and Ctrl+Z on a box drawn meanwhile stopped it, so its remaining frames (minutes of the
        teacher on a long range) had to be refined again."""
        from PySide6.QtCore import QCoreApplication

        w = self.w
        w.transport.stop()
        if w.tracking.busy:
            w.tracking.stop()
            w.tracking.runner.wait(30000)
            QCoreApplication.processEvents()

    def _step(self, what: str, text: str, step) -> None:
        """Undo or redo one step (``step``); the status bar names it. When the frame shown is not one
        of the frames it changed, the view goes to the nearest and the status bar names them (an edit
        undone elsewhere changed nothing on screen: "undone: delete 1 box" over the last frame)."""
        stack = self.doc.undo_stack
        index = stack.index()
        entry = stack.command(index - 1 if what == "undone" else index)
        frames = touched_frames(entry.command) if entry is not None and hasattr(entry, "command") else None
        if not step():  # a write that failed (disk full): the error dialog said why
            return
        if stack.index() == index:
            self._nothing_to("undo" if what == "undone" else "redo")
            return
        where = ""
        if frames and self.w.frame not in frames:
            first, last = min(frames), max(frames)
            nearest = min(frames, key=lambda f: (abs(f - self.w.frame), f))
            where = (f" (frame {first + 1}: shown)" if first == last
                     else f" (frames {first + 1}-{last + 1}: frame {nearest + 1} shown)")
            self.w.goto(nearest)
        self.w.statusBar().showMessage(f"{what}: {text}{where}", 8000)
