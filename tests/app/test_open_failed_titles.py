"""The question asked when a project cannot be written fits each of its causes.

"Project file read-only" was also the title for a project on a full disk and one in a read-only
folder, where the file itself is writable."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("cause", [
    "its file is read-only (it cannot be written)",
    "no space left on its disk; free some space on that disk to edit it, or open it read-only",
    "its folder /x is read-only (the project's working files go beside it)",
])
def test_the_question_title_fits_every_cause(window, cause):
    from app.project import OpenRequest, ProjectReadOnly

    asked = []
    window.ask_hook = lambda title, text, choices: asked.append((title, text)) or "Cancel"
    request = OpenRequest("pair", ("a.mp4", "b.mp4"), store="walk.rgbt.sqlite")
    window._open_failed(request, ProjectReadOnly("walk.rgbt.sqlite", cause), "")
    assert asked == [("Project cannot be edited", f"walk.rgbt.sqlite: {cause}\n\nOpen it read-only?")]
