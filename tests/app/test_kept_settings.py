"""What the studio keeps across sessions in studio.ini: the views, the timeline's height, two studios at once."""
from __future__ import annotations


def test_colormap_blend_and_twin(window, pair_files, tmp_path):
    window.open_pair(*pair_files, store=str(tmp_path / "c.rgbt.sqlite"))
    window.set_colormap("gray")
    lut = window.views.thermal.image.lut
    assert lut is not None and tuple(lut[0]) == (0, 0, 0) and tuple(lut[-1]) == (255, 255, 255)
    assert window.views.thermal.image.levels is not None and list(window.views.thermal.image.levels) == [0, 255]
    window.actions["blend"].setChecked(True)
    assert window.views.visible.overlay.isVisible()
    window.actions["thermal_twin"].setChecked(False)
    assert not window.views.thermal_panel.isVisible()
    from app.settings import StudioSettings

    again = StudioSettings.load()
    assert again.colormap == "gray" and again.blend


def test_show_thermal_view_is_kept_like_blend(qtbot):
    """View > Show thermal view turned off came back on at the next start, while Blend, the
    colormap and Follow the target are kept."""
    from tests.app.conftest import new_window

    first = new_window(qtbot)
    first.actions["thermal_twin"].setChecked(False)
    assert first.views.thermal_panel.isHidden()
    first.close()
    second = new_window(qtbot)
    assert not second.actions["thermal_twin"].isChecked() and second.views.thermal_panel.isHidden()
    second.actions["thermal_twin"].setChecked(True)
    assert not second.views.thermal_panel.isHidden()
    second.close()


def test_two_studios_sharing_studio_ini_keep_each_others_changes(qtbot):
    """Two studio windows open at once (two projects), one studio.ini: Track rebound to G and
    the colormap set in the first, then the second closed last: its close wrote all of its
    settings, and the next start had T and inferno again. Each now writes only what it changed."""
    from app.settings import StudioSettings
    from tests.app.conftest import new_window

    first, second = new_window(qtbot), new_window(qtbot)
    first.settings.shortcuts = {"track": "G"}
    first.settings.save()
    first.set_colormap("gray")
    first.close()
    second.actions["blend"].setChecked(True)  # the second's own change is kept too
    second.close()
    kept = StudioSettings.load()
    assert kept.shortcuts == {"track": "G"} and kept.colormap == "gray" and kept.blend
    third = new_window(qtbot)  # a key put back to its default in one studio is removed from the file
    third.settings.shortcuts = {}
    third.settings.save()
    third.close()
    assert StudioSettings.load().shortcuts == {}


def test_the_timelines_height_is_kept_across_sessions(qtbot):
    """The timeline dragged taller (the splitter between the views and the timeline) came back
    at its default height at every start, while the window's size and place are kept."""
    from PySide6.QtWidgets import QSplitter

    from tests.app.conftest import new_window

    first = new_window(qtbot)
    splitter = first.findChild(QSplitter)
    total = sum(splitter.sizes())
    splitter.setSizes([total // 2, total - total // 2])
    timeline = splitter.sizes()[1]
    assert timeline > 150  # taller than the default
    first.close()
    second = new_window(qtbot)
    assert second.findChild(QSplitter).sizes()[1] == timeline
    second.close()


def test_two_studios_keep_both_projects_in_open_recent(qtbot):
    """Two studios open at once, each opening another project: the one saved last wrote its own
    File > Open recent list over the other's, and the other's project was gone from the menu."""
    from app.settings import Recent, StudioSettings
    from tests.app.conftest import new_window

    first, second = new_window(qtbot), new_window(qtbot)
    first.settings.add_recent(Recent("sequence", ("/data/walk-a",)))
    first.settings.save()
    second.settings.add_recent(Recent("sequence", ("/data/walk-b",)))
    second.settings.save()
    assert [r.paths for r in StudioSettings.load().recent] == [("/data/walk-b",), ("/data/walk-a",)]
    first.close()
    second.close()
    assert [r.paths for r in StudioSettings.load().recent] == [("/data/walk-b",), ("/data/walk-a",)]


def test_the_left_pane_title_says_thermal_is_blended_in(window, pair_files, tmp_path):
    """With View > Blend thermal over visible on, the left pane's title said "Visible" over a
    picture half thermal; it says the thermal frame is blended in, with which colormap, and
    stops saying it when the blend goes off (also across a reopen with the blend kept on)."""
    window.open_pair(*pair_files, store=str(tmp_path / "b.rgbt.sqlite"))
    title = window.views.visible_panel.title
    assert "blended" not in title.text()
    window.actions["blend"].setChecked(True)
    assert title.text().startswith("Visible + thermal blended (inferno, 50%)  frame 1:")
    window.set_colormap("gray")
    assert "thermal blended (gray, 50%)" in title.text()
    window.goto(3)
    assert "thermal blended" in title.text() and "frame 4:" in title.text()
    window.open_pair(*pair_files, store=str(tmp_path / "b.rgbt.sqlite"))
    assert "thermal blended (gray" in title.text()
    window.actions["blend"].setChecked(False)
    assert "blended" not in title.text() and title.text().startswith("Visible  frame")


def test_the_blend_title_on_visible_only_footage_names_the_luminance(window, tmp_path):
    """On a visible-only sequence the right pane (and so the blended layer) is the visible luminance:
    the blend's title said "thermal blended" beside "No thermal stream (visible luminance)"."""
    from tests.app.test_trackers_and_views import _folder

    folder = tmp_path / "colour-seq"
    _folder(folder, 4, colour=True)
    window.open_sequence(folder, store=str(tmp_path / "v.rgbt.sqlite"))
    window.actions["blend"].setChecked(True)
    title = window.views.visible_panel.title.text()
    assert title.startswith("Visible + visible luminance blended (inferno, 50%)") and "thermal" not in title
