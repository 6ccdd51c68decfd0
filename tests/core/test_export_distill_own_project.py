"""export-distill on one video of a pair takes that video's own project, never the pair's.

A pair and one of its videos opened alone are named after their folder, so both default to
``<folder>/<folder>.rgbt.sqlite``; the studio keeps the lone video's project as
``<folder>-<video stem>.rgbt.sqlite`` (``core.annotations.project_paths.own_project_path``).
``export-distill walk/infrared.mp4`` without ``--store`` took the pair's project: its visible
boxes became training labels on the thermal video (off the target on a misaligned pair).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from core.annotations.records import FrameAnnotation, Provenance
from core.annotations.store import AnnotationStore
from core.cli import main
from tests.core.cli_lines import one_error_line


@pytest.fixture()
def walk(tmp_path) -> tuple[Path, Path, Path]:
    """(folder, visible.mp4, infrared.mp4) of a 12-frame synthetic pair, with the pair's project."""
    from core.progress import run_to_end
    from core.synthetic import SyntheticConfig, SyntheticSequence
    from core.synthetic.writers import write_video_pair

    folder = tmp_path / "walk"
    folder.mkdir()
    sequence = SyntheticSequence(SyntheticConfig(width=96, height=80, num_frames=12), seed=3)
    visible, thermal = run_to_end(write_video_pair(sequence, folder / "visible.mp4", folder / "infrared.mp4"))
    with AnnotationStore.open(folder / "walk.rgbt.sqlite") as store:
        store.set_meta("sources", [str(Path(visible).resolve()), str(Path(thermal).resolve())])
        store.set_meta("streams", [str(Path(visible).resolve()), str(Path(thermal).resolve())])
        store.set_meta("sequence_name", "walk")
        store.set_meta("num_frames", 12)
        store.put([FrameAnnotation(f, (10.0, 10.0, 20.0, 20.0), provenance=Provenance.MANUAL, keyframe=f == 0)
                   for f in range(12)])
    return folder, Path(visible), Path(thermal)


def test_a_video_of_a_pair_alone_does_not_take_the_pair_s_project(walk, tmp_path, capsys):
    folder, _visible, thermal = walk
    out = tmp_path / "d.h5"
    code = main(["export-distill", str(thermal), "--out", str(out), "--random-weights"])
    line = one_error_line(capsys.readouterr().err)
    own = folder / "walk-infrared.rgbt.sqlite"
    assert code == 2 and line.startswith(f"error: {own}: annotation store not found"), line
    assert not out.exists()


def test_the_pair_keeps_its_project(walk, tmp_path, capsys):
    folder, visible, thermal = walk
    out = tmp_path / "d.h5"
    assert main(["export-distill", str(visible), str(thermal), "--out", str(out), "--random-weights"]) == 0, \
        capsys.readouterr().err
    assert out.is_file()


def test_own_project_path_names_the_other_footage(walk):
    from core.annotations.project_paths import own_project_path
    from core.sequences.open_folder import open_sequence
    from core.sequences.open_pair import open_pair

    folder, visible, thermal = walk
    lone, pair = open_sequence(thermal), open_pair(visible, thermal)
    try:
        path, note = own_project_path(folder / "walk.rgbt.sqlite", [thermal], lone.info)
        assert path == folder / "walk-infrared.rgbt.sqlite"
        assert note.startswith(f"walk.rgbt.sqlite is the project of {visible.resolve()} + {thermal.resolve()}")
        assert own_project_path(folder / "walk.rgbt.sqlite", [visible, thermal], pair.info) == \
            (folder / "walk.rgbt.sqlite", "")
    finally:
        lone.close()
        pair.close()
