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
