"""``python main.py export-distill``: write a distillation HDF5 file from an annotated sequence.

Same function as the studio's export dialog (``core.distillation.export.export_distillation``).
The pair is opened with the store's frame offset (the studio's pairing) unless
``--frame-offset`` gives one; records at frames the sequence does not have are left out
with a note.
"""
from __future__ import annotations

import sys
from pathlib import Path

from core.commands.arguments import input_text, output_file, shipped_file
from core.errors import ConfigError, ExportError
from core.progress import run_with_bar


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "export-distill",
        help="export an annotated sequence as distillation data (HDF5) for fine-tuning the student",
        description="Write the human-checked frames of an annotated sequence (drawn, corrected, accepted, "
        "interpolated or imported boxes, and frames marked absent), with the teacher's outputs on them, to an "
        "HDF5 file that `distill --data FILE.h5` fine-tunes the student on (docs/distillation_hdf5.md). "
        "Only those frames become training samples, not machine-tracked ones. The studio's File > Export writes the same file. "
        "The store is the studio's: the one beside the sequence, or for the bundled demo and footage in a "
        "folder the studio cannot write to the one in $RGBT_STUDIO_HOME/projects/ (default ~/.rgbt-studio); "
        "--store names another.",
        epilog="example: rgbt-studio export-distill SEQUENCE_FOLDER --out exports/walk.h5, then rgbt-studio "
               "distill --data exports/*.h5",
    )
    parser.add_argument("source", nargs="+", type=input_text, help="a sequence folder, or VISIBLE THERMAL (videos or folders)")
    parser.add_argument("--store", type=Path, help="annotation store (.rgbt.sqlite); default: the studio's project of the sequence "
                        "(beside it; the bundled demo's, and read-only footage's, in $RGBT_STUDIO_HOME/projects/)")
    parser.add_argument("--out", type=output_file, required=True,
                        help="output .h5 file (a name without a suffix gets .h5, as in the studio)")
    parser.add_argument("--frame-offset", type=int, default=None,
                        help="thermal frame = visible frame + offset (default: the store's, 0 when it has none)")
    parser.add_argument("--force", action="store_true", help="replace --out when it exists (never an input or the store)")
    parser.add_argument("--teacher", type=shipped_file, default=None, help="teacher weights (default: bundled)")
    parser.add_argument("--embed-crops", action="store_true", help="store crops in the file (self-contained, larger)")
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"),
                        help="the teacher's device; auto (default): the GPU when PyTorch sees one, else the CPU")
    parser.add_argument("--random-weights", action="store_true",
                        help="use a randomly initialised teacher when no weights exist (tests and demos only)")
    parser.set_defaults(func=run)


#: the note of an export without a training sample (a sample is a checked frame after the first keyframe)
NO_SAMPLES = ("no training sample: samples are the frames after the first keyframe (the template) whose box was "
              "drawn, corrected, interpolated, accepted from the teacher or imported, or that were marked absent; "
              "machine-tracked boxes are not samples. Check more frames in the studio and export again")


def check_store_fits(store, store_path, sequence) -> None:
    """ExportError when the store is the studio's project of another sequence: the name and the
    frame count it recorded when the studio opened it (``sequence_name``, ``num_frames``) both
    differ from this sequence's (``--store`` of another sequence exported its boxes on these
    frames as training labels, without a word). The name alone differing (a renamed folder) is
    a note, the count alone (another ``--frame-offset`` than the store's pairs other frames)
    nothing; a store without them (not written by the studio) is taken as it is
    (``core.annotations.project_paths.other_footage``, also the rule of ``render --store``)."""
    from core.annotations.project_paths import other_footage

    other = other_footage(store, sequence)
    if other is None:
        return
    name, count, refuse = other
    here = (sequence.info.name, len(sequence))
    if refuse:
        raise ExportError(store_path, f"is the project of {name} ({count} frames), not of {here[0]} ({here[1]} "
                                      "frames): its boxes would become training labels on other footage; give "
                                      "this sequence's own store with --store")
    print(f"note: {store_path} was made for {name} ({count} frames); exporting it on {here[0]} ({here[1]} frames)",
          file=sys.stderr)


def studio_project_path(beside: Path) -> Path:
    """The studio's project of a sequence whose project beside the footage would be ``beside``:
    that file, or, when there is none there, the one the studio keeps in its home for footage in a
    folder it cannot write to (:func:`read_only_footage_project`). Annotated read-only footage
    (``../shared/data``, a dataset share) was 'annotation store not found; annotate the sequence
    first', its project being in ``~/.rgbt-studio/projects/``."""
    if Path(beside).is_file():
        return Path(beside)
    from core.annotations.project_paths import read_only_footage_project

    kept = read_only_footage_project(Path(beside))
    return kept if kept.is_file() else Path(beside)


def run(args) -> int:
    from core.annotations.formats.gt_files import protected_inputs
    from core.annotations.project_paths import own_project_path, project_store_path
    from core.annotations.store import AnnotationStore
    from core.distillation import schema
    from core.distillation.export import (
        export_distillation,
        holdout_check,
        outside_frames_note,
    )
    from core.distillation.finetune import FinetuneConfig
    from core.distillation.teacher_loading import load_teacher_runner
    from core.fileio import check_output
    from core.trackers import tracker_names

    if len(args.source) not in (1, 2):
        raise ConfigError(f"export-distill takes one sequence folder or two paths (visible, thermal), got {len(args.source)}")
    from core.annotations.formats.gt_files import protected_sources
    from core.commands.arguments import refuse_missing_named_weights

    refuse_missing_named_weights(args.random_weights, ("--teacher", args.teacher))
    args.out = schema.output_path(args.out)  # the studio's name for it: checked, written and said
    if args.teacher is not None and not Path(args.teacher).exists():  # the loader's advice named --weights
        from core.errors import CheckpointError

        raise CheckpointError(args.teacher, "--teacher: checkpoint not found")
    inputs = protected_sources(*args.source)
    check_output(args.out, protected=inputs + ([(args.store, "the annotation store")] if args.store else []),
                 force=args.force, option="--out")
    from core.commands.track_setup import open_input

    # one sequence folder, or given twice (as track takes it), or a visible and a thermal stream
    sequence = open_input(Path(args.source[0]), Path(args.source[-1]) if len(args.source) == 2 else None)
    try:
        store_path = args.store or own_project_path(studio_project_path(project_store_path(sequence.info)),
                                                    list(dict.fromkeys(args.source)), sequence.info)[0]
        check_output(args.out, protected=inputs + protected_inputs(sequence.info, store_path), force=args.force,
                     option="--out")
        if not Path(store_path).is_file():
            raise ExportError(store_path, "annotation store not found; annotate the sequence first or pass --store")
        store = AnnotationStore.open(store_path, glance=True)  # read at once: no -wal / -shm left beside it
    except BaseException:
        sequence.close()
        raise
    try:
        offset = args.frame_offset
        if offset is None:
            offset = int(store.get_meta("frame_offset", 0) or 0)
        if offset:
            try:
                sequence.frame_offset = offset
            except ValueError as error:  # a single-stream sequence has nothing to offset
                if args.frame_offset is None:
                    raise ExportError(store_path, f"the store's frame offset {offset} does not apply: {error}; "
                                                  "pass --frame-offset 0 to export without it") from error
                raise ExportError(args.source[0], f"--frame-offset {offset}: {error}") from error
        check_store_fits(store, store_path, sequence)  # once paired as asked
        records = store.records()
        frame_size = (sequence.info.width, sequence.info.height)
        note = outside_frames_note(records, len(sequence), frame_size)
        check = holdout_check(records, len(sequence), FinetuneConfig().holdout_fraction, frame_size)
        problem = check.problem(otherwise="fine-tune with distill --data ... --holdout 0")
        if problem and check.samples:  # said before the teacher runs: the file is still written (other exports may join it)
            print(f"note: {store_path}: fine-tuning on this file alone cannot say whether the student got "
                  f"better: {problem}", file=sys.stderr)
        if check.samples == 0:  # a file distill --data refuses ('holds no human-checked frame'): none written
            raise ExportError(store_path, f"{NO_SAMPLES}; nothing was written")
        tracker_outputs = {name: store.tracker_outputs(name) for name in tracker_names()}
        teacher, skipped = load_teacher_runner(args.teacher, args.device, allow_random=args.random_weights)
        if skipped:
            print(f"note: {skipped}", file=sys.stderr)
        job = export_distillation(
            sequence,
            records,
            args.out,
            teacher,
            frames_mode="embedded" if args.embed_crops else "referenced",
            tracker_outputs=tracker_outputs,
            student_model="student",
            frame_offset=offset,
        )
        existed = Path(args.out).exists()
        try:
            path = run_with_bar(job, "export-distill")
        except KeyboardInterrupt:  # before the cli's 'cancelled' (or 'terminated'): it said only that
            from core.progress import nothing_written_line

            print(nothing_written_line("export-distill", [args.out], [existed]), file=sys.stderr)
            raise
    finally:
        store.close()
        sequence.close()
    if note:
        print(f"note: {store_path}: {note}", file=sys.stderr)
    print(f"wrote {path} ({check.samples} training sample{'s' if check.samples != 1 else ''})")
    return 0
