"""export-distill: the store of another sequence, a store recorded under another name or another
frame offset, a sequence folder given twice, and a file that would hold no training sample."""

from __future__ import annotations

from pathlib import Path

from core.cli import main
from tests.core.cli_lines import one_error_line as _one_error_line


def _studio_store_of(folder: Path, frames: int) -> Path:
    """The annotated sequence of ``tests/core/safety`` with the meta the studio writes on opening."""
    from core.annotations.store import AnnotationStore
    from tests.core.safety.conftest import make_sequence

    make_sequence(folder, frames=frames)
    store = folder / f"{folder.name}.rgbt.sqlite"
    with AnnotationStore.open(store) as opened:
        opened.set_meta("sequence_name", folder.name)
        opened.set_meta("num_frames", frames)
    return store



def test_export_distill_refuses_the_store_of_another_sequence(tmp_path, capsys):
    """``export-distill B --store A/A.rgbt.sqlite`` wrote A's boxes as training labels on B's frames
    without a word."""
    store = _studio_store_of(tmp_path / "a", 8)
    other = tmp_path / "b"
    from tests.core.safety.conftest import make_sequence

    make_sequence(other, frames=6)
    out = tmp_path / "d.h5"
    code = main(["export-distill", str(other), "--store", str(store), "--out", str(out), "--random-weights"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line.startswith(f"error: {store}: is the project of a (8 frames), not of b (6 frames)"), line
    assert not out.exists()



def test_export_distill_notes_a_store_recorded_under_another_name(tmp_path, capsys):
    store = _studio_store_of(tmp_path / "a", 6)
    renamed = tmp_path / "renamed"
    store.rename(tmp_path / "a" / "renamed.rgbt.sqlite")
    (tmp_path / "a").rename(renamed)
    out = tmp_path / "d.h5"
    assert main(["export-distill", str(renamed), "--out", str(out), "--random-weights"]) == 0
    err = capsys.readouterr().err
    assert f"note: {renamed / 'renamed.rgbt.sqlite'} was made for a (6 frames); exporting it on renamed (6 frames)" in err
    assert out.is_file()



def test_export_distill_with_another_frame_offset_says_nothing_of_the_store(tmp_path, capsys):
    """Its own store, paired with another --frame-offset (fewer common frames), is no other sequence's."""
    store = _studio_store_of(tmp_path / "a", 8)
    out = tmp_path / "d.h5"
    assert main(["export-distill", str(store.parent), "--out", str(out), "--random-weights", "--frame-offset", "1"]) == 0
    assert "was made for" not in capsys.readouterr().err
    assert out.is_file()



def test_export_distill_takes_a_sequence_folder_given_twice(tmp_path, capsys):
    """``export-distill SEQ SEQ`` (as track takes it: 'or the same sequence folder again') was read as
    a visible and a thermal image folder: 'SEQ: folder holds no images'."""
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "seq", frames=6)
    out = tmp_path / "d.h5"
    assert main(["export-distill", str(seq), str(seq), "--out", str(out), "--random-weights"]) == 0, \
        capsys.readouterr().err
    assert out.is_file()



def test_export_distill_refuses_a_file_without_a_training_sample(tmp_path, capsys):
    """A store whose only checked frame is the first keyframe (the template) gave 'wrote FILE' and
    nothing more; distill --data then said the file 'holds no human-checked frame', though one was
    drawn. A note came next (then still a 0-sample file, status 0); it is now one error line
    before the teacher runs, and nothing is written."""
    from core.annotations.store import AnnotationStore
    from tests.core.safety.conftest import make_sequence

    seq = make_sequence(tmp_path / "seq", frames=4)
    store = seq / "seq.rgbt.sqlite"
    with AnnotationStore.open(store) as opened:
        opened.delete([1, 2, 3])  # the first keyframe alone
    out = tmp_path / "d.h5"
    code = main(["export-distill", str(seq), "--out", str(out), "--random-weights"])
    line = _one_error_line(capsys.readouterr().err)
    assert code == 2 and line.startswith(f"error: {store}: no training sample: samples are the frames after the "
                                         "first keyframe"), line
    assert line.endswith("nothing was written") and not out.exists()
