"""What a synthetic RGB-T sequence looks like: :class:`SyntheticConfig` and the challenge tags.

A config is a frozen dataclass; together with an integer seed it determines every pixel
of a :class:`core.synthetic.sequence.SyntheticSequence`. Challenge tags switch effects
on; the numeric fields set their strength (lengths in pixels of the visible grid are
given as fractions of the frame height so a config scales with the resolution).

Challenge tags (``CHALLENGES``):

- ``night``: visible frame dark (gain ``night_gain``, gamma), desaturated and bluish, with strong noise.
- ``thermal_crossover``: for a window of the sequence the target is as warm as the
  background around it (thermal contrast near zero, its outline fades into the background).
- ``occlusion``: an occluder passes in front of the target, in both modalities.
- ``visible_distractor``: an object that looks like the target in the visible frame
  but is at background temperature (absent from the thermal frame); it roams around the
  target and repeatedly crosses in front of it, hiding it in the visible frame only.
- ``thermal_distractor``: a warm object with the target's thermal signature that is
  invisible in the visible frame; same motion, hides the target in the thermal frame only.
  (``occluded`` / ``absent`` describe the occluder of ``occlusion`` only; a distractor's
  cover of the target is ``distractor_cover`` and the frame tag.)
- ``motion_blur``: target and background blurred along their motion.
- ``sensor_noise``: strong noise in both modalities (thermal with column stripes).
- ``misalignment``: the thermal frame is offset by ``misalignment`` pixels.
- ``scale_change``: the target's size varies by up to ``exp(scale_change_range)``.
- ``fast_motion``: target speed multiplied by ``fast_motion_factor``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from core.errors import ConfigError

CHALLENGES = (
    "night",
    "thermal_crossover",
    "occlusion",
    "visible_distractor",
    "thermal_distractor",
    "motion_blur",
    "sensor_noise",
    "misalignment",
    "scale_change",
    "fast_motion",
)

#: Seeds used for training streams are drawn in ``[0, TRAIN_SEED_LIMIT)``; the fixed
#: evaluation split uses seeds ``>= EVAL_SEED_BASE``, so the two never meet.
TRAIN_SEED_LIMIT = 10**6
EVAL_SEED_BASE = 10**9


@dataclass(frozen=True)
class SyntheticConfig:
    """Parameters of one synthetic sequence (lengths relative to the frame height H).

    width, height: frame size in pixels (visible and thermal share the grid).
    num_frames: N frames. fps: nominal frame rate written to videos.
    challenges: tags from ``CHALLENGES`` (order irrelevant, duplicates rejected).
    background: "auto" (seeded choice), "photo" (photographs shipped in wheels, falls back
    to procedural when none is installed) or "procedural".
    target_size: sqrt(w*h) of the target at scale 1, as a fraction of H.
    target_aspect: w/h of the target at scale 1.
    speed: mean target speed in H per frame. fast_motion_factor: speed multiplier.
    scale_range: log-amplitude of the slow size drift (always on, small).
    scale_change_range: log-amplitude of the size change with ``scale_change``.
    camera_speed: mean background pan speed in H per frame.
    visible_noise, thermal_noise: noise sigma in grey levels (``sensor_noise`` x3).
    night_gain: visible brightness factor with ``night``.
    misalignment: thermal offset magnitude in pixels with ``misalignment``.
    crossover_fraction: share of the frames in the ``thermal_crossover`` window.
    blur_length: motion-blur kernel length per pixel of motion with ``motion_blur``.
    """

    width: int = 320
    height: int = 256
    num_frames: int = 150
    fps: float = 30.0
    challenges: tuple[str, ...] = ()
    background: str = "auto"
    target_size: float = 0.16
    target_aspect: float = 1.0
    speed: float = 0.008
    fast_motion_factor: float = 4.0
    scale_range: float = 0.15
    scale_change_range: float = 0.7
    camera_speed: float = 0.004
    visible_noise: float = 2.0
    thermal_noise: float = 1.5
    night_gain: float = 0.14
    misalignment: float = 6.0
    crossover_fraction: float = 0.5
    blur_length: float = 1.0

    def __post_init__(self) -> None:
        if not (32 <= self.width <= 4096 and 32 <= self.height <= 4096):
            raise ConfigError(f"SyntheticConfig: frame size {self.width}x{self.height} outside 32..4096")
        if self.num_frames < 1:
            raise ConfigError(f"SyntheticConfig: num_frames must be >= 1, got {self.num_frames}")
        unknown = [c for c in self.challenges if c not in CHALLENGES]
        if unknown:
            raise ConfigError(f"SyntheticConfig: unknown challenge(s) {unknown}; known: {list(CHALLENGES)}")
        if len(set(self.challenges)) != len(self.challenges):
            raise ConfigError(f"SyntheticConfig: duplicated challenge in {list(self.challenges)}")
        if self.background not in ("auto", "photo", "procedural"):
            raise ConfigError(f"SyntheticConfig: background must be auto, photo or procedural, got {self.background!r}")
        if not (0.03 <= self.target_size <= 0.5):
            raise ConfigError(f"SyntheticConfig: target_size {self.target_size} outside 0.03..0.5")
        if not (0.25 <= self.target_aspect <= 4.0):
            raise ConfigError(f"SyntheticConfig: target_aspect {self.target_aspect} outside 0.25..4")
        if self.fps <= 0:
            raise ConfigError(f"SyntheticConfig: fps must be positive, got {self.fps}")

    def has(self, challenge: str) -> bool:
        return challenge in self.challenges


def challenge_families() -> dict[str, tuple[str, ...]]:
    """Named groups of challenges used by the evaluation split and ``sample_config``.

    Families where one modality fails by design: ``night`` (visible), ``crossover``
    (thermal), ``visible_distractor`` (visible), ``thermal_distractor`` (thermal).
    """
    return {
        "clean": (),
        "night": ("night",),
        "crossover": ("thermal_crossover",),
        "occlusion": ("occlusion",),
        "visible_distractor": ("visible_distractor",),
        "thermal_distractor": ("thermal_distractor",),
        "fast": ("fast_motion", "motion_blur", "scale_change"),
        "degraded": ("sensor_noise", "misalignment", "night"),
    }


def sample_config(rng: np.random.Generator, challenge_family: str | None = None) -> SyntheticConfig:
    """Draw a varied config for the training stream.

    With ``challenge_family`` the challenges are that family's (plus, half the time, one
    more random tag); without it, a random family is drawn half the time, else each tag
    independently with probability 0.2. Frame size 320x256 most of the time, 100..300
    frames. Pair it with a seed in ``[0, TRAIN_SEED_LIMIT)`` (see ``sample_training_seed``).
    """
    families = challenge_families()
    if challenge_family is not None and challenge_family not in families:
        raise ConfigError(f"unknown challenge family {challenge_family!r}; known: {sorted(families)}")
    if challenge_family is None and rng.random() < 0.5:
        challenges = {c for c in CHALLENGES if rng.random() < 0.2}
    else:
        name = challenge_family or sorted(families)[int(rng.integers(len(families)))]
        challenges = set(families[name])
        if rng.random() < 0.5:
            challenges.add(CHALLENGES[int(rng.integers(len(CHALLENGES)))])
    sizes = ((320, 256), (320, 256), (320, 256), (256, 256), (384, 288))
    width, height = sizes[int(rng.integers(len(sizes)))]
    return SyntheticConfig(
        width=width,
        height=height,
        num_frames=int(rng.integers(100, 301)),
        challenges=tuple(c for c in CHALLENGES if c in challenges),
        background="auto",
        target_size=float(rng.uniform(0.08, 0.26)),
        target_aspect=float(np.exp(rng.uniform(-0.7, 0.7))),
        speed=float(rng.uniform(0.003, 0.014)),
        fast_motion_factor=float(rng.uniform(2.5, 5.0)),
        scale_range=float(rng.uniform(0.05, 0.25)),
        scale_change_range=float(rng.uniform(0.4, 0.9)),
        camera_speed=float(rng.uniform(0.0, 0.008)),
        visible_noise=float(rng.uniform(0.5, 4.0)),
        thermal_noise=float(rng.uniform(0.5, 3.0)),
        night_gain=float(rng.uniform(0.08, 0.22)),
        misalignment=float(rng.uniform(3.0, 10.0)),
        crossover_fraction=float(rng.uniform(0.3, 0.7)),
        blur_length=float(rng.uniform(0.6, 1.4)),
    )


def sample_training_seed(rng: np.random.Generator) -> int:
    """A sequence seed for training, in ``[0, TRAIN_SEED_LIMIT)``."""
    return int(rng.integers(0, TRAIN_SEED_LIMIT))


def evaluation_split(frames: int = 150, per_family: int = 3) -> list[tuple[str, SyntheticConfig, int]]:
    """The FIXED synthetic evaluation split: ``[(name, config, seed), ...]``.

    ``per_family`` sequences per family of ``challenge_families()`` (24 by default), each
    ``frames`` frames at 320x256. Configs are fixed literals varied per index (no RNG
    state shared with training); seeds are ``EVAL_SEED_BASE + 1000 * family_index + k``,
    disjoint from training seeds (< ``TRAIN_SEED_LIMIT``). Names are ``<family>-<k>``.
    """
    split = []
    sizes = (0.12, 0.17, 0.22, 0.14, 0.2)
    aspects = (1.0, 0.6, 1.6, 0.8, 1.3)
    speeds = (0.006, 0.009, 0.012, 0.007, 0.01)
    base = SyntheticConfig(num_frames=frames)
    for f, (family, challenges) in enumerate(challenge_families().items()):
        for k in range(per_family):
            config = replace(
                base,
                challenges=challenges,
                target_size=sizes[k % len(sizes)],
                target_aspect=aspects[k % len(aspects)],
                speed=speeds[k % len(speeds)],
                camera_speed=0.002 * (k % 3),
                background=("procedural", "auto", "photo")[k % 3],
            )
            split.append((f"{family}-{k}", config, EVAL_SEED_BASE + 1000 * f + k))
    return split
