"""``core.fileio.read_json_object``: the one reader of small JSON files (configs, the split,
pseudo-labels), one clear line per problem."""
from __future__ import annotations

import pytest

from core.errors import ConfigError
from core.fileio import read_json_object


@pytest.mark.parametrize("content, problem", [
    (None, r"split file not found \(hint\)"),
    (b"{oops", r"not a readable JSON split file \("),
    (b"\xff\xfe\x00", r"not a readable JSON split file \("),
    (b"[1, 2]", "split file must be a JSON object"),
])
def test_each_problem_is_one_line_naming_the_file(tmp_path, content, problem):
    path = tmp_path / "split.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ConfigError, match=problem) as caught:
        read_json_object(path, "split file", " (hint)")
    message = str(caught.value)
    assert str(path) in message and "\n" not in message


def test_an_object_is_returned_as_read(tmp_path):
    path = tmp_path / "c.json"
    path.write_text('{"a": {"b": [1, 2]}}', encoding="utf-8")
    assert read_json_object(path, "config file") == {"a": {"b": [1, 2]}}
