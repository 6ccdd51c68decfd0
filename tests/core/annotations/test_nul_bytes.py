"""Box files with NUL bytes: UTF-16 text without a byte-order mark (Python's ``utf-16-le``,
.NET's ``Encoding.Unicode.GetBytes``) was read as UTF-8 and refused as "line 1: not a number in
'x\\x00,\\x00y...'", and a file padded with NULs by a crash said the same of its NULs. UTF-16
without a BOM is read now; NUL padding is named for what it is."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.formats.box_import import read_box_file
from core.annotations.formats.text import read_boxes
from core.errors import AnnotationFormatError


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark(tmp_path, encoding):
    path = tmp_path / "labels.txt"
    path.write_bytes("x,y,w,h\r\n10,20,30,40\r\n11,20,30,40\r\n".encode(encoding))
    np.testing.assert_array_equal(read_boxes(path), [[10, 20, 30, 40], [11, 20, 30, 40]])
    assert read_box_file(path, 5).records[1].box.tolist() == [11, 20, 30, 40]


def test_a_file_padded_with_nul_bytes_is_named_so(tmp_path):
    path = tmp_path / "groundtruth.txt"
    path.write_bytes(b"10,20,30,40\n11,20,30,40\n" + b"\x00" * 4096)
    with pytest.raises(AnnotationFormatError, match=r"line 3: holds NUL bytes, no text: a file cut short") as error:
        read_boxes(path)
    assert "\x00" not in str(error.value)
