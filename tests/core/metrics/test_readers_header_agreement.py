"""eval (``core.metrics.readers.read_box_rows``) reads a box file as the studio does
(``core.annotations.formats.text.parse_boxes``, used by the ground-truth reader and the box
import): a header naming corners or centres converts the rows, ``,,,`` / ``NA`` rows are absent
(NaN), a quoted header (R's ``write.csv``) is a header. Before, eval read corners under an
``x1,y1,x2,y2`` header as x, y, w, h and refused ``,,,`` rows, so a file the studio showed right
was scored wrong, or not at all."""
from __future__ import annotations

import numpy as np
import pytest

from core.annotations.formats.decoding import read_text
from core.annotations.formats.text import parse_boxes
from core.metrics.readers import read_box_rows

CASES = {
    "corners header": "x1,y1,x2,y2\n10,20,40,60\n11,20,41,60\n",
    "xmin header": "xmin,ymin,xmax,ymax\n10,20,40,60\n",
    "centres header": "cx,cy,w,h\n25,40,30,40\n",
    "pandas NaN row": "x,y,w,h\n10,20,30,40\n,,,\n11,20,30,40\n",
    "R NA row, quoted header": '"x","y","w","h"\n10,20,30,40\nNA,NA,NA,NA\n',
}


@pytest.mark.parametrize("text", CASES.values(), ids=list(CASES))
def test_eval_reads_a_header_file_as_the_studio_does(tmp_path, text):
    path = tmp_path / "groundtruth.txt"
    path.write_text(text)
    studio = parse_boxes(read_text(path), path)
    np.testing.assert_array_equal(read_box_rows(path), studio)


def test_corner_rows_are_scored_as_boxes(tmp_path):
    path = tmp_path / "groundtruth.txt"
    path.write_text("x1,y1,x2,y2\n10,20,40,60\n")
    np.testing.assert_array_equal(read_box_rows(path), [[10, 20, 30, 40]])
