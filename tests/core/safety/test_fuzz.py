"""Hypothesis fuzz (issue 13): arbitrary annotation rows in a store, arbitrary --init text.

A store row written by anything (another tool, a bad migration) either reads back as a
valid record or raises StoreError naming the file; ``track --init TEXT`` either tracks
or exits 2 with one error line: never a traceback.
"""
from __future__ import annotations

import math
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.annotations.store import AnnotationStore, StoreError

from .conftest import run_cli

values = st.one_of(st.none(), st.integers(-2**63, 2**63 - 1), st.floats(allow_nan=True, allow_infinity=True),
                   st.text(max_size=8), st.binary(max_size=8))
rows = st.tuples(st.integers(-10, 10**6), values, values, values, values, values, values, values, values,
                 st.one_of(st.integers(-3, 3), values), st.one_of(st.integers(0, 1), values),
                 st.one_of(st.sampled_from(["manual", "student", "teacher", "imported", "interpolated"]), values),
                 st.one_of(st.floats(0, 1), values), st.one_of(st.integers(0, 1), values))


NOT_NULL = {9: 0, 10: 0, 11: "manual", 13: 0}  # columns the schema declares NOT NULL


def _null(value) -> bool:
    """What SQLite stores as NULL (None, and NaN)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(rows, min_size=1, max_size=5, unique_by=lambda r: r[0]))
def test_any_annotation_row_reads_back_or_names_the_file(tmp_path_factory, batch):
    path = tmp_path_factory.mktemp("fuzz") / "s.rgbt.sqlite"
    AnnotationStore.open(path).close()
    raw = sqlite3.connect(path)
    raw.executemany("INSERT INTO annotations (frame, x, y, w, h, tx, ty, tw, th, absent, occluded, provenance, "
                    "confidence, keyframe) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [tuple(NOT_NULL.get(i, v) if _null(v) else v for i, v in enumerate(r)) for r in batch])
    raw.commit()
    raw.close()
    with AnnotationStore.open(path) as store:
        try:
            records = store.records()
        except StoreError as error:
            assert str(path) in str(error)
            return
    for frame, record in records.items():
        assert frame >= 0
        if record.box is not None:
            assert all(math.isfinite(v) for v in record.box) and record.box[2] > 0 and record.box[3] > 0


box_text = st.one_of(
    st.text(max_size=30),
    st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**9, 10**9)),
             min_size=0, max_size=6).map(lambda v: ",".join(str(x) for x in v)),
)


@pytest.fixture(scope="module")
def fuzz_sequence(tmp_path_factory, pristine_sequence):
    return pristine_sequence


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=box_text)
def test_any_init_text_tracks_or_gives_one_clear_line(tmp_path_factory, fuzz_sequence, text):
    if text.startswith("-") and not text[1:2].isdigit() and not text.startswith("-."):
        text = " " + text  # an option-looking value is argparse's business; keep it a value
    out = tmp_path_factory.mktemp("fuzz") / "b.txt"
    outcome = run_cli(["track", fuzz_sequence, "--init", text, "--out", out, "--tracker", "kcf"])
    assert outcome.traceback is None, outcome.traceback
    if outcome.code == 0:
        assert len(out.read_text().splitlines()) == 8
    else:
        assert outcome.code == 2 and len(outcome.error_lines) == 1, outcome
        assert not out.exists()
