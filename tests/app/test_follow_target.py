"""View > Follow the target (Shift+Z)."""
from __future__ import annotations


def test_follow_the_target_says_it_is_on_or_off(window, pair_files, tmp_path):
    """Shift+Z switched View > Follow the target on or off without a word (the status bar kept the
    message before it), though the choice is kept across sessions: a key pressed by mistake changed
    how the views move from then on. The status bar says which way it went and how to undo it."""
    window.open_pair(*pair_files, store=str(tmp_path / "follow.rgbt.sqlite"))
    window.statusBar().showMessage("an earlier message")
    follow = window.actions["follow_target"]
    was = follow.isChecked()
    follow.trigger()
    first = window.statusBar().currentMessage()
    follow.trigger()
    second = window.statusBar().currentMessage()
    on, off = (first, second) if not was else (second, first)
    assert on == ("Follow the target on: the views keep the box centred while playing, stepping or tracking "
                  "(Shift+Z turns it off)")
    assert off == "Follow the target off (Shift+Z turns it on)"
    assert follow.isChecked() == was
