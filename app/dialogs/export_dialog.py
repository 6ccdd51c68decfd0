"""Export: choose a layout and a target folder.

``EXPORT_ENTRIES`` lists what the dialog offers: (key, label, job factory, default
target suffix). A job factory is ``factory(sequence, records, out_path, store, models)
-> Job`` (``models``: the ``ModelSettings``) returning a ``core`` ``ExportResult`` (path,
warnings) or a path. Other packages add or replace entries with ``register_export(...)``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from core.distillation.schema import output_path as distillation_output_path


@dataclass(frozen=True)
class ExportEntry:
    key: str
    label: str
    factory: Callable  # (sequence, records, out_path, store) -> Job
    suffix: str  # appended to the sequence name for the default target
    is_file: bool = False
    # (option label, entry key) offered under "Crops" when this entry is chosen; entries
    # with ``listed=False`` are reachable only as such a variant
    variants: tuple[tuple[str, str], ...] = ()
    listed: bool = True
    variant_label: str = "Crops"  # the dialog's label of the variants row
    # the file a file export's target names (the distillation file: ".h5" appended to a bare
    # name, as the command line does); None: the target as typed
    file_name: Callable[[Path], Path] | None = None
    # a file export: what its file is called in messages, and whether an existing file is an
    # earlier export of the kind (replaced after asking; any other file is never overwritten)
    file_kind: str = "the distillation file"
    is_earlier: Callable[[Path], bool] | None = None


def _core_exporter(name: str):
    def factory(sequence, records, out_path, store, models):
        from core.annotations.formats.export import exporter

        return exporter(name)(sequence, records, out_path)
    return factory


def _annotation_files(target: str):
    """The annotation files of ``target`` without frames
    (``core.annotations.formats.annotation_export``)."""
    def factory(sequence, records, out_path, store, models):
        from core.annotations.formats.annotation_export import export_annotation_files

        return export_annotation_files(sequence, records, out_path, target=target)
    return factory


#: (variant label, format) of "Annotation files only"
ANNOTATION_VARIANTS = (
    ("LasHeR / RGBT234 (visible.txt, infrared.txt, init.txt)", "lasher"),
    ("GTOT (groundTruth_v.txt, groundTruth_i.txt: x1 y1 x2 y2)", "gtot"),
    ("VOT (groundtruth.txt: 8-value polygons, visible)", "vot"),
    ("plain x,y,w,h (<name>.txt, <name>-thermal.txt)", "xywh"),
)


def _distillation(sequence, records, out_path, store, models, frames_mode: str = "referenced"):
    """The distillation HDF5 (``core.distillation.export.export_distillation``, the same
    function as ``python main.py export-distill``) with the teacher of the settings;
    ``frames_mode`` "embedded" (self-contained, crops in the file) or "referenced". The
    frame offset recorded is the sequence's own (the project's pairing, as the crops are
    cut). Returns an ExportResult whose summary says how many training samples the file
    holds (only checked labels make samples: a tracked sequence of 560 frames with three
    corrections gives three, which "0.1 MB" alone did not say) and whose warning names the
    records left out (frames the sequence does not have)."""
    from core.annotations.formats.export import ExportResult
    from core.distillation.export import (
        export_distillation,
        left_out_records,
        outside_frames_note,
        plan_samples,
    )
    from core.distillation.teacher_loading import load_teacher_runner
    from core.progress import Progress
    from core.trackers import tracker_names
    from core.tracking.factory import default_weights

    yield Progress(0, None, "loading the teacher")
    teacher, skipped = load_teacher_runner(models.weights("teacher"), models.device, allow_random=models.allow_random)
    if skipped:
        yield Progress(0, None, f"loading the teacher: {skipped}")
    student = models.weights("student") or str(default_weights("student"))
    outputs = {name: store.tracker_outputs(name) for name in tracker_names()}
    note = outside_frames_note(records, len(sequence), (sequence.info.width, sequence.info.height))
    path = yield from export_distillation(
        sequence, records, out_path, teacher, frames_mode=frames_mode, tracker_outputs=outputs,
        student_model="student",
        student_weights=student if Path(student).is_file() else None)
    kept, _ = left_out_records(records, len(sequence), (sequence.info.width, sequence.info.height))
    samples = len(plan_samples(kept, len(sequence)))
    summary = (f"{samples} training sample{'s' if samples != 1 else ''}: frames after the first keyframe whose box "
               "was drawn, interpolated, accepted from the teacher or imported, or marked absent "
               "(tracked boxes are labels only, not samples)")
    return ExportResult(path, len(sequence), [note] if note else [], summary)


def _review_video(sequence, records, out_path, store, models):
    """The review video (``core.annotations.review_video``, the job of ``python main.py
    render``): the annotations drawn on visible and thermal side by side, in the studio's colours."""
    from core.annotations.review_video import annotation_layer, render_review_video

    return render_review_video(sequence, [annotation_layer(records)], out_path)


def _is_review_video(path: Path) -> bool:
    from core.annotations.review_video import is_review_video

    return is_review_video(path)


def _review_video_path(path: Path) -> Path:
    from core.annotations.review_video import video_path

    return video_path(path)


EXPORT_ENTRIES: list[ExportEntry] = [
    ExportEntry("lasher", "LasHeR layout (visible/, infrared/, visible.txt, infrared.txt)", _core_exporter("lasher"),
                "-lasher"),
    ExportEntry("rgbt234", "RGBT234 layout (00001v.jpg, visible.txt, infrared.txt)", _core_exporter("rgbt234"),
                "-rgbt234"),
    ExportEntry("gtot", "GTOT layout (v/, i/, groundTruth_v.txt, groundTruth_i.txt)", _core_exporter("gtot"),
                "-gtot"),
    ExportEntry("got10k", "GOT-10k (list.txt, groundtruth, absence/cover labels)", _core_exporter("got10k"),
                "-got10k"),
    ExportEntry("lasot", "LaSOT style (img/, groundtruth, occlusion / out-of-view)", _core_exporter("lasot"),
                "-lasot"),
    # each kind of files its own default folder, "<name>-gtot-annotations" (the layouts' "<name>-gtot"
    # beside it): all were "<name>-annotations", so GTOT files chosen after LasHeR ones were offered the
    # LasHeR folder and replaced it
    ExportEntry("annotations", "Annotation files only (no frames: LasHeR, GTOT, VOT or plain text)",
                _annotation_files("lasher"), "-lasher-annotations",
                variants=tuple((label, f"annotations-{target}") for label, target in ANNOTATION_VARIANTS),
                variant_label="Files"),
    *(ExportEntry(f"annotations-{target}", f"Annotation files only: {label}", _annotation_files(target),
                  f"-{target}-annotations", listed=False) for label, target in ANNOTATION_VARIANTS),
    ExportEntry("distillation", "Distillation data (HDF5: crops + teacher maps, fine-tunes the student)",
                _distillation, "-distill.h5", is_file=True, file_name=distillation_output_path,
                variants=(("small (frames referenced)", "distillation"),
                          ("self-contained (crops embedded)", "distillation-embedded"))),
    ExportEntry("distillation-embedded", "Distillation data (HDF5, self-contained: crops embedded)",
                partial(_distillation, frames_mode="embedded"), "-distill.h5", is_file=True, listed=False,
                file_name=distillation_output_path),
    ExportEntry("review-video", "Review video (MP4: the boxes drawn on visible and thermal, side by side)",
                _review_video, "-review.mp4", is_file=True, file_name=_review_video_path, file_kind="the review video",
                is_earlier=_is_review_video),
]


#: what a label says of the streams, as said on one-stream footage: {phrase: {stream: phrase}}
ONE_STREAM_PHRASES = {
    "8-value polygons, visible)": {"thermal": "8-value polygons, thermal)"},
    "the boxes drawn on visible and thermal, side by side": {"thermal": "the boxes drawn on the thermal frames",
                                                             "visible": "the boxes drawn on the visible frames"},
}


def stream_label(label: str, stream: str | None) -> str:
    """``label`` as said of footage with one stream, ``stream`` ("thermal" or "visible"; None: both):
    on thermal-only footage the dialog offered "VOT (groundtruth.txt: 8-value polygons, visible)" for a
    file of the thermal boxes, and a review video "drawn on visible and thermal" that shows thermal alone."""
    if stream is None:
        return label
    for phrase, said in ONE_STREAM_PHRASES.items():
        if stream in said:
            label = label.replace(phrase, said[stream])
    return label


def register_export(entry: ExportEntry) -> None:
    """Add (or replace, by key) an entry of the export dialog."""
    EXPORT_ENTRIES[:] = [e for e in EXPORT_ENTRIES if e.key != entry.key] + [entry]


def entry(key: str) -> ExportEntry:
    for candidate in EXPORT_ENTRIES:
        if candidate.key == key:
            return candidate
    raise KeyError(f"unknown export {key!r}; known: {[e.key for e in EXPORT_ENTRIES]}")


class ExportDialog(QDialog):
    def __init__(self, sequence_name: str, default_parent: Path, parent=None, *, start_folder: str = "",
                 last: tuple[str, str] | None = None, check: Callable[[str, Path], str] | None = None,
                 stream: str | None = None):
        """``last``: (entry key, target) of the project's last export: chosen again, and the
        other formats' targets suggested in its folder. ``check(key, target)``: why the export
        job would refuse the target ("" when it would not), asked on Export. ``stream``: the one
        stream of one-stream footage ("thermal", "visible"; None: both), named by the labels
        (:func:`stream_label`)."""
        super().__init__(parent)
        self.stream = stream
        self.check = check
        self.start_folder = start_folder  # where Browse opens when the target's folder does not exist
        self.setWindowTitle("Export annotations")
        self.sequence_name = sequence_name
        self.default_parent = Path(default_parent)
        self.format = QComboBox()
        for e in EXPORT_ENTRIES:
            if e.listed:
                self.format.addItem(stream_label(e.label, stream), e.key)
        self.variant = QComboBox()  # e.g. the distillation file's crops: embedded or referenced
        self.target = QLineEdit()
        browse = QPushButton("Browse...")
        browse.clicked.connect(self._browse)
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.target, 1)
        layout.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("Crops", self.variant)
        self.variant_row_label = form.labelForField(self.variant)
        form.addRow("Target", row)
        self.message = QLabel()  # why Export did nothing (an empty target)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c03030;")
        self.message.hide()
        form.addRow(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.format.currentIndexChanged.connect(self._fill_variants)
        self.format.currentIndexChanged.connect(self._default_target)
        self.variant.currentIndexChanged.connect(self._default_target)  # a variant may name its own target
        # the reason Export did nothing is of the target and format it was given: another one typed or
        # chosen left "Cannot export there: ... the distillation file is a folder" under a LasHeR target
        self.target.textChanged.connect(self.message.hide)
        self.format.currentIndexChanged.connect(self.message.hide)
        self._fill_variants()
        self._default_target()
        if last is not None:
            self._choose(*last)
        self.resize(640, 140)

    def _choose(self, key: str, target: str) -> None:
        """Select the format (and variant) ``key`` with ``target``; nothing for a key no
        listed format offers (an entry registered by a package no longer loaded)."""
        for index in range(self.format.count()):
            offered = entry(self.format.itemData(index))
            if key == offered.key or key in [variant for _label, variant in offered.variants]:
                self.default_parent = Path(target).parent
                self.format.setCurrentIndex(index)
                variant = self.variant.findData(key)
                if variant >= 0:
                    self.variant.setCurrentIndex(variant)
                self.target.setText(target)
                return

    def _fill_variants(self) -> None:
        self.variant.blockSignals(True)  # the target follows the format's first variant, once
        self.variant.clear()
        chosen = entry(self.format.currentData())
        for label, key in chosen.variants:
            self.variant.addItem(stream_label(label, self.stream), key)
        self.variant.blockSignals(False)
        self.variant.setEnabled(self.variant.count() > 0)
        # a format with no choice under it: the row said "Crops" over an empty box beside LasHeR
        self.variant_row_label.setText(chosen.variant_label if chosen.variants else "Options")
        self.variant.setPlaceholderText("" if chosen.variants else "none for this format")

    def _chosen_key(self) -> str:
        """The entry chosen now: the variant's when the format has variants, else the format's."""
        return str(self.variant.currentData() if self.variant.count() else self.format.currentData())

    def _default_target(self) -> None:
        """The target for the format (and variant) chosen now: in the folder of the target typed or
        browsed to so far (another format chosen put it back in the project's folder, and a name typed
        as "walk-3-lasher" became "<sequence>-got10k"), with the name's format suffix swapped."""
        e = entry(self._chosen_key())
        before = getattr(self, "_suffix", None)
        self._suffix = e.suffix
        typed = self.target.text().strip()
        if before is None or not typed:
            self.target.setText(str(self.default_parent / f"{self.sequence_name}{e.suffix}"))
            return
        if e.suffix == before:  # a variant named as the one before (the distillation file's crops): as typed
            return
        path = self.target_path()
        name = path.name[:-len(before)] if before and path.name.endswith(before) else self.sequence_name
        self.target.setText(str(path.parent / f"{name}{e.suffix}"))

    def browse_folder(self) -> str:
        """Where Browse opens: the target's folder when it exists, else the start folder."""
        parent = self.target_path().parent if self.target.text().strip() else Path("")
        if parent.is_dir() and str(parent) not in ("", "."):
            return str(parent)
        return self.start_folder or str(Path.home())

    def _browse(self) -> None:
        e = entry(self._chosen_key())
        if e.is_file:
            suggested = Path(self.browse_folder()) / Path(self.target.text().strip()).name
            path, _ = QFileDialog.getSaveFileName(self, "Export to", str(suggested),
                                                  options=QFileDialog.Option.DontConfirmOverwrite)
        else:
            path = QFileDialog.getExistingDirectory(self, "Export into folder", self.browse_folder())
            if path:
                path = str(Path(path) / f"{self.sequence_name}{e.suffix}")
        if path:
            self.target.setText(path)

    def accept(self) -> None:
        """Export with an empty target, or one the export would refuse, keeps the dialog open and
        says so (an empty one exported into the studio's working folder, named ".")."""
        if not self.target.text().strip():
            self.message.setText("Choose where to export: type a path under Target or use Browse...")
            self.message.show()
            return
        # a target the export would refuse (a folder for the distillation file, the sequence's own
        # frames): said here; the dialog closed first, and the format and target had to be chosen again
        problem = self.check(*self.values()) if self.check is not None else ""
        if problem:
            self.message.setText(f"Cannot export there: {problem}")
            self.message.show()
            return
        super().accept()

    def target_path(self) -> Path:
        """The typed target as a full path: "~" is the home folder and a bare name or relative
        path lies in the folder the dialog suggests (the project's, or the last export's), not
        in whatever folder the studio was started from (a folder named "~" there held
        "~/exports/seq-lasher", and the result dialog named a path that was not where it said)."""
        path = Path(self.target.text().strip()).expanduser()
        if not path.is_absolute():
            path = self.default_parent.expanduser().absolute() / path
        return path

    def values(self) -> tuple[str, Path]:
        """(entry key, target); the key of the chosen variant when the format has variants, the
        target as the entry names its file (a distillation file typed "walk-3" is walk-3.h5)."""
        key = self._chosen_key()
        name = entry(key).file_name
        return key, name(self.target_path()) if name else self.target_path()
