"""What the distillation data and the student must be before fine-tuning starts, said before
any step: files whose crops cannot share a batch (:func:`crop_sides`), a student of other crop
sides than the files (:func:`check_model_sides`), and a run that cannot judge itself because no
held-out item has a box (:func:`no_held_out_box`, warned as :class:`NoHeldOutCheck`)."""
from __future__ import annotations

from pathlib import Path

from core.distillation.dataset import Item, check_holdout
from core.errors import DistillationDataError
from core.fileio import CleanupNote
from core.wording import plural


class NoHeldOutCheck(CleanupNote):
    """Warned before the first step when no held-out item has a box: the run cannot say whether
    the student got better (a ``core.fileio.CleanupNote``: the command line shows it as a note)."""


def no_held_out_box(items: list[Item], holdout_fraction: float) -> str:
    """Why a run on ``items`` cannot judge itself (no held-out item has a box), and what to
    do: the line of ``core.distillation.dataset.HoldOutCheck.problem`` for one sequence,
    the least frames to add over several (said before any training step: the scores would
    be empty after minutes of work)."""
    by_sequence: dict[str, list[tuple[int, bool]]] = {}
    for item in items:
        by_sequence.setdefault(item.sequence, []).append((item.frame, item.absent))
    checks = [check_holdout(samples, holdout_fraction) for samples in by_sequence.values()]
    how = "hold nothing out to fine-tune without a before/after check (distill --data ... --holdout 0)"
    if len(checks) == 1 and checks[0].problem():
        return checks[0].problem(otherwise=how)
    need = min((c.more_needed for c in checks if c.samples), default=1)
    return (f"no held-out sample has a box to score (the last {holdout_fraction:.0%} of each sequence's checked "
            f"frames are all marked absent); draw or accept the target's box on at least {plural(need, 'more frame')} "
            f"at the end of a sequence and export again, or {how}")


def crop_sides(data: list[str | Path]) -> tuple[Path, tuple[int, int, int]] | None:
    """``(first file, (template, search, feature) sides)`` the distillation files ``data`` share
    (their headers), or None for no file. DistillationDataError naming two files whose crops
    differ: their items cannot be stacked into one batch (numpy's 'all input arrays must have
    the same shape' traceback)."""
    from core.distillation.reader import DistillationFile

    first = None
    for path in map(Path, data):
        with DistillationFile(path) as opened:
            header = opened.header
        sides = (int(header["template_size"]), int(header["search_size"]), int(header["feature_size"]))
        if first is None:
            first = (path, sides)
        elif sides != first[1]:
            raise DistillationDataError(path, f"holds {_sides_text(sides)} crops, {first[0]} {_sides_text(first[1])}: "
                                              "files exported with teachers of other crop sides cannot be mixed; "
                                              "fine-tune on one kind at a time")
    return first


def _sides_text(sides: tuple[int, int, int]) -> str:
    return f"{sides[0]}/{sides[1]} px (template/search; {sides[2]}x{sides[2]} maps)"


def check_model_sides(model, init: str | Path, sides: tuple[Path, tuple[int, int, int]] | None) -> None:
    """DistillationDataError when the student ``model`` (from ``init``) takes other crop sides
    than the files (``crop_sides``): its position embeddings do not fit them (a torch traceback
    at the first step, e.g. files of a paper-scale teacher and the bundled student)."""
    if sides is None:
        return
    cfg = model.config
    own = (int(cfg.template_size), int(cfg.search_size), int(cfg.feature_size))
    if own != sides[1]:
        raise DistillationDataError(sides[0], f"holds {_sides_text(sides[1])} crops; the student {Path(init).name} "
                                              f"takes {_sides_text(own)}: export with a teacher of the student's "
                                              "crop sides, or start from a student at the files' sides "
                                              "(resize-crops)")
