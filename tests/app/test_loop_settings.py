"""The studio's test-loop settings: the distractor memory, the online filter, holding the box,
the correlation on two-stream pairs, the drawn shape, the pixel match and the streams the
networks are fed reach the trackers T and R run."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.settings import ModelSettings
from core.tracking.tracker_config import (
    DISTRACTOR_GATE,
    MAX_ASPECT_CHANGE,
    PAIR_MAX_ASPECT_CHANGE,
    PIXEL_MATCH_WEIGHT,
    TrackerConfig,
)


def test_settings_dialog_carries_the_distractor_memory(qtbot):
    from app.dialogs.settings_dialog import SettingsDialog

    dialog = SettingsDialog(ModelSettings())
    qtbot.addWidget(dialog)
    assert not dialog.distractor_memory.isChecked() and not dialog.values().distractor_memory
    dialog.distractor_memory.setChecked(True)
    assert dialog.values().distractor_memory
    again = SettingsDialog(dialog.values())
    qtbot.addWidget(again)
    assert again.distractor_memory.isChecked()


def test_pool_applies_the_loop_setting_to_cached_trackers():
    from app.jobs import TrackerPool

    built = []

    def loader(model, weights, engine, device, allow_random):
        built.append(model)
        return SimpleNamespace(config=TrackerConfig())

    pool = TrackerPool(loader)
    tracker = pool.get("student", ModelSettings(distractor_memory=True))
    assert tracker.config.distractor_gate == DISTRACTOR_GATE
    assert pool.get("student", ModelSettings()).config.distractor_gate == 0.0  # same tracker, switched off
    assert built == ["student"]
    choice = pool.choice("teacher", ModelSettings(distractor_memory=True))
    assert choice.distractor_memory  # what the tracking process builds


def test_a_choice_with_the_memory_builds_a_tracker_that_keeps_it():
    from core.trackers import TrackerChoice, build_tracker

    tracker = build_tracker(TrackerChoice("student", allow_random=True, threads=1, engine="torch",
                                          distractor_memory=True))
    assert tracker.config.distractor_gate == DISTRACTOR_GATE
    plain = build_tracker(TrackerChoice("student", allow_random=True, threads=1, engine="torch"))
    assert plain.config.distractor_gate == 0.0


def test_the_online_filter_setting_reaches_dialog_pool_and_tracking_process(qtbot):
    from app.dialogs.settings_dialog import SettingsDialog
    from app.jobs import TrackerPool
    from core.trackers import TrackerChoice, build_tracker

    dialog = SettingsDialog(ModelSettings())
    qtbot.addWidget(dialog)
    assert dialog.online_filter.isChecked() and dialog.values().online_filter  # on by default
    dialog.online_filter.setChecked(False)
    assert not dialog.values().online_filter

    pool = TrackerPool(lambda *args: SimpleNamespace(config=TrackerConfig()))
    assert pool.get("student", ModelSettings(online_filter=False)).config.online_filter_weight == 0.0
    assert pool.get("student", ModelSettings()).config.online_filter_weight == TrackerConfig().online_filter_weight > 0
    assert not pool.choice("student", ModelSettings(online_filter=False)).online_filter

    off = build_tracker(TrackerChoice("student", allow_random=True, threads=1, engine="torch", online_filter=False))
    assert off.config.online_filter_weight == 0.0
    both = build_tracker(TrackerChoice("student", allow_random=True, threads=1, engine="torch",
                                       distractor_memory=True, online_filter=False))
    assert both.config.online_filter_weight == 0.0 and both.config.distractor_gate == DISTRACTOR_GATE


def test_the_online_filter_setting_is_remembered():
    from app.settings import StudioSettings

    assert StudioSettings.load().models.online_filter  # a new user gets it on
    settings = StudioSettings.load()
    settings.models = ModelSettings(online_filter=False)
    settings.save()
    assert not StudioSettings.load().models.online_filter


def test_the_streams_setting_reaches_dialog_pool_and_tracking_process(qtbot):
    from app.dialogs.settings_dialog import SettingsDialog
    from app.jobs import TrackerPool
    from core.trackers import TrackerChoice, build_tracker

    dialog = SettingsDialog(ModelSettings())
    qtbot.addWidget(dialog)
    assert dialog.values().streams == "auto"  # both, thermal alone while visible is blind, by default
    dialog.streams.setCurrentIndex(dialog.streams.findData("thermal"))
    assert dialog.values().streams == "thermal"
    again = SettingsDialog(dialog.values())
    qtbot.addWidget(again)
    assert again.streams.currentData() == "thermal"
    assert [dialog.streams.itemData(i) for i in range(dialog.streams.count())] == ["auto", "both", "thermal",
                                                                                  "visible"]
    dialog.streams.setCurrentIndex(dialog.streams.findData("both"))
    assert dialog.values().streams == "both"

    pool = TrackerPool(lambda *args: SimpleNamespace(config=TrackerConfig()))
    assert pool.get("student", ModelSettings(streams="thermal")).config.streams == "thermal"
    assert pool.get("student", ModelSettings()).config.streams == "auto"  # same tracker, switched back
    assert pool.choice("teacher", ModelSettings(streams="visible")).streams == "visible"
    assert pool.get("teacher", ModelSettings(streams="both")).config.streams == "both"
    alone = build_tracker(TrackerChoice("student", allow_random=True, threads=1, engine="torch", streams="thermal"))
    assert alone.config.streams == "thermal"


def test_the_streams_setting_is_remembered_and_a_bad_value_falls_back():
    from app.settings import StudioSettings

    assert StudioSettings.load().models.streams == "auto"
    settings = StudioSettings.load()
    settings.models = ModelSettings(streams="thermal")
    settings.save()
    assert StudioSettings.load().models.streams == "thermal"
    settings.models = ModelSettings(streams="both")
    settings.save()
    assert StudioSettings.load().models.streams == "both"
    StudioSettings.qsettings().setValue("models/streams", "infrared")
    assert StudioSettings.load().models.streams == "auto"


def test_the_hold_setting_reaches_dialog_pool_and_tracking_process_and_is_remembered(qtbot):
    from app.dialogs.settings_dialog import SettingsDialog
    from app.jobs import TrackerPool
    from app.settings import StudioSettings
    from core.trackers import TrackerChoice, build_tracker
    from core.tracking.tracker_config import HOLD_THRESHOLD

    dialog = SettingsDialog(ModelSettings())
    qtbot.addWidget(dialog)
    assert not dialog.hold_when_lost.isChecked() and not dialog.values().hold_when_lost  # off by default
    dialog.hold_when_lost.setChecked(True)
    assert dialog.values().hold_when_lost
    again = SettingsDialog(dialog.values())
    qtbot.addWidget(again)
    assert again.hold_when_lost.isChecked()

    pool = TrackerPool(lambda *args: SimpleNamespace(config=TrackerConfig()))
    held = pool.get("student", ModelSettings(hold_when_lost=True)).config
    assert held.hold_when_lost and held.lost_threshold == HOLD_THRESHOLD
    plain = pool.get("student", ModelSettings()).config  # same tracker, switched off
    assert not plain.hold_when_lost and plain.lost_threshold == 0.0
    assert pool.choice("teacher", ModelSettings(hold_when_lost=True)).hold_when_lost
    built = build_tracker(TrackerChoice("student", allow_random=True, threads=1, engine="torch", hold_when_lost=True))
    assert built.config.hold_when_lost and built.config.lost_threshold == HOLD_THRESHOLD

    assert not StudioSettings.load().models.hold_when_lost
    settings = StudioSettings.load()
    settings.models = ModelSettings(hold_when_lost=True)
    settings.save()
    assert StudioSettings.load().models.hold_when_lost


def test_the_status_bar_says_when_the_network_is_fed_one_stream_alone(window, pair_files, synthetic, tmp_path):
    import dataclasses

    window.settings.models = dataclasses.replace(window.settings.models, tracker="student", streams="thermal",
                                                 allow_random=True)
    window.open_pair(*pair_files, store=str(tmp_path / "s.rgbt.sqlite"))
    window.views.box_drawn.emit("visible", synthetic.boxes[0])
    window.actions["track"].trigger()
    assert window.job_status.engine_label.text().endswith(", thermal stream alone")
    window.settings.models = dataclasses.replace(window.settings.models, streams="both")
    window.goto(0)
    window.actions["track"].trigger()
    assert "stream alone" not in window.job_status.engine_label.text()


def test_the_pair_correlation_setting_reaches_dialog_pool_and_tracking_process_and_is_remembered(qtbot):
    """The studio's "Check size and position by correlation on RGB-T pairs" switch (as ``track
    --pair-correlation``): its default is the ``TrackerConfig`` default, the other choice reaches the
    cached trackers, the tracking process's choice and the settings file."""
    from app.dialogs.settings_dialog import SettingsDialog
    from app.jobs import TrackerPool
    from app.settings import StudioSettings
    from core.trackers import TrackerChoice, build_tracker
    from core.tracking.tracker_config import PAIR_CORRELATION, PAIR_CORRELATION_WEIGHT

    default = PAIR_CORRELATION > 0
    dialog = SettingsDialog(ModelSettings())
    qtbot.addWidget(dialog)
    assert dialog.pair_correlation.isChecked() == default == dialog.values().pair_correlation
    tip = dialog.pair_correlation.toolTip()
    assert "visible + thermal pair only" in tip and "speed" in tip
    dialog.pair_correlation.setChecked(not default)
    assert dialog.values().pair_correlation == (not default)
    again = SettingsDialog(dialog.values())
    qtbot.addWidget(again)
    assert again.pair_correlation.isChecked() == (not default)

    pool = TrackerPool(lambda *args: SimpleNamespace(config=TrackerConfig()))
    assert pool.get("student", ModelSettings(pair_correlation=False)).config.pair_correlation == 0.0
    assert pool.get("student", ModelSettings(pair_correlation=True)).config.pair_correlation == PAIR_CORRELATION_WEIGHT
    assert pool.get("student", ModelSettings()).config.pair_correlation == TrackerConfig().pair_correlation
    assert pool.choice("teacher", ModelSettings(pair_correlation=not default)).pair_correlation == (not default)
    for on in (True, False):
        built = build_tracker(TrackerChoice("student", allow_random=True, threads=1, engine="torch",
                                            pair_correlation=on))
        assert built.config.pair_correlation == (PAIR_CORRELATION_WEIGHT if on else 0.0)

    assert StudioSettings.load().models.pair_correlation == default  # a new user gets the config's default
    settings = StudioSettings.load()
    settings.models = ModelSettings(pair_correlation=not default)
    settings.save()
    assert StudioSettings.load().models.pair_correlation == (not default)
    StudioSettings.qsettings().setValue("models/pair_correlation", "maybe")
    assert StudioSettings.load().models.pair_correlation == default


@pytest.mark.parametrize("setting,field,on_value,off_value,tip", [
    # "Keep the drawn box's shape on RGB-T pairs" (as ``track --pair-shape``): off is the single-modality bound
    ("pair_shape", "pair_max_aspect_change", PAIR_MAX_ASPECT_CHANGE, MAX_ASPECT_CHANGE, "visible + thermal pair only"),
    # "Place the box on the drawn target's pixels" (as ``track --pixel-match``): off reports the network's centre
    ("pixel_match", "pixel_match", PIXEL_MATCH_WEIGHT, 0.0, "pixels of the box you drew"),
])
def test_an_on_by_default_switch_reaches_dialog_pool_and_tracking_process_and_is_remembered(
        qtbot, setting, field, on_value, off_value, tip):
    """The studio's loop switches that are on by default: off reaches the cached trackers' config
    (``field``), the tracking process's choice and the settings file; an unreadable stored value
    falls back to on."""
    from app.dialogs.settings_dialog import SettingsDialog
    from app.jobs import TrackerPool
    from app.settings import StudioSettings
    from core.trackers import TrackerChoice, build_tracker

    dialog = SettingsDialog(ModelSettings())
    qtbot.addWidget(dialog)
    box = getattr(dialog, setting)
    assert box.isChecked() and getattr(dialog.values(), setting)
    assert tip in box.toolTip()
    box.setChecked(False)
    assert getattr(dialog.values(), setting) is False
    again = SettingsDialog(dialog.values())
    qtbot.addWidget(again)
    assert not getattr(again, setting).isChecked()

    pool = TrackerPool(lambda *args: SimpleNamespace(config=TrackerConfig()))
    assert getattr(pool.get("student", ModelSettings(**{setting: False})).config, field) == off_value
    assert getattr(pool.get("student", ModelSettings()).config, field) == on_value
    assert getattr(pool.choice("teacher", ModelSettings(**{setting: False})), setting) is False
    for on in (True, False):
        built = build_tracker(TrackerChoice("student", allow_random=True, threads=1, engine="torch", **{setting: on}))
        assert getattr(built.config, field) == (on_value if on else off_value)

    assert getattr(StudioSettings.load().models, setting) is True
    settings = StudioSettings.load()
    settings.models = ModelSettings(**{setting: False})
    settings.save()
    assert getattr(StudioSettings.load().models, setting) is False
    StudioSettings.qsettings().setValue(f"models/{setting}", "maybe")
    assert getattr(StudioSettings.load().models, setting) is True
