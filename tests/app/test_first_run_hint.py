"""The first run opens the bundled demo and says in the status bar what to do first."""
from __future__ import annotations

import argparse

import pytest

from app.commands import FIRST_RUN_HINT, first_run_hint, initial_request, show_first_run_hint
from app.project import OpenRequest, demo_request
from app.settings import StudioSettings

pytestmark = pytest.mark.skipif(demo_request() is None, reason="the bundled demo pair is absent")


def test_first_run_on_the_demo_shows_the_hint(window):
    settings = StudioSettings()
    request = initial_request(argparse.Namespace(sources=[], project=None, frame_offset=None), settings)
    show_first_run_hint(window, request, settings)
    window.open_request(request)
    message = window.statusBar().currentMessage()
    assert message == FIRST_RUN_HINT
    assert "drag a box" in message and "press T" in message and "F1" in message
    assert len(message) <= 150  # one line in the status bar of the default window


def test_no_hint_after_the_first_run_or_on_other_sources(window, pair_files):
    done = StudioSettings(first_run_done=True)
    assert first_run_hint(demo_request(), done) is None
    other = OpenRequest("pair", tuple(str(p) for p in pair_files))
    assert first_run_hint(other, StudioSettings()) is None
    show_first_run_hint(window, other, StudioSettings())
    window.open_request(other)
    assert window.statusBar().currentMessage().startswith("opened ")


def test_the_hint_names_the_keys_as_bound(window, monkeypatch):
    """Track rebound to G, Next issue to J and the shortcut list to F2 (Edit > Keyboard shortcuts...,
    or a studio.ini that already held them): the first run's hint still said "press T to track; N
    jumps ...; F1 lists the keys", keys that did nothing then. It names the keys as bound when the
    demo opens, and again when they are rebound while it shows."""
    from app.actions import apply_shortcuts
    from tests.app.conftest import rebind_keys

    settings = StudioSettings()
    request = initial_request(argparse.Namespace(sources=[], project=None, frame_offset=None), settings)
    apply_shortcuts(window.actions, {"track": "G"})
    show_first_run_hint(window, request, settings)
    window.open_request(request)
    message = window.statusBar().currentMessage()
    assert "press G to track; N jumps" in message and "press T" not in message
    rebind_keys(monkeypatch, window, {"track": "G", "attention": "J", "help": "F2"})
    message = window.statusBar().currentMessage()
    assert message.startswith("Demo: drag a box") and "press G to track; J jumps" in message
    assert message.endswith("F2 lists the keys")
    rebind_keys(monkeypatch, window, {"track": ""})  # Track left without a key: its menu entry
    assert "choose Track > Track from here to track; N jumps" in window.statusBar().currentMessage()
