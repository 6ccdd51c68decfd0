"""A project whose meta entry is not valid JSON (edited outside the studio) still opens.

Meta entries are conveniences (the session's place, the footage's paths, ...), but one that did
not parse made ``store.meta()`` / ``get_meta`` raise, so the whole project could not be opened,
its boxes with it. The entry now reads as missing, the opening names it, and no box is lost.
"""
from __future__ import annotations

import sqlite3

import pytest

from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore


def _project(path, broken: dict[str, str]) -> None:
    with AnnotationStore.open(path) as store:
        store.put([FrameAnnotation(f, (1.0, 2.0, 3.0, 4.0), provenance=Provenance.MANUAL) for f in range(5)])
        store.set_meta("sequence_name", "walk")
        store.set_meta("studio_session", {"frame": 3})
        store.set_meta("frame_offset", 0)
    with sqlite3.connect(path) as connection:
        for key, text in broken.items():
            connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, text))
    connection.close()


def test_an_entry_that_is_not_json_reads_as_missing_and_is_named(tmp_path):
    path = tmp_path / "walk.rgbt.sqlite"
    _project(path, {"studio_session": "{frame: 3", "notes": "not json"})
    with AnnotationStore.open(path) as store:
        assert store.get_meta("studio_session", "default") == "default"
        assert store.get_meta("frame_offset") == 0
        assert store.meta() == {"frame_offset": 0, "sequence_name": "walk"}
        assert store.unreadable_meta == ("studio_session", "notes")
        store.set_meta("studio_session", {"frame": 1})  # written again: readable, no longer named
        assert store.get_meta("studio_session") == {"frame": 1} and store.unreadable_meta == ("notes",)
        assert len(store.records()) == 5


def test_a_project_with_such_an_entry_opens_with_its_boxes_and_says_which(tmp_path, synthetic):
    from app.project import OpenRequest, open_job
    from core.progress import run_to_end

    path = tmp_path / "walk.rgbt.sqlite"
    _project(path, {"studio_session": "{frame: 3", "sequence_name": ""})
    opened = run_to_end(open_job(OpenRequest("object", sequence=synthetic, store=str(path))))
    try:
        assert sorted(opened.contents.records) == [0, 1, 2, 3, 4]
        assert "'sequence_name', 'studio_session'" in opened.store_note and "walk.rgbt.sqlite" in opened.store_note
        assert "unreadable" in opened.store_note
        assert opened.store.get_meta("sequence_name") == synthetic.info.name  # written again by the opening
    finally:
        opened.store.close()


@pytest.mark.parametrize("offset, sources", [('"abc"', '["x.mp4", "y.mp4"]'), ("[1]", "5"), ("{}", '"x.mp4"')])
def test_entries_of_the_wrong_kind_read_as_missing_and_are_named(tmp_path, synthetic, offset, sources):
    """Valid JSON of no use to its reader: a frame offset that is no number stopped the opening
    with a ValueError; sources that are no list of paths were read one character a path."""
    from app.project import OpenRequest, check_offset_change, check_sources_change, open_job
    from core.annotations.project_paths import stored_offset, stored_sources
    from core.progress import run_to_end

    path = tmp_path / "walk.rgbt.sqlite"
    _project(path, {"frame_offset": offset, "sources": sources})
    with AnnotationStore.open(path) as store:
        if sources != '["x.mp4", "y.mp4"]':
            assert stored_sources(store) == []
        assert stored_offset(store) == 0
        check_offset_change(store, 0)  # ValueError: invalid literal for int() with base 10: 'abc'
        assert check_sources_change(store, [tmp_path / "a.mp4", tmp_path / "b.mp4"], 24, beside=False) == "" \
            or sources == '["x.mp4", "y.mp4"]'
    opened = run_to_end(open_job(OpenRequest("object", sequence=synthetic, store=str(path))))
    try:
        assert sorted(opened.contents.records) == [0, 1, 2, 3, 4]
        assert "'frame_offset'" in opened.store_note and "unreadable" in opened.store_note
        assert ("'sources'" in opened.store_note) == (sources != '["x.mp4", "y.mp4"]')
    finally:
        opened.store.close()


def test_a_project_file_whose_footage_entry_is_not_json_says_so(tmp_path):
    from app.project import OpenRequest, open_job
    from core.errors import SequenceError
    from core.progress import run_to_end

    path = tmp_path / "walk.rgbt.sqlite"
    _project(path, {"source_kind": '"pair"', "sources": '["a.mp4", "b.mp4"'})
    with pytest.raises(SequenceError) as caught:
        run_to_end(open_job(OpenRequest("project", store=str(path))))
    assert "names no video pair" in str(caught.value) and "'sources'" in str(caught.value)
    with AnnotationStore.open(path, read_only=True) as store:
        assert len(store.records()) == 5
