"""File > Open recent named a lone video by its file: Anti-UAV's six thermal-only sequences, each a
thermal.avi in its own folder, read "thermal.avi (in /.../antiuav-35)", "thermal.avi (in /.../antiuav-9)",
..., while the window's title, the exports and the project call each "antiuav-35" (found under Xvfb)."""
from __future__ import annotations


def test_a_video_named_by_its_modality_is_listed_by_the_name_the_studio_gives_it(window, tmp_path):
    from app.menus import fill_recent_menu
    from app.settings import Recent

    videos = []
    for name, file in (("antiuav-35", "thermal.avi"), ("antiuav-9", "thermal.avi"), ("clips", "walk.mp4")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / file).write_bytes(b"")
        videos.append(folder / file)
        window.settings.add_recent(Recent("sequence", (str(folder / file),)))
    fill_recent_menu(window)
    assert [a.text() for a in window.recent_menu.actions()] == [
        "walk.mp4", "antiuav-9 (thermal.avi)", "antiuav-35 (thermal.avi)"]
