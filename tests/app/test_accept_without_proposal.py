"""A on a frame the teacher never saw said "no teacher proposal on this frame" and no more: a user
new to the loop could not tell that R asks the teacher for one (and that it works on the frame's
tracked box, not on one they drew)."""
from __future__ import annotations

from tests.app.conftest import rebind_keys


def test_a_without_a_proposal_names_the_key_that_makes_one(window, pair_files, synthetic, tmp_path, monkeypatch):
    window.open_pair(*pair_files, store=str(tmp_path / "a.rgbt.sqlite"))
    window.goto(2)
    window.actions["accept"].trigger()
    message = window.statusBar().currentMessage()
    assert message.startswith("no teacher proposal on frame 3: R asks the teacher for one"), message
    rebind_keys(monkeypatch, window, {"refine": "G"})
    window.show_shortcuts()
    window.actions["accept"].trigger()
    assert "G asks the teacher" in window.statusBar().currentMessage()
