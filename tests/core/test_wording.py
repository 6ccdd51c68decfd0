"""core.wording: counts and the verbs that agree with them, as messages write them."""
from __future__ import annotations

import pytest

from core.wording import plural, verb


@pytest.mark.parametrize("count, word, many, expected", [
    (1, "frame", None, "1 frame"),
    (0, "frame", None, "0 frames"),
    (3, "frame", None, "3 frames"),
    (1, "box", "boxes", "1 box"),
    (2, "box", "boxes", "2 boxes"),
])
def test_plural(count, word, many, expected):
    assert plural(count, word, many) == expected


@pytest.mark.parametrize("count, one, many, expected", [
    (1, "has", "have", "has"),
    (0, "has", "have", "have"),
    (2, "is", "are", "are"),
    (1, "touches", "touch", "touches"),
    (5, "touches", "touch", "touch"),
])
def test_verb_agrees_with_the_count(count, one, many, expected):
    assert verb(count, one, many) == expected


@pytest.mark.parametrize("count, expected", [
    (1, "1 frame has no annotation and is written as absent"),
    (0, "0 frames have no annotation and are written as absent"),
    (3, "3 frames have no annotation and are written as absent"),
])
def test_verb_reads_with_plural(count, expected):
    text = f"{plural(count, 'frame')} {verb(count, 'has', 'have')} no annotation and {verb(count, 'is', 'are')} written as absent"
    assert text == expected
