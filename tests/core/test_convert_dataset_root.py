"""convert given the folder a GOT-10k or LaSOT export wrote (the dataset's root: list.txt and one
folder per modality) names the sequence folders in it to give instead.

Found by h10 (2026-12-07): ``convert OUT/got10k X --to lasher`` on the studio's GOT-10k export of
TNO nato_camp said only 'no ground-truth file found in the folder', though the export's folder is
what the user chose and saw."""
from __future__ import annotations

import pytest

from core.annotations.formats import exporter
from core.annotations.records import FrameAnnotation
from core.cli import main
from core.progress import run_to_end
from tests.core.annotations.test_formats import TinySequence
from tests.core.cli_lines import one_error_line


@pytest.mark.parametrize("fmt", ["got10k", "lasot"])
def test_convert_of_an_export_s_root_names_its_sequence_folders(tmp_path, capsys, fmt):
    run_to_end(exporter(fmt)(TinySequence(), {0: FrameAnnotation(0, [5, 5, 10, 10])}, tmp_path / "out"))
    assert main(["convert", str(tmp_path / "out"), str(tmp_path / "c"), "--to", "lasher"]) != 0
    line = one_error_line(capsys.readouterr().err)
    assert "no ground-truth file found in the folder; it holds the sequence folders tiny`seq, tiny`seq-thermal" in line
    assert line.endswith("give one of them as SRC")
    assert not (tmp_path / "c").exists()


def test_an_empty_folder_says_only_that_it_has_no_ground_truth(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["convert", str(tmp_path / "empty"), str(tmp_path / "c"), "--to", "lasher"]) != 0
    assert one_error_line(capsys.readouterr().err).endswith("no ground-truth file found in the folder")
