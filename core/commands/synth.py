"""``python main.py synth``: write synthetic RGB-T sequences with exact ground truth.

Each sequence goes to ``OUT_DIR/<name>/`` where ``<name>`` is ``--name`` (one sequence)
or ``synthetic-<seed>`` (seeds ``--seed``, ``--seed + 1``, ... for ``--count``):
- ``--layout lasher``: LasHeR folder (``visible/``, ``infrared/``, ``visible.txt``,
  ``infrared.txt``, ``init.txt``, ``synthetic.json``), replaced atomically;
- ``--layout video``: ``visible.mp4``, ``thermal.mp4`` (mp4v; ``--format avi`` for MJPG),
  ``groundtruth.txt`` (visible boxes), ``groundtruth_thermal.txt``, ``synthetic.json``, also
  replaced atomically (``--force`` over an earlier sequence of either layout leaves none of it).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.commands.arguments import output_folder, positive_int
from core.config import from_dict
from core.errors import ConfigError
from core.progress import run_with_bar
from core.synthetic.config import CHALLENGES, SyntheticConfig, challenge_families
from core.synthetic.sequence import SyntheticSequence
from core.synthetic.writers import (
    sidecar_json,
    write_ground_truth,
    write_lasher,
    write_text_file,
    write_video_pair,
)


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 320x256, got {text!r}") from None
    return w, h


def _challenges(text: str) -> tuple[str, ...]:
    tags = tuple(t.strip() for t in text.split(",") if t.strip())
    unknown = [t for t in tags if t not in CHALLENGES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown challenge(s) {unknown}; known: {', '.join(CHALLENGES)}")
    return tags


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "synth",
        help="write synthetic RGB-T sequences with exact ground truth",
        description="Write synthetic RGB-T sequences with exact ground truth. Each goes to OUT_DIR/<name>/, "
                    "<name> being --name (one sequence) or synthetic-<seed> (seeds --seed, --seed + 1, ... for "
                    "--count). --layout lasher writes a LasHeR folder (visible/ and infrared/ frames, "
                    "visible.txt, infrared.txt, init.txt, synthetic.json); --layout video writes visible.mp4 and "
                    "thermal.mp4 (--format avi: MJPG .avi), groundtruth.txt (visible boxes), "
                    "groundtruth_thermal.txt and synthetic.json.",
    )
    parser.add_argument("out_dir", type=output_folder, metavar="OUT_DIR", help="folder that receives one sub-folder per sequence")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first sequence (default 0)")
    parser.add_argument("--frames", type=positive_int, default=None,
                        help="frames per sequence (default: the --config's, else 150)")
    parser.add_argument("--size", type=_size, default=None, metavar="WxH",
                        help="frame size (default: the --config's, else 320x256)")
    parser.add_argument("--challenges", type=_challenges, default=None,
                        help=f"comma-separated tags from: {', '.join(CHALLENGES)}")
    parser.add_argument("--family", choices=sorted(challenge_families()), default=None,
                        help="use the challenges of a named family (core.synthetic.challenge_families)")
    parser.add_argument("--count", type=int, default=1, help="number of sequences (consecutive seeds; default 1)")
    parser.add_argument("--layout", choices=("lasher", "video"), default="lasher",
                        help="lasher (default): a LasHeR folder of frame images; video: a visible/thermal video pair")
    parser.add_argument("--format", choices=("mp4", "avi"), default="mp4", help="video container for --layout video: mp4 (mp4v, default) or avi (MJPG)")
    parser.add_argument("--fps", type=float, default=None,  # nan / inf: refused below in one line
                        help="nominal frame rate written to the videos and synthetic.json (default: the --config's, "
                             "else 30)")
    parser.add_argument("--name", default=None, help="sub-folder name (only with --count 1)")
    parser.add_argument("--config", type=Path, default=None,
                        help="JSON file of SyntheticConfig fields, or the synthetic.json synth wrote beside a "
                             "sequence (its generator config; its seed is said) (command-line options above "
                             "override it)")
    parser.add_argument("--force", action="store_true", help="replace earlier synthetic sequences of the same name")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.count < 1:
        raise ConfigError(f"--count must be >= 1, got {args.count}")
    if args.name and args.count != 1:
        raise ConfigError("--name needs --count 1")
    if args.name is not None:
        from core.fileio import safe_component

        if safe_component(args.name) != args.name:
            raise ConfigError(f"--name {args.name!r} is not a plain folder name (no path separators, no leading dot); "
                              f"e.g. {safe_component(args.name)!r}")
    if args.seed < 0:
        raise ConfigError(f"--seed must be >= 0, got {args.seed}")
    from core.errors import OutputError
    from core.fileio import not_utf8

    if not_utf8(Path(args.out_dir).absolute()):  # OpenCV's writers end the process (segmentation fault) on it
        raise OutputError(args.out_dir, "the path is not valid UTF-8 text (a byte such as \\xff in a folder name), "
                                        "which OpenCV cannot write to; choose another folder")
    if args.size is not None and not all(32 <= side <= 4096 for side in args.size):  # it said 'SyntheticConfig: ...'
        raise ConfigError(f"--size {args.size[0]}x{args.size[1]}: each side must be 32..4096 pixels")
    if args.fps is not None and not 0 < args.fps < float("inf"):
        raise ConfigError(f"--fps must be a positive number, got {args.fps:g}")
    base = SyntheticConfig()
    if args.config is not None:
        base = _config_file(args.config, args.seed)
    challenges = args.challenges
    if args.family is not None:
        challenges = tuple(dict.fromkeys((challenges or ()) + challenge_families()[args.family]))
    given = {"num_frames": args.frames, "fps": args.fps}  # options left out keep the --config's values
    if args.size is not None:
        given.update(width=args.size[0], height=args.size[1])
    overrides = {key: value for key, value in given.items() if value is not None}
    if challenges is not None:
        overrides["challenges"] = challenges
    config = from_dict(SyntheticConfig, {**_fields(base), **overrides})
    if config.num_frames > MAX_FRAMES:  # --frames 100000000 was killed by the OOM killer, without a word
        given = f"--frames {args.frames}" if args.frames is not None else f"{args.config}: num_frames {config.num_frames}"
        raise ConfigError(f"{given}: a synthetic sequence has at most {MAX_FRAMES:,} frames (its whole path is made in "
                          "memory before the frames are written); write several with --count")
    check_targets(args, least_bytes(config, args.layout) * args.count)
    for k in range(args.count):
        seed = args.seed + k
        name = args.name or f"synthetic-{seed}"
        sequence = SyntheticSequence(config, seed, name=name, cache_frames=0)
        target = args.out_dir / name
        existed = (target / "synthetic.json").is_file()  # an earlier sequence, which --force replaces
        try:
            if args.layout == "lasher":
                out = run_with_bar(write_lasher(sequence, target), f"{name} (lasher)")
            else:
                out = write_video_folder(sequence, target, args.format, config.fps)
        except KeyboardInterrupt:  # before the cli's 'cancelled' (or 'terminated'): what the stop left
            print(stopped_line(args, k, existed), file=sys.stderr)
            raise
        print(f"{out}  seed={seed} frames={len(sequence)} challenges={','.join(config.challenges) or 'none'}")
    return 0


def stopped_line(args: argparse.Namespace, written: int, existed: bool) -> str:
    """What a run stopped by Ctrl+C or SIGTERM while writing its sequence ``written`` (0-based;
    ``existed``: an earlier sequence of that name was there) left: that one is not written (each
    is replaced as a whole, so an earlier one is as it was), how many before it were, and the
    options that write the rest. It said only 'cancelled', and the same command again was
    refused ('synthetic-0: already exists (give --force to replace it)'), with no word of
    --seed / --count."""
    name = args.name or f"synthetic-{args.seed + written}"
    line = f"synth: stopped while writing {name}, which was not written"
    if existed:
        line += " (the earlier one is as it was)"
    if args.count == 1:
        return line
    done = (f"synthetic-{args.seed}" if written == 1 else
            f"synthetic-{args.seed} .. synthetic-{args.seed + written - 1}")
    if not written:
        return line + f"; none of the {args.count} sequences was written"
    return (line + f"; {written} of {args.count} sequences written in {args.out_dir} ({done}); "
            f"--seed {args.seed + written} --count {args.count - written} writes the rest")


def write_video_folder(sequence: SyntheticSequence, target: Path, container: str, fps: float) -> Path:
    """``target`` as a video-layout sequence folder (``visible.<container>``,
    ``thermal.<container>``, ``groundtruth.txt``, ``groundtruth_thermal.txt``,
    ``synthetic.json``), replaced as a whole and atomically like the LasHeR layout: an
    earlier sequence of either layout leaves nothing behind (its frames would otherwise be
    what the folder opens as), and a stopped run leaves the earlier folder as it was."""
    from core.fileio import atomic_directory

    suffix = "." + container
    with atomic_directory(target) as tmp:
        tmp.chmod(0o755)  # mkdtemp makes it private; a dataset folder should be readable
        job = write_video_pair(sequence, tmp / f"visible{suffix}", tmp / f"thermal{suffix}", fps,
                               ground_truth_path=tmp / "groundtruth.txt")
        run_with_bar(job, f"{target.name} (video)")
        write_ground_truth(sequence, tmp / "groundtruth_thermal.txt", thermal=True)
        write_text_file(tmp / "synthetic.json", sidecar_json(sequence))
    return target


# Everything synth writes into a sequence folder (both layouts).
SYNTH_FILES = frozenset({"visible", "infrared", "visible.txt", "infrared.txt", "init.txt", "synthetic.json",
                         "visible.mp4", "thermal.mp4", "visible.avi", "thermal.avi", "groundtruth.txt",
                         "groundtruth_thermal.txt"})


#: the most frames of one synthetic sequence (its path, about 0.2 KB a frame, is made in memory)
MAX_FRAMES = 1_000_000
#: the fewest bytes a LasHeR-layout frame pair takes per pixel (JPEG visible + PNG thermal; the
#: plain family measured 0.59-0.65 at 640x480 and 320x256, noise and textures take more)
LASHER_BYTES_PER_PIXEL = 0.4


def least_bytes(config: SyntheticConfig, layout: str) -> int:
    """The fewest bytes one sequence of ``config`` takes on disk in ``layout`` (0 for the video
    layout, whose compressed size is not foreseen): a disk too small is said before the work
    instead of a full disk part-way through."""
    if layout != "lasher":
        return 0
    return int(LASHER_BYTES_PER_PIXEL * config.width * config.height * config.num_frames)


def check_targets(args: argparse.Namespace, free_bytes: int = 0) -> None:
    """Before writing anything: OUT_DIR writable and a folder with ``free_bytes`` free; an
    existing sequence folder is replaced only when it is an earlier synthetic one
    (``synthetic.json``) and ``--force`` is given."""
    from core.errors import OutputError
    from core.fileio import check_output

    check_output(args.out_dir, folder=True, option="OUT_DIR", free_bytes=free_bytes)
    for k in range(args.count):
        target = args.out_dir / (args.name or f"synthetic-{args.seed + k}")
        if target.exists() and not (target.is_dir() and not any(target.iterdir())):
            if not (target / "synthetic.json").is_file():
                raise OutputError(target, "exists and is not an earlier synthetic sequence; choose another OUT_DIR "
                                          "or --name")
            extra = sorted(p.name for p in target.iterdir() if p.name not in SYNTH_FILES)
            if extra:
                raise OutputError(target, f"holds files synth did not write ({', '.join(extra[:3])}: annotations?); "
                                          "it is never replaced, choose another OUT_DIR or --name")
            if not args.force:
                raise OutputError(target, "already exists (give --force to replace it)")


def _config_file(path: Path, seed: int) -> SyntheticConfig:
    """The ``SyntheticConfig`` of ``--config``: a JSON object of its fields, or the
    ``synthetic.json`` synth writes beside a sequence (its ``config`` section; refused before
    as "unknown key(s) ['absent', 'config', ...]"), whose seed is said when it is not ``seed``."""
    from core.config import load_json, read_config_json, with_file

    data = read_config_json(path)
    if data.get("generator") != "core.synthetic" or not isinstance(data.get("config"), dict):
        return load_json(SyntheticConfig, path)
    config = with_file(path, lambda: from_dict(SyntheticConfig, data["config"], where=f"{path} ('config')"))
    written = data.get("seed")
    if isinstance(written, int) and written != seed:
        print(f"note: {path} is a sequence's synthetic.json: its generator config is used; the sequence was made "
              f"with --seed {written} (give it for the same sequence)", file=sys.stderr)
    return config


def _fields(config: SyntheticConfig) -> dict:
    return {f: getattr(config, f) for f in config.__dataclass_fields__}

