"""How fast the data pipeline alone is (sources -> sampler -> processing -> collate, no model).

    python -m core.training.data_speed --config configs/student_real.json [--steps 30] [--per-source]

Prints samples/s of ``BatchMaker.make`` in this process (the ``workers: 0`` path; with
``workers`` N the loader runs N of these in parallel), after one warm-up step that opens
the sources (and decodes videos into the frame cache the first time), then a second,
profiled pass that says where the time goes: frame decode/read, synthetic rendering,
self-supervised boxes, crops, the second stream, augmentation, normalisation, targets.
``--per-source`` repeats the timing with each source of the config alone.
"""
from __future__ import annotations

import argparse
import cProfile
import dataclasses
import pstats
import sys
import time

# (label, module file suffix, function name): cumulative time of these functions.
STAGES = (
    ("real frames (cache maps + LRU)", "training/real_data.py", "get_or_make"),
    ("  of which image decoding", "training/real_data.py", "read_image"),
    ("synthetic: new sequences", "training/sources.py", "_make"),
    ("synthetic: rendering frames", "synthetic/sequence.py", "_render"),
    ("self-supervised boxes", "training/self_supervised.py", "textured_box"),
    ("sampler total (draw + frames)", "training/sampler.py", "sample"),
    ("crops", "tracking/crop.py", "crop_square"),
    ("second stream", "training/pseudo_modality.py", "apply"),
    ("augment: brightness", "training/processing.py", "_brightness"),
    ("augment: dark visible", "training/processing.py", "darken_visible"),
    ("augment: flat thermal", "training/processing.py", "flatten_thermal"),
    ("normalise", "tracking/crop.py", "normalize_visible"),
    ("normalise thermal", "tracking/crop.py", "normalize_thermal"),
    ("targets (heatmap)", "training/targets.py", "gaussian_heatmap"),
    ("processing total", "training/processing.py", "__call__"),
    ("collate", "training/loader.py", "collate"),
)


def samples_per_second(maker, steps: int, start: int = 1) -> float:
    """Samples/s of ``maker.make`` over ``steps`` steps from ``start``."""
    began = time.perf_counter()
    for step in range(start, start + steps):
        maker.make(step)
    return steps * maker.config.batch_size / max(time.perf_counter() - began, 1e-9)


def stage_seconds(maker, steps: int, start: int) -> dict[str, float]:
    """Cumulative seconds per stage of :data:`STAGES` over ``steps`` profiled steps."""
    profile = cProfile.Profile()
    profile.enable()
    for step in range(start, start + steps):
        maker.make(step)
    profile.disable()
    stats = pstats.Stats(profile).stats  # {(file, line, name): (cc, nc, tt, ct, callers)}
    out = {}
    for label, suffix, name in STAGES:
        out[label] = sum(v[3] for (file, _, fn), v in stats.items()
                         if fn == name and file.replace("\\", "/").endswith(suffix))
    out["total (profiled)"] = sum(v[2] for v in stats.values())
    return out


def _maker(config):
    from core.models.registry import build_model
    from core.training.loader import BatchMaker
    from core.training.model_setup import model_config
    from core.training.processing import CropSpec

    spec = CropSpec.of(build_model(config.model.factory, model_config(config.model)).config)
    return BatchMaker(config, spec)


def main(argv: list[str] | None = None) -> int:
    from core.assets import resolve_path
    from core.errors import RGBTError
    from core.training.config import DataConfig, load_train_config, with_overrides

    parser = argparse.ArgumentParser(prog="python -m core.training.data_speed", description=__doc__.split("\n")[0])
    from core.commands.arguments import positive_int

    parser.add_argument("--config", type=resolve_path, required=True, help="training config JSON")
    # 0 steps printed 'data pipeline: 0.0 samples/s (batch 8, 0 steps ...)' and an empty profile
    parser.add_argument("--steps", type=positive_int, default=30, help="batches timed (default 30)")
    parser.add_argument("--batch-size", type=positive_int, default=None,
                        help="batch size (default: the config's)")
    parser.add_argument("--per-source", action="store_true", help="also time each source alone")
    args = parser.parse_args(argv)
    try:
        config = with_overrides(load_train_config(args.config), batch_size=args.batch_size)
        began = time.perf_counter()
        maker = _maker(config)
        maker.make(0)
        print(f"sources opened and one warm-up batch in {time.perf_counter() - began:.1f} s")
        for source in maker.sampler.sources:
            print(f"  {source.describe()}")
        rate = samples_per_second(maker, args.steps)
        print(f"data pipeline: {rate:.1f} samples/s (batch {config.batch_size}, {args.steps} steps, one process)")
        stages = stage_seconds(maker, args.steps, 1 + args.steps)
        total = stages.pop("total (profiled)")
        print(f"where the time goes (profiled pass, {total:.2f} s; stages nest, so shares do not add up):")
        for label, seconds in stages.items():
            if seconds > 0:
                print(f"  {label:32s} {seconds:7.2f} s  {100 * seconds / max(total, 1e-9):5.1f} %")
        if args.per_source:
            for source in config.data.source_configs():
                alone = dataclasses.replace(config, data=DataConfig(sources=(dataclasses.asdict(source),)))
                single = _maker(alone)
                single.make(0)
                print(f"  {source.kind:16s} alone: {samples_per_second(single, args.steps):.1f} samples/s")
    except RGBTError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
