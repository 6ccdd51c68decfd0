"""Which folder an export may replace. An export replaces its target folder as a whole
(``core.fileio.atomic_directory``), so before it starts (:func:`check_export_target`) and again
just before the rename (:func:`refuse_losses`) it refuses (ExportError) a folder that is or holds
the sequence's own sources, holds a studio project (:func:`refuse_projects`) or a file no export
writes (:func:`refuse_foreign_files`), or is an existing non-empty folder without
``EXPORT_MARKER`` (not an earlier export)."""
from __future__ import annotations

from pathlib import Path

from core.errors import ExportError
from core.fileio import safe_component
from core.sequences.declared import EXPORT_MARKER
from core.wording import plural


def files_under(folder: Path) -> list[Path] | None:
    """Every file (or link) anywhere under ``folder``, walked once for both checks below (an export
    folder of 40,000 frames holds some 80,000 files, and each check walked it apart); None when it is
    no folder or cannot be listed."""
    try:
        return [p for p in folder.rglob("*") if p.is_file() or p.is_symlink()] if folder.is_dir() else None
    except OSError:
        return None


def projects_in(folder: Path, files: list[Path] | None = None) -> list[Path]:
    """The studio projects (``*.rgbt.sqlite`` files) anywhere under ``folder``, sorted; [] when
    it is no folder or cannot be listed. An earlier export opened in the studio keeps its
    project beside its frames (in a sub-folder for GOT-10k and LaSOT). ``files``: the folder's
    :func:`files_under`, when walked already."""
    from core.annotations.store import STORE_SUFFIX

    files = files_under(folder) if files is None else files
    return sorted(p for p in files or () if p.name.endswith(STORE_SUFFIX) and p.is_file())


def refuse_projects(out_dir: Path, files: list[Path] | None = None) -> None:
    """ExportError when ``out_dir`` holds a studio project (:func:`projects_in`): replacing the
    folder as a whole would delete it with the annotations made on it. Called as an export
    starts and again just before its folder replaces ``out_dir``."""
    found = projects_in(out_dir, files)
    if not found:
        return
    names = ", ".join(p.relative_to(out_dir).as_posix() for p in found[:3])
    names += f" and {len(found) - 3} more" if len(found) > 3 else ""
    raise ExportError(out_dir, f"holds the studio project {names} (the annotations made on this export); the "
                               "export replaces the whole folder, which would delete it: choose another folder, "
                               "or move the project out of it first")


#: the folders an export writes its frames into (``.jpg``): the RGB-T layouts' modality folders, and LaSOT's
#: ``img/`` inside a modality folder (GOT-10k's frames lie in the modality folder itself)
_FRAME_FOLDERS = frozenset({"visible", "infrared", "v", "i"})
#: files the system or a file browser leaves in any folder: nothing of the user's is lost with them
_SYSTEM_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", ".directory"})


def foreign_files(out_dir: Path, files: list[Path] | None = None) -> list[Path]:
    """The files under ``out_dir`` (relative paths, sorted) that no export of this module writes:
    what replacing the folder as a whole would delete besides an earlier export (a tracker's
    results or notes the user put in the export folder). An export writes the
    ``EXPORT_MARKER``, ``list.txt``, the ground-truth and label files (``GT_FILE_NAMES``) at the
    top or in a modality folder, ``.jpg`` frames in a modality folder (or its ``img/``), and the
    plain-text export's ``<name>.txt`` / ``<name>-thermal.txt`` (the name the marker's first line
    gives). [] when ``out_dir`` is no folder or cannot be listed. ``files``: its :func:`files_under`,
    when walked already."""
    from core.annotations.formats.gt_files import GT_FILE_NAMES
    from core.annotations.store import STORE_SUFFIX

    known = {EXPORT_MARKER, "list.txt", *GT_FILE_NAMES}
    try:
        marker = (out_dir / EXPORT_MARKER).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        marker = []
    if marker and marker[0].strip():
        name = safe_component(marker[0].strip())
        known |= {f"{name}.txt", f"{name}-thermal.txt"}
    files = files_under(out_dir) if files is None else files
    files = [p.relative_to(out_dir) for p in files or ()]

    def written(relative: Path) -> bool:
        parts, name = relative.parts, relative.name
        if name in _SYSTEM_FILES or (name.startswith(".") and name.endswith(f"{STORE_SUFFIX}.lock")):
            return True  # a project's lock file stays behind when the project is moved out: it holds nothing
        if name.lower().endswith(".jpg"):
            return len(parts) == 2 or (len(parts) == 3 and parts[1] == "img")
        return len(parts) <= 2 and name in known
    return sorted(p for p in files if not written(p))


def refuse_foreign_files(out_dir: Path, files: list[Path] | None = None) -> None:
    """ExportError when ``out_dir`` holds files an export does not write (:func:`foreign_files`):
    the export replaces the folder as a whole, and a re-export deleted a tracker's results the
    user had put in the earlier export's folder, after asking only 'Replace the earlier export?'.
    Called as an export starts and again just before its folder replaces ``out_dir``."""
    found = foreign_files(out_dir, files) if out_dir.is_dir() else []
    if not found:
        return
    names = ", ".join(p.as_posix() for p in found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
    raise ExportError(out_dir, f"holds {plural(len(found), 'file')} an export does not write ({names}); the export "
                               "replaces the whole folder, which would delete "
                               f"{'it' if len(found) == 1 else 'them'}: choose another folder, or move "
                               f"{'it' if len(found) == 1 else 'them'} elsewhere first")


def refuse_losses(out_dir: Path) -> None:
    """What replacing ``out_dir`` as a whole must never delete: a studio project
    (:func:`refuse_projects`) or a file of the user's (:func:`refuse_foreign_files`)."""
    files = files_under(out_dir)
    refuse_projects(out_dir, files)
    refuse_foreign_files(out_dir, files)


def check_export_target(sequence, out_dir: Path) -> None:
    """Refuse targets whose replacement would destroy data that is not an earlier export.

    The export replaces ``out_dir`` as a whole, so it must not be (or contain) the
    sequence's own sources, nor hold a studio project (:func:`refuse_projects`), and an
    existing non-empty folder must carry EXPORT_MARKER.
    """
    out = out_dir.resolve()
    info = sequence.info
    for source in (info.visible_source, info.thermal_source):
        if source is not None:
            source = Path(source).resolve()
            if source == out or out in source.parents:
                raise ExportError(out_dir, f"holds the sequence's own frames ({source}); choose another folder")
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(out_dir, "is a file; the export needs a folder")
    files = files_under(out_dir)
    refuse_projects(out_dir, files)
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / EXPORT_MARKER).is_file():
        raise ExportError(out_dir, "exists and holds files that are not an earlier export; "
                                   "choose a new or empty folder (the export replaces the whole folder)")
    refuse_foreign_files(out_dir, files)  # an earlier export's folder with a file of the user's put in it
    from core.fileio import check_output

    check_output(out_dir, folder=True, option="the export folder")  # writable, before any frame is written
