"""An earlier export opened in the studio keeps its project (``*.rgbt.sqlite``, the annotations made on it)
beside its frames; exporting over that folder replaced it as a whole and deleted the project (the studio
named it in its question, the command line said nothing). Every export now refuses a folder that holds a
studio project, at the start and again just before the folder is replaced: the project is never lost."""
from __future__ import annotations

import pytest

from core.annotations.formats.annotation_export import export_annotation_files
from core.annotations.formats.export import export_got10k, export_lasot, export_rgbt_native
from core.annotations.store import AnnotationStore
from core.errors import ExportError
from core.progress import run_to_end
from tests.core.annotations.test_formats import TinySequence, _records

EXPORTS = {
    "lasher": lambda seq, out: export_rgbt_native(seq, _records(), out),
    "got10k": lambda seq, out: export_got10k(seq, _records(), out),
    "lasot": lambda seq, out: export_lasot(seq, _records(), out),
    "files": lambda seq, out: export_annotation_files(seq, _records(), out, target="lasher"),
}


def _earlier_export_with_project(kind: str, out, where: str = ""):
    """An earlier ``kind`` export in ``out``, then a project made in it (in its sub-folder ``where``)."""
    run_to_end(EXPORTS[kind](TinySequence(), out))
    project = out / where / "seq.rgbt.sqlite"
    AnnotationStore.open(project).close()
    return project


@pytest.mark.parametrize("kind", list(EXPORTS))
def test_an_export_folder_holding_a_project_is_refused_and_kept(kind, tmp_path):
    out = tmp_path / "out"
    project = _earlier_export_with_project(kind, out)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    with pytest.raises(ExportError) as caught:
        run_to_end(EXPORTS[kind](TinySequence(), out))
    assert caught.value.path == out
    assert "holds the studio project seq.rgbt.sqlite" in str(caught.value), str(caught.value)
    assert project.is_file() and sorted(p.relative_to(out) for p in out.rglob("*")) == before


def test_a_project_in_a_sub_folder_of_the_export_is_found(tmp_path):
    """A GOT-10k export's sequence folder opened in the studio keeps its project in that sub-folder."""
    out = tmp_path / "out"
    project = _earlier_export_with_project("got10k", out, where=TinySequence().info.name)
    with pytest.raises(ExportError, match="holds the studio project"):
        run_to_end(EXPORTS["got10k"](TinySequence(), out))
    assert project.is_file()


def test_a_project_made_while_the_export_runs_is_kept(tmp_path):
    """The folder was checked as the export started; a project made in it meanwhile (the earlier export
    opened in the studio while the new one wrote its frames) is found before the folder is replaced."""
    out = tmp_path / "out"
    run_to_end(EXPORTS["lasher"](TinySequence(), out))
    job = EXPORTS["lasher"](TinySequence(), out)
    next(job)
    project = out / "seq.rgbt.sqlite"
    AnnotationStore.open(project).close()
    with pytest.raises(ExportError, match="holds the studio project"):
        run_to_end(job)
    assert project.is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left
