"""File names Qt's file dialog cannot show, and the pickers that say so.

On Linux a file name is bytes; Qt reads it as UTF-8 and leaves out of its listing every name
that is not (a Windows-1252 ``café.mp4`` copied from a Windows disk or an old zip): the picker
showed the folder without the file and gave no word why. ``pick_file`` and ``pick_folder`` run
the picker and, when it closes (chosen or cancelled), return with the path a note naming what
the folder it ended in holds but could not show, and how to rename it.
"""
from __future__ import annotations

import os

from PySide6.QtWidgets import QFileDialog

SHOWN = 3  # names quoted in the note; the rest are counted


def hidden_names(folder: str) -> list[str]:
    """The entries of ``folder`` whose names are not UTF-8 text, sorted, each decoded as
    Windows-1252 for display (the usual source of such names); [] for a folder that cannot be
    read or on a platform whose file names are text (Windows)."""
    if os.name == "nt":
        return []
    try:
        names = os.listdir(os.fsencode(folder))
    except OSError:
        return []
    hidden = []
    for name in names:
        try:
            name.decode("utf-8")
        except UnicodeDecodeError:
            hidden.append(name.decode("cp1252", errors="replace"))
    return sorted(hidden)


def hidden_names_note(folder: str) -> str | None:
    """One line naming what ``folder`` holds that a file dialog cannot show (``hidden_names``),
    and how to rename it; None when there is nothing such."""
    hidden = hidden_names(folder)
    if not hidden:
        return None
    quoted = ", ".join(f"'{name}'" for name in hidden[:SHOWN])
    more = f" and {len(hidden) - SHOWN} more" if len(hidden) > SHOWN else ""
    one = len(hidden) == 1
    count = "1 name" if one else f"{len(hidden)} names"
    them = "it" if one else "them"
    return (f"{folder} holds {count} that {'is' if one else 'are'} not UTF-8 text, which the file "
            f"dialog cannot show: {quoted}{more} (read as Windows-1252); rename {them} to open {them}, e.g. "
            f"convmv -f cp1252 -t utf-8 --notest -r '{folder}'")


def _run(dialog: QFileDialog) -> tuple[str, str | None]:
    chosen = dialog.selectedFiles()[0] if dialog.exec() and dialog.selectedFiles() else ""
    return chosen, hidden_names_note(dialog.directory().absolutePath())


def pick_file(parent, caption: str, start: str, name_filter: str = "") -> tuple[str, str | None]:
    """An existing file chosen in a file dialog ("" when cancelled), and the note of
    ``hidden_names_note`` on the folder the dialog ended in (None when it holds no such name)."""
    dialog = QFileDialog(parent, caption, start, name_filter)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    return _run(dialog)


def pick_folder(parent, caption: str, start: str) -> tuple[str, str | None]:
    """An existing folder chosen in a file dialog ("" when cancelled) and the note, as ``pick_file``."""
    dialog = QFileDialog(parent, caption, start)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return _run(dialog)
