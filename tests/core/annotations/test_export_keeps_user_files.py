"""An export replaces its folder as a whole; a file of the user's in an earlier export's folder (a
tracker's results, notes) is never deleted with it: the export is refused, naming the file.

Found by h10 (2026-12-07): TNO tree exported to LasHeR, then results/mytracker.txt and notes.md put
in the export folder, then exported again (the studio asks only 'Replace the earlier export?'):
both files were gone, unsaid. The same for GTOT, GOT-10k, LaSOT and the annotation-files export."""
from __future__ import annotations

import pytest

from core.annotations.formats import exporter
from core.annotations.formats.annotation_export import export_annotation_files
from core.annotations.records import FrameAnnotation
from core.errors import ExportError
from core.progress import run_to_end
from tests.core.annotations.test_formats import TinySequence

RECORDS = {0: FrameAnnotation(0, [5, 5, 10, 10])}
EXPORTS = [pytest.param(lambda seq, out, fmt=fmt: exporter(fmt)(seq, RECORDS, out), id=fmt)
           for fmt in ("lasher", "rgbt234", "gtot", "got10k", "lasot")]
EXPORTS += [pytest.param(lambda seq, out, t=t: export_annotation_files(seq, RECORDS, out, target=t), id=f"files-{t}")
            for t in ("lasher", "gtot", "vot", "xywh")]


@pytest.mark.parametrize("export", EXPORTS)
def test_an_export_again_replaces_its_own_files_only(tmp_path, export):
    out = tmp_path / "out"
    run_to_end(export(TinySequence(), out))
    run_to_end(export(TinySequence(), out))  # everything an export writes is its own: an export again replaces it
    (out / "results").mkdir()
    (out / "results" / "mytracker.txt").write_text("1,2,3,4\n")
    (out / "notes.md").write_text("my notes")
    with pytest.raises(ExportError, match=r"holds 2 files an export does not write \(notes.md, results/mytracker.txt\)"):
        run_to_end(export(TinySequence(), out))
    assert (out / "results" / "mytracker.txt").read_text() == "1,2,3,4\n" and (out / "notes.md").is_file()


def test_a_file_put_in_while_the_frames_are_written_is_kept(tmp_path):
    out = tmp_path / "out"
    run_to_end(exporter("lasher")(TinySequence(), RECORDS, out))
    job = exporter("lasher")(TinySequence(), RECORDS, out)
    next(job)
    next(job)  # the first frame written into the temporary folder
    (out / "visible" / "notes.txt").write_text("mine")
    with pytest.raises(ExportError, match="visible/notes.txt"):
        for _ in job:
            pass
    assert (out / "visible" / "notes.txt").read_text() == "mine"


def test_a_project_s_lock_file_left_behind_does_not_stop_an_export(tmp_path):
    out = tmp_path / "out"
    run_to_end(exporter("got10k")(TinySequence(), RECORDS, out))
    (out / "tiny`seq" / ".tiny`seq.rgbt.sqlite.lock").write_text("")  # the project moved out, its lock file not
    (out / ".DS_Store").write_bytes(b"\0")
    run_to_end(exporter("got10k")(TinySequence(), RECORDS, out))
