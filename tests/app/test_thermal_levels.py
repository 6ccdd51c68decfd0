"""Thermal display levels: 8-bit thermal was always shown at 0-255, so TNO duine (values about 106-235)
looked washed out and a dim drone hard to see, with no way to stretch it; the pane's title said
"levels 0-255" on 16-bit footage too. Now View > Thermal levels: the full range, an auto stretch of the
sequence (one for every frame), manual levels (Ctrl+L) or the levels of what the pane shows (Shift+L);
L toggles the stretch and the full range; kept in the settings; said in the title; the display only."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from app.display_levels import frames_stretch, levels_text, stretch_of
from app.settings import StudioSettings
from core.sequences.thermal import ThermalMapping

FRAMES = 6
H, W = 90, 120


def washed_out_pair(folder, dtype=np.uint8):
    """Image folders of a pair whose thermal frames hold 106-235 only (TNO duine's range), a warm
    15x10 target moving right; 16-bit: the same picture times 10 plus 1000 (raw 2060-3350)."""
    rng = np.random.default_rng(3)
    visible, thermal = folder / "visible", folder / "thermal"
    visible.mkdir()
    thermal.mkdir()
    frames = []
    for i in range(FRAMES):
        frame = rng.integers(106, 180, (H, W)).astype(np.uint8)
        frame[40:50, 20 + 5 * i:35 + 5 * i] = 235
        frames.append(frame)
        cv2.imwrite(str(visible / f"{i:04d}.png"), np.repeat(frame[..., None], 3, axis=2))
        stored = frame if dtype == np.uint8 else (frame.astype(np.uint16) * 10 + 1000)
        cv2.imwrite(str(thermal / f"{i:04d}.png"), stored)
    return visible, thermal, frames


def drawn(view) -> np.ndarray:
    """The grey the thermal pane draws of each pixel (the "gray" colormap: its red channel)."""
    from PySide6.QtGui import QImage

    view.image.render()
    qimage = view.image.qimage.convertToFormat(QImage.Format.Format_RGB32)
    data = np.asarray(qimage.constBits()).reshape(qimage.height(), qimage.bytesPerLine())
    # a copy: a view of the QImage's memory outlived the QImage, freed as this returns, and a full CI
    # run read the allocator's bytes in its first pixels (255, 0, 255, ... on a frame of 106-235)
    return data[:, : 4 * qimage.width()].reshape(qimage.height(), qimage.width(), 4)[..., 2].copy()


def test_the_auto_stretch_fills_the_colormap_on_every_frame_and_leaves_the_frames(window, tmp_path):
    visible, thermal, frames = washed_out_pair(tmp_path)
    window.set_colormap("gray")
    window.open_pair(visible, thermal, store=str(tmp_path / "p.rgbt.sqlite"))
    shown = drawn(window.views.thermal)
    assert shown.min() >= 100 and shown.max() <= 240  # 0-255: washed out, as reported
    assert "levels 0-255" in window.views.thermal_panel.title.text()

    window.actions["levels_toggle"].trigger()  # L: the stretch (auto the first time)
    expected = frames_stretch(frames)  # the 16 evenly spaced frames of a 6-frame sequence: all of them
    assert window.views.thermal.levels == expected
    shown = drawn(window.views.thermal)
    assert shown.min() == 0 and shown.max() == 255  # the colormap's whole span
    assert f"auto levels {expected[0]}-{expected[1]}" in window.views.thermal_panel.title.text()
    window.goto(4)
    assert window.views.thermal.levels == expected  # one stretch for the sequence: no flicker
    assert np.array_equal(window.pair.thermal, frames[4])  # the display only: the frame as read
    assert np.array_equal(window.document.sequence[4].thermal, frames[4])

    window.actions["blend"].setChecked(True)  # the blended layer: the same levels
    assert window.views.visible.overlay_levels == expected
    assert window.views.visible.levels == (0.0, 255.0)  # the visible picture itself is not stretched
    window.actions["blend"].setChecked(False)

    assert StudioSettings.load().levels_mode == "auto"  # remembered
    window.actions["levels_toggle"].trigger()  # L again: back to the full range
    assert window.views.thermal.levels == (0.0, 255.0)
    assert "levels 0-255" in window.views.thermal_panel.title.text()
    assert StudioSettings.load().levels_mode == "full"


def test_levels_from_the_view_stretch_what_the_pane_shows_and_stay(window, tmp_path):
    visible, thermal, frames = washed_out_pair(tmp_path)
    window.open_pair(visible, thermal, store=str(tmp_path / "p.rgbt.sqlite"))
    window.views.visible.zoom_to((10, 10, 10, 10), context=3.0)  # a patch of background only
    (x0, x1), (y0, y1) = window.views.thermal.viewbox.viewRange()
    x0, y0 = max(0, int(np.floor(x0))), max(0, int(np.floor(y0)))
    patch = frames[0][y0:int(np.ceil(y1)), x0:int(np.ceil(x1))]
    window.actions["levels_view"].trigger()  # Shift+L
    expected = stretch_of(np.bincount(patch.ravel(), minlength=256))
    assert window.views.thermal.levels == expected
    assert window.settings.levels_mode == "manual"
    assert f"levels {expected[0]}-{expected[1]}" in window.views.thermal_panel.title.text()
    window.goto(3)
    assert window.views.thermal.levels == expected  # kept for every frame
    window.actions["levels_toggle"].trigger()
    assert window.views.thermal.levels == (0.0, 255.0)
    window.actions["levels_toggle"].trigger()  # L goes back to the stretch chosen last: these levels
    assert window.views.thermal.levels == expected
    reloaded = StudioSettings.load()
    assert (reloaded.levels_mode, reloaded.levels_low, reloaded.levels_high) == ("manual", *expected)


def test_a_new_window_shows_the_levels_chosen_last(qtbot, tmp_path):
    from tests.app.conftest import new_window

    visible, thermal, frames = washed_out_pair(tmp_path)
    store = str(tmp_path / "p.rgbt.sqlite")
    first = new_window(qtbot)
    try:
        first.open_pair(visible, thermal, store=store)
        first.thermal_levels.set_manual(120, 200)
    finally:
        first.close()
    window = new_window(qtbot)  # the project reopened: its manual levels
    try:
        window.open_pair(visible, thermal, store=store)
        assert window.views.thermal.levels == (120.0, 200.0)
        assert window.thermal_levels.mode_actions["manual"].isChecked()
        assert "levels 120-200" in window.views.thermal_panel.title.text()
    finally:
        window.close()
    settings = StudioSettings.load()
    settings.levels_mode = "auto"
    settings.save()
    window = new_window(qtbot)  # other footage: the choice of the settings, auto
    try:
        (tmp_path / "other").mkdir()
        visible, thermal, frames = washed_out_pair(tmp_path / "other")
        window.open_pair(visible, thermal, store=str(tmp_path / "other.rgbt.sqlite"))
        assert window.views.thermal.levels == frames_stretch(frames)
        assert window.thermal_levels.mode_actions["auto"].isChecked()
    finally:
        window.close()


def test_the_manual_dialog_shows_as_it_goes_and_cancel_puts_the_levels_back(window, tmp_path, monkeypatch):
    import app.dialogs.levels_dialog as levels_dialog

    visible, thermal, frames = washed_out_pair(tmp_path)
    window.open_pair(visible, thermal, store=str(tmp_path / "p.rgbt.sqlite"))
    seen = {}

    class Typed(levels_dialog.LevelsDialog):
        answer = False

        def exec(self):
            self.high.setValue(190)
            self.low.setValue(130)  # typed: manual, shown at once
            seen["while"] = window.views.thermal.levels
            return Typed.answer

    monkeypatch.setattr(levels_dialog, "LevelsDialog", Typed)
    window.actions["levels_dialog"].trigger()
    assert seen["while"] == (130.0, 190.0)
    assert window.views.thermal.levels == (0.0, 255.0) and window.settings.levels_mode == "full"  # cancelled
    Typed.answer = True
    window.actions["levels_dialog"].trigger()
    assert window.views.thermal.levels == (130.0, 190.0)
    assert StudioSettings.load().levels_mode == "manual"


def test_the_dialog_calls_the_frames_stand_in_so_until_the_sequence_s_stretch_comes(window, tmp_path, monkeypatch):
    """antiuav-4 reopened with manual levels, Ctrl+L at once: 'Auto contrast: the sequence's 1-99 % (89-242)',
    the frame on screen's stretch standing in while the sequence's 16 frames were read; Ctrl+L again 3 s later:
    '(0-244)' (a helper's session) -> the stand-in is called this frame's, and the open dialog takes the
    sequence's stretch when it comes."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    visible, thermal, frames = washed_out_pair(tmp_path)
    window.open_pair(visible, thermal, store=str(tmp_path / "p.rgbt.sqlite"))
    levels = window.thermal_levels
    levels.set_manual(120, 140)
    levels.auto, levels.auto_from_frame, levels._sampling = None, False, False  # not read yet (a long video)
    monkeypatch.setattr(levels.sampler, "start", lambda *_args: None)  # read on its thread, later
    said = []

    def answer():
        dialog = QApplication.activeModalWidget()
        try:
            said.append(dialog.auto.text())
            dialog.auto.setChecked(True)
            levels._sampled(window.document, (106, 235))  # the sequence's come while the dialog is open
            said.append(dialog.auto.text())
            said.append(dialog.band.getRegion())
        finally:
            dialog.reject()

    QTimer.singleShot(0, answer)
    window.actions["levels_dialog"].trigger()
    low, high = frames_stretch([frames[0]])
    assert said[0] == f"Auto contrast: this frame's 1-99 % until the sequence's are read ({low}-{high})"
    assert said[1] == "Auto contrast: the sequence's 1-99 % (106-235)" and said[2] == (106, 235)
    assert window.settings.levels_mode == "manual"  # cancelled


def test_the_dialog_keeps_low_under_high_and_takes_the_frames_stretch(qtbot):
    from app.dialogs.levels_dialog import LevelsDialog

    frame = np.full((40, 50), 150, np.uint8)
    frame[:20] = 110
    dialog = LevelsDialog("full", (0.0, 255.0), frame, (106, 235))
    qtbot.addWidget(dialog)
    changes = []
    dialog.changed.connect(lambda mode, low, high: changes.append((mode, low, high)))
    dialog.high.setValue(100)
    dialog.low.setValue(120)  # above High: High follows
    mode, low, high = dialog.values()
    assert mode == "manual" and high - low >= 8 and low == 120
    dialog.from_frame.click()
    assert dialog.values() == ("manual", *frames_stretch([frame]))
    assert changes[-1] == ("manual", *map(float, frames_stretch([frame])))
    dialog.auto.setChecked(True)
    assert changes[-1][0] == "auto" and dialog.band.getRegion() == (106, 235)


def test_the_title_says_the_raw_values_a_16_bit_frame_is_shown_at(window, tmp_path):
    visible, thermal, frames = washed_out_pair(tmp_path, np.uint16)
    window.open_pair(visible, thermal, store=str(tmp_path / "p.rgbt.sqlite"))
    mapping = ThermalMapping.from_notes(window.document.info.notes)
    assert mapping is not None and 2060 <= mapping.low < mapping.high <= 3350
    title = window.views.thermal_panel.title.text()
    assert "levels 0-255" not in title  # it said so, of frames mapped from raw values
    assert f"raw {mapping.low:.0f}-{mapping.high:.0f}" in title
    window.actions["levels_toggle"].trigger()
    low, high = window.views.thermal.levels
    raw_low = mapping.low + low * (mapping.high - mapping.low) / 255
    assert f"auto raw {raw_low:.0f}-" in window.views.thermal_panel.title.text()


def test_the_status_bar_says_the_raw_values_the_title_says(window, tmp_path):
    """On TNO duine stored as 16-bit, Shift+L said 'thermal levels 22-158 (manual, ...)' while the pane's
    title said 'raw 3766-4220', and L 'the full range 0-255' beside 'raw 3692-4544' (a helper's session):
    two numbers for one display -> the status bar says the raw values too, as the title does."""
    visible, thermal, _frames = washed_out_pair(tmp_path, np.uint16)
    window.open_pair(visible, thermal, store=str(tmp_path / "p.rgbt.sqlite"))
    mapping = ThermalMapping.from_notes(window.document.info.notes)
    levels = window.thermal_levels
    levels.set_mode("full")
    said = window.statusBar().currentMessage()
    assert said.startswith(f"thermal levels: the full range 0-255, raw {mapping.low:.0f}-{mapping.high:.0f} ("), said
    levels.set_manual(20, 100)
    raw = [mapping.low + v * (mapping.high - mapping.low) / 255 for v in (20, 100)]
    said = window.statusBar().currentMessage()
    assert said.startswith(f"thermal levels 20-100, raw {raw[0]:.0f}-{raw[1]:.0f} (manual)"), said
    assert f"raw {raw[0]:.0f}-{raw[1]:.0f}" in window.views.thermal_panel.title.text()
    # and so does View > Thermal levels > Manual ('Manual (20-100)' there)
    assert levels.mode_actions["manual"].text() == f"Manual (20-100, raw {raw[0]:.0f}-{raw[1]:.0f})"


@pytest.mark.parametrize(("mode", "levels", "mapping", "text"), [
    ("full", None, None, "levels 0-255"),
    ("auto", (141, 212), None, "auto levels 141-212"),
    ("manual", (0, 16), None, "levels 0-16"),
    ("full", None, ThermalMapping(2840.0, 3120.0), "raw 2840-3120"),
    ("auto", (0, 255), ThermalMapping(20.5, 31.0), "auto raw 20.5-31"),
])
def test_levels_text(mode, levels, mapping, text):
    assert levels_text(mode, levels, mapping) == text


def test_a_flat_patch_is_stretched_no_finer_than_eight_levels():
    assert stretch_of(np.bincount(np.zeros(100, np.uint8), minlength=256)) == (0, 8)
    assert stretch_of(np.bincount(np.full(100, 255, np.uint8), minlength=256)) == (247, 255)


def test_the_sequence_stretch_is_read_off_the_gui_thread_and_a_replaced_request_is_dropped(qtbot):
    from app.window_levels import StretchSampler

    frames = [np.full((20, 30), 100 + 10 * i, np.uint8) for i in range(5)]

    class Slow:
        def __len__(self):
            return len(frames)

        def __getitem__(self, index):
            import time
            from types import SimpleNamespace

            time.sleep(0.02)
            return SimpleNamespace(thermal=frames[index])

    sampler = StretchSampler()
    got = []
    sampler.ready.connect(lambda key, levels: got.append((key, levels)))
    sampler.start("old", Slow())
    sampler.start("new", Slow())  # another project opened meanwhile
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    qtbot.wait(200)
    assert got == [("new", frames_stretch(frames))]


def test_manual_levels_stay_with_their_footage_and_come_back_with_its_project(window, tmp_path):
    """Levels 0-8 taken from antiuav-4's sky (Shift+L), then L on TNO footage opened next, showed its
    frames white: the manual levels followed onto footage they were never set on."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    visible_a, thermal_a, _frames = washed_out_pair(tmp_path / "a")
    window.open_pair(visible_a, thermal_a, store=str(tmp_path / "a.rgbt.sqlite"))
    window.thermal_levels.set_manual(120, 140)
    visible_b, thermal_b, frames_b = washed_out_pair(tmp_path / "b")
    window.open_pair(visible_b, thermal_b, store=str(tmp_path / "b.rgbt.sqlite"))
    assert window.settings.levels_mode == "auto"  # not A's 120-140
    assert window.views.thermal.levels == frames_stretch(frames_b)
    window.actions["levels_toggle"].trigger()
    window.actions["levels_toggle"].trigger()  # L twice: back to the stretch, auto (not A's manual levels)
    assert window.views.thermal.levels == frames_stretch(frames_b)
    window.open_pair(visible_a, thermal_a, store=str(tmp_path / "a.rgbt.sqlite"))
    assert window.settings.levels_mode == "manual" and window.views.thermal.levels == (120.0, 140.0)
    assert "levels 120-140" in window.views.thermal_panel.title.text()


def test_manual_from_the_menu_takes_the_levels_set_last_and_says_them(window, tmp_path, monkeypatch):
    import app.dialogs.levels_dialog as levels_dialog

    visible, thermal, _frames = washed_out_pair(tmp_path)
    window.open_pair(visible, thermal, store=str(tmp_path / "p.rgbt.sqlite"))
    opened = []
    monkeypatch.setattr(levels_dialog, "LevelsDialog", lambda *args: opened.append(args) or _Cancelled())
    window.thermal_levels.mode_actions["manual"].trigger()  # none set yet: the dialog
    assert opened and window.settings.levels_mode == "full"
    window.thermal_levels.set_manual(100, 180)
    window.thermal_levels.set_mode("full")
    assert window.thermal_levels.mode_actions["manual"].text() == "Manual (100-180)"
    window.thermal_levels.mode_actions["manual"].trigger()
    assert len(opened) == 1 and window.views.thermal.levels == (100.0, 180.0)


class _Cancelled:
    class changed:  # noqa: N801 (a stand-in for the dialog's signal)
        @staticmethod
        def connect(_slot):
            pass

    @staticmethod
    def exec():
        return False
