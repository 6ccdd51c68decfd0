"""The trackers ``bench accuracy`` compares, each built or reported as missing.

Keys (``CONTENDER_KEYS``, the ``--trackers`` choices):

- ``teacher``: ``<weights_dir>/teacher_bundled.pt``;
- ``student``: the student distilled from the teacher, ``student_bundled.pt``;
- ``student-nokd``: the ablation, the same student trained without the teacher,
  ``student_nokd_bundled.pt``;
- ``csrt``, ``kcf``, ``mil``, ``nanotrack``: OpenCV peers (:mod:`core.bench.peers`), one
  contender per modality asked for (``visible``, ``thermal``);
- ``floor``: the training-free floor, ``core.tracking.correlation.CorrelationTracker``
  (SiamFC-style correlation of frozen ImageNet features; no weights file). Reported as
  missing, with the reason, when that module cannot be imported or built.

``DEFAULT_KEYS`` is the synthetic benchmark's default set; ``REAL_KEYS`` that of
``bench accuracy --real`` (adds MIL and the floor).

A model whose checkpoint is missing is a :class:`Contender` with ``tracker=None`` and the
reason, unless ``random_weights`` is set: then it runs with deterministic random weights
and its label says ``RANDOM weights``. A peer that cannot run (NanoTrack without its ONNX
files) is likewise reported with the reason, never replaced.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.bench.peers import MODALITIES, PEER_LABELS, PeerTracker, PeerUnavailable
from core.errors import CheckpointError, ConfigError
from core.fileio import file_sha256
from core.tracking.tracker_config import DEFAULT_STREAMS

MODEL_FILES = {
    "teacher": ("teacher", "teacher_bundled.pt", "teacher"),
    "student": ("student", "student_bundled.pt", "student (KD)"),
    "student-nokd": ("student", "student_nokd_bundled.pt", "student (no KD)"),
}
PEER_KEYS = ("csrt", "kcf", "mil", "nanotrack")
FLOOR_KEY = "floor"
FLOOR_LABEL = "floor (correlation)"
CONTENDER_KEYS = tuple(MODEL_FILES) + PEER_KEYS + (FLOOR_KEY,)
DEFAULT_KEYS = tuple(MODEL_FILES) + ("csrt", "kcf", "nanotrack")
REAL_KEYS = ("student", "teacher", "student-nokd", FLOOR_KEY, "csrt", "kcf", "mil")


@dataclass(frozen=True, eq=False)
class Contender:
    """One row group of the table.

    key: ``CONTENDER_KEYS`` entry; label: the table's name; weights: the file used
    (``random`` or ``-`` for peers); tracker: an object with ``init(pair, box)`` and
    ``track(pair, state)`` (``Tracker`` or ``PeerTracker``), None when unavailable, with
    ``reason`` saying why; fingerprint: what makes its boxes reproducible (label, weights
    SHA-256 and engine, or the OpenCV version), the ``--cache`` key; pairs_only: it runs on
    two-stream (``rgbt``) sequences only, e.g. a peer on the thermal stream in
    ``bench accuracy --real``, where on a single-modality sequence it would repeat the
    present-stream row.
    """

    key: str
    label: str
    weights: str
    tracker: object | None
    reason: str = ""
    fingerprint: str = ""
    pairs_only: bool = False

    @property
    def available(self) -> bool:
        return self.tracker is not None

    def applies_to(self, modality: str) -> bool:
        """Whether it runs on a sequence of ``modality`` (``visible``, ``thermal``, ``rgbt``)."""
        return not self.pairs_only or modality == "rgbt"


def model_fingerprint(label: str, model: str, checkpoint: Path, tracker) -> str:
    """The ``--cache`` key of a model contender: its label, the checkpoint's SHA-256, the
    engine and device that ran it, the SHA-256 of the ONNX file an ONNX Runtime engine ran
    (one checkpoint has more than one export: a re-export with another opset, a quantised
    one, each with other boxes) and its test-loop settings (``TrackerConfig``: a run with
    other settings is another run)."""
    onnx_file = getattr(tracker.engine, "path", None)
    exported = f"|{file_sha256(onnx_file)}" if onnx_file is not None and Path(onnx_file) != Path(checkpoint) else ""
    return (f"{label}|{model}|{file_sha256(checkpoint)}|{tracker.engine.name}{exported}|{tracker.engine.device}"
            f"|{getattr(tracker, 'config', None)!r}")


def _model(key: str, weights_dir: Path, random_weights: bool, engine: str, device: str,
           threads: int | None, streams: str = DEFAULT_STREAMS, hold_when_lost: bool = False,
           pair_correlation: bool | None = None, pair_shape: bool | None = None,
           pixel_match: bool | None = None) -> Contender:
    from core.tracking.factory import load_tracker, random_tracker
    from core.tracking.tracker_config import (
        TrackerConfig,
        hold_options,
        pair_aspect_bound,
        pair_correlation_weight,
        pixel_match_weight,
    )

    config = TrackerConfig(streams=streams, **hold_options(hold_when_lost),
                           pair_correlation=pair_correlation_weight(pair_correlation),
                           pair_max_aspect_change=pair_aspect_bound(pair_shape),
                           pixel_match=pixel_match_weight(pixel_match))

    model, filename, label = MODEL_FILES[key]
    path = weights_dir / filename
    if not path.is_file():
        if not random_weights:
            return Contender(key, label, str(path), None, f"weights file {path} not found")
        tracker = random_tracker(model, device, config, threads=threads)
        label = f"{label} [RANDOM weights]"
        return Contender(key, label, "random", tracker,
                         fingerprint=f"{label}|{model}|random|{tracker.engine.name}|{tracker.config!r}")
    note = unmatched_exports_note(path, model) if engine != "torch" else None
    if note is not None:
        import sys

        print(f"note: {note}", file=sys.stderr)
    tracker = load_tracker(model, path, engine=engine, device=device, config=config, threads=threads)
    used = Path(getattr(tracker, "weights_path", "") or path)
    return Contender(key, label, str(used), tracker, fingerprint=model_fingerprint(label, model, path, tracker))


def unmatched_exports_note(checkpoint: Path, model: str) -> str | None:
    """What to say when ``checkpoint`` (``<weights_dir>/student_bundled.pt``) has no ONNX copy
    named after it (``<stem>.onnx``, the only name the tracker looks for) while its folder holds
    ``.onnx`` files named after no checkpoint there: a fine-tuned ``ft.pt`` renamed
    ``student_bundled.pt`` for ``--weights-dir`` left ``ft.onnx`` / ``ft.int8.onnx`` behind, and
    the bench ran PyTorch (or, with ``--engine onnx``, said only 'not found') without naming
    them. None when there is nothing to say."""
    folder = checkpoint.parent
    if checkpoint.with_suffix(".onnx").is_file():
        return None

    def stem(onnx: Path) -> str:
        return onnx.name[:-len(".int8.onnx")] if onnx.name.endswith(".int8.onnx") else onnx.stem

    unmatched = sorted(p.name for p in folder.glob("*.onnx") if p.is_file() and not (folder / f"{stem(p)}.pt").is_file())
    if not unmatched:
        return None
    return (f"{checkpoint} has no {checkpoint.with_suffix('.onnx').name} beside it (an ONNX copy is found by its "
            f"checkpoint's name), so it does not run in ONNX Runtime; {', '.join(unmatched)} in {folder} "
            f"{'is' if len(unmatched) == 1 else 'are'} named after no checkpoint there: if "
            f"{'it is' if len(unmatched) == 1 else 'they are'} its export, rename "
            f"{'it' if len(unmatched) == 1 else 'them'} to {checkpoint.stem}.onnx"
            f"{' / ' + checkpoint.stem + '.int8.onnx' if any(n.endswith('.int8.onnx') for n in unmatched) else ''}, "
            f"or export it again: rgbt-studio export-onnx --model {model} --weights {checkpoint} --out {folder}")


def _floor(device: str, threads: int | None) -> Contender:
    """The training-free floor, or a missing row saying why it cannot be built."""
    try:
        from core.tracking import correlation

        tracker_class = correlation.CorrelationTracker
    except (ImportError, AttributeError) as error:
        return Contender(FLOOR_KEY, FLOOR_LABEL, "-", None,
                         f"core.tracking.correlation.CorrelationTracker is not available ({error})")
    try:
        tracker = tracker_class(device="cpu" if device == "auto" else device, threads=threads)
    except (OSError, RuntimeError, ImportError) as error:
        return Contender(FLOOR_KEY, FLOOR_LABEL, "-", None, f"the correlation floor cannot be built: {error}")
    config = getattr(tracker, "config", None)
    return Contender(FLOOR_KEY, FLOOR_LABEL, "ImageNet Lite0 (frozen)", tracker,
                     fingerprint=f"{FLOOR_LABEL}|{file_sha256(correlation.__file__)}|{config!r}")


def check_tracker_keys(keys) -> None:
    """ConfigError naming ``--trackers``, the names of ``keys`` that name no contender and the
    names to choose from; checked before anything is loaded or looked for (the real benchmark's
    footage folder included)."""
    unknown = [k for k in keys if k not in CONTENDER_KEYS]
    if unknown:  # it also listed the modalities, all known: "unknown tracker(s) ['foo'] or modalities ['visible', ...]"
        raise ConfigError(f"--trackers: unknown tracker{'s' if len(unknown) > 1 else ''} "
                          f"{', '.join(repr(k) for k in unknown)}; choose from {', '.join(CONTENDER_KEYS)}")


def build_contenders(keys=DEFAULT_KEYS, *, weights_dir: str | Path, models_dir: str | Path | None = None,
                     modalities=MODALITIES, random_weights: bool = False, engine: str = "auto",
                     device: str = "cpu", threads: int | None = None, streams: str = DEFAULT_STREAMS,
                     hold_when_lost: bool = False, pair_correlation: bool | None = None,
                     pair_shape: bool | None = None, pixel_match: bool | None = None) -> list[Contender]:
    """Contenders for ``keys`` in the order given; peers once per modality in ``modalities``.
    ``streams``: what the student and the teacher are fed (``TrackerConfig.streams``);
    ``hold_when_lost``: their box is held while the target is lost (``HOLD_THRESHOLD``);
    ``pair_correlation``: their box is blended with the frozen-feature correlation of both
    streams on a real two-stream pair (``PAIR_CORRELATION_WEIGHT``; False = off, None = the
    ``TrackerConfig`` default); ``pair_shape``: their box keeps the drawn shape on such a pair
    (``pair_aspect_bound``; None = the default); ``pixel_match``: their reported centre is matched on
    the drawn target's pixels (``pixel_match_weight``; None = the default). All are in the models'
    fingerprints (the config's repr).

    weights_dir: folder of the bundled checkpoints (CheckpointError when a model is asked for and
    it is not a folder: random weights, with ``random_weights``, stand in for a file missing from
    it, never for a mistyped folder); models_dir: where NanoTrack's ONNX files are looked for. Errors in a checkpoint that exists (corrupt, wrong model) are
    raised, not reported as missing.
    """
    check_tracker_keys(keys)
    bad_modalities = [m for m in modalities if m not in MODALITIES]
    if bad_modalities or not modalities:
        raise ConfigError(f"unknown peer modalities {bad_modalities or 'none given'}; choose from {list(MODALITIES)}")
    if any(k in MODEL_FILES for k in keys) and not Path(weights_dir).is_dir():
        # a typo: every model a 'not found' row (or, with --random-weights, random weights) and peers alone measured
        files = ", ".join(MODEL_FILES[k][1] for k in keys if k in MODEL_FILES)
        raise CheckpointError(weights_dir, f"the weights folder (--weights-dir) does not exist; give the folder that "
                                           f"holds {files}")
    import cv2

    out = []
    for key in keys:
        if key in MODEL_FILES:
            out.append(_model(key, Path(weights_dir), random_weights, engine, device, threads, streams,
                              hold_when_lost, pair_correlation, pair_shape, pixel_match))
            continue
        if key == FLOOR_KEY:
            out.append(_floor(device, threads))
            continue
        for modality in modalities:
            label = f"{PEER_LABELS[key]} ({modality})"
            try:
                out.append(Contender(key, label, "-", PeerTracker(key, modality, models_dir),
                                     fingerprint=f"{label}|{key}|{modality}|opencv {cv2.__version__}"))
            except PeerUnavailable as error:
                out.append(Contender(key, PEER_LABELS[key], "-", None, str(error)))
                break  # the reason is the same for every modality: one row
    return out
