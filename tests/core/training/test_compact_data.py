"""The compact copy of the train part: crops keep the target where its box says, only train
sequences are copied, and the copy trains through the ordinary sources."""
import json

import cv2
import numpy as np
import pytest
import torch

from core.cli import main as cli_main
from core.errors import CheckpointError, ConfigError
from core.progress import run_to_end
from core.training.compact_data import CompactConfig, compact_job, crop_around
from core.training.real_data import read_groundtruth
from core.training.sources import build_source
from tests.core.training.real_fixture import FRAMES, TRAIN, make_data_root, options


@pytest.fixture(scope="module")
def compacted(tmp_path_factory):
    root = tmp_path_factory.mktemp("compact")
    data, split = make_data_root(root)
    out = root / "compact"
    summary = run_to_end(compact_job(split, data, out, CompactConfig(every=2, context=4.0, pair_every=2)))
    return data, split, out, summary, root / "cache"


def test_crop_keeps_the_target_under_its_box():
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, (200, 300, 3), dtype=np.uint8)
    box = np.array([100.0, 60.0, 20.0, 30.0])
    crop, new = crop_around(image, box, CompactConfig(context=5.0, pixels_per_scale=1000.0))
    x, y, w, h = (int(round(v)) for v in new)
    np.testing.assert_array_equal(crop[y:y + h, x:x + w], image[60:90, 100:120])
    side = 5.0 * np.sqrt(20 * 30)
    assert abs(crop.shape[1] - side) <= 2 and abs(crop.shape[0] - side) <= 2


def test_crop_is_clipped_at_the_image_border_and_shrunk_for_large_targets():
    image = np.zeros((100, 100), np.uint8)
    crop, new = crop_around(image, np.array([0.0, 0.0, 80.0, 80.0]), CompactConfig(context=4.0, pixels_per_scale=20.0))
    # 4 x 80 px square centred on (40, 40) clipped to the image: 100 x 100, shrunk by 20/80
    assert crop.shape == (25, 25)
    np.testing.assert_allclose(new, [0, 0, 20, 20])
    with pytest.raises(ValueError):
        crop_around(image, np.array([500.0, 500.0, 10.0, 10.0]), CompactConfig())


def test_only_the_train_part_is_copied_every_nth_usable_frame(compacted):
    data, _, out, summary, _ = compacted
    copied = set(summary["sequences"])
    assert copied == {name for names in TRAIN.values() for name in names}
    assert not (out / "real/rgb/val-v").exists() and not (out / "real/thermal/val-t").exists()
    # seq-a: frames 0..5, frame 2 absent -> usable 0,1,3,4,5 -> every 2nd: 0, 3, 5
    assert summary["sequences"]["real/rgb/seq-a"]["frames_kept"] == [0, 3, 5]
    boxes, usable = read_groundtruth(out / "real/rgb/seq-a/groundtruth.txt")
    assert boxes.shape == (3, 4) and usable.all()
    assert sorted(p.name for p in (out / "real/thermal/th-a").glob("*.jpg")) == ["00000001.jpg", "00000002.jpg",
                                                                                  "00000003.jpg"]
    assert len(list((out / "real/rgbt-unlabeled/pair-a/visible").glob("*.jpg"))) == FRAMES // 2
    written = json.loads((out / "COMPACT.json").read_text(encoding="utf-8"))
    assert written["config"]["every"] == 2 and written["bytes"] > 0


def test_the_crop_under_each_box_is_the_original_target(compacted):
    data, _, out, summary, _ = compacted
    orig_boxes, _ = read_groundtruth(data / "real/rgb/seq-b/groundtruth.txt")
    new_boxes, _ = read_groundtruth(out / "real/rgb/seq-b/groundtruth.txt")
    for k, index in enumerate(summary["sequences"]["real/rgb/seq-b"]["frames_kept"]):
        original = cv2.imread(str(data / f"real/rgb/seq-b/{index + 1:08d}.jpg"))
        crop = cv2.imread(str(out / f"real/rgb/seq-b/{k + 1:08d}.jpg"))
        x, y, w, h = (int(round(v)) for v in orig_boxes[index])
        cx, cy, cw, ch = (int(round(v)) for v in new_boxes[k])
        assert (cw, ch) == (w, h)  # the fixture's targets are small: no shrink
        diff = np.abs(crop[cy:cy + ch, cx:cx + cw].astype(int) - original[y:y + h, x:x + w].astype(int))
        assert diff.mean() < 6  # JPEG twice


def test_the_copy_trains_through_the_ordinary_sources(compacted):
    _, split, out, _, cache = compacted
    visible = build_source("real_visible", options(out, split, cache, decode_cache=False), seed=0)
    assert len(visible.entries) == 2 and visible.entries[0].usable.all()
    pair = visible.entries[0].frame(1)
    assert pair.visible.ndim == 3
    thermal = build_source("real_thermal", options(out, split, cache, decode_cache=False), seed=0)
    assert thermal.entries[0].frame(0).thermal.ndim == 2
    unlabeled = build_source("rgbt_unlabeled", options(out, split, cache), seed=0)
    assert sorted(seq.name for seq in unlabeled.sequences) == sorted(TRAIN["rgbt_unlabeled"])
    entry = unlabeled.draw(np.random.default_rng(0), 0)
    assert entry.frame(0).visible.ndim == 3 and entry.frame(0).thermal.ndim == 2


def test_bad_parameters_are_config_errors():
    with pytest.raises(ConfigError, match="context"):
        CompactConfig(context=2.0)
    with pytest.raises(ConfigError, match="every"):
        CompactConfig(every=0)


@pytest.mark.parametrize("option, value, limit", [
    ("--quality", "200", "10..100"), ("--quality", "5", "10..100"), ("--pair-max-side", "0", ">= 64"),
    ("--pixels-per-scale", "4", ">= 8"), ("--every", "0", ">= 1"), ("--pair-every", "0", ">= 1"),
    ("--context", "2", ">= 4")])
def test_command_names_the_option_and_value_out_of_range(tmp_path, capsys, option, value, limit):
    status = cli_main(["compact-data", str(tmp_path / "out"), "--data-root", str(tmp_path / "data"), option, value])
    err = capsys.readouterr().err
    assert status == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert f"{option} {value}" in err and limit in err
    assert not (tmp_path / "out").exists()
    with pytest.raises(ConfigError, match=f"{option[2:].replace('-', '_')} {value}"):
        CompactConfig(**{option[2:].replace("-", "_"): float(value) if option in ("--context", "--pixels-per-scale")
                         else int(value)})


def test_command_refuses_a_context_that_is_not_a_finite_number(tmp_path, capsys):
    """``--context nan`` is refused where the options are read (``core.commands.arguments.finite_float``,
    as every float option of every command), naming the option and the value; nothing is written.
    The config refuses it too, for callers from Python."""
    with pytest.raises(SystemExit) as stopped:  # argparse's exit, as for any option it refuses
        cli_main(["compact-data", str(tmp_path / "out"), "--data-root", str(tmp_path / "data"), "--context", "nan"])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and "Traceback" not in err
    assert "argument --context: must be a finite number, got 'nan'" in err.strip().splitlines()[-1]
    assert not (tmp_path / "out").exists()
    with pytest.raises(ConfigError, match="context nan"):
        CompactConfig(context=float("nan"))


def test_command_refuses_an_output_inside_the_data_root(tmp_path, capsys):
    data, split = make_data_root(tmp_path)
    status = cli_main(["compact-data", str(data / "copy"), "--split", str(split), "--data-root", str(data)])
    assert status == 2
    err = capsys.readouterr().err
    assert "data root" in err and "Traceback" not in err
    assert not (data / "copy").exists()


def test_the_copy_carries_the_stem_weights_for_a_machine_without_the_wheel(compacted, monkeypatch):
    from core.models.stem import STEM_WEIGHTS_ENV, EfficientNetStem

    _, _, out, summary, _ = compacted
    path = out / summary["stem_weights"]
    assert path.is_file() and path.stat().st_size < 4_000_000
    reference = EfficientNetStem(16)
    reference.load_pretrained()
    monkeypatch.setenv(STEM_WEIGHTS_ENV, str(path))
    stem = EfficientNetStem(16)
    loaded = stem.load_pretrained()
    assert loaded and all(torch.equal(stem.state_dict()[k], reference.state_dict()[k]) for k in loaded)
    monkeypatch.setenv(STEM_WEIGHTS_ENV, str(out / "missing.pth"))
    with pytest.raises(CheckpointError, match="RGBT_STEM_WEIGHTS"):
        EfficientNetStem(16).load_pretrained()
