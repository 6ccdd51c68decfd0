"""``python main.py track`` end to end with random weights (synthetic pairs, TNO)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.cli import main


@pytest.fixture
def no_bundled_weights(tmp_path, monkeypatch):
    """No bundled checkpoint (``assets/models`` points at an empty place): ``--random-weights``
    without ``--weights`` then runs random weights, whatever assets/models holds (a checkpoint
    named with ``--weights`` that does not exist is refused, test_cli_missing_weights)."""
    import core.tracking.factory

    monkeypatch.setattr(core.tracking.factory, "MODELS_DIR", tmp_path / "no-bundled-models")


def _write_pair(moving_square, folder, frames=6):
    seq = moving_square(num_frames=frames)
    (folder / "visual").mkdir(parents=True)
    (folder / "thermal").mkdir()
    for i in range(frames):
        pair = seq[i]
        cv2.imwrite(str(folder / "visual" / f"{i:04d}v.png"), cv2.cvtColor(pair.visible, cv2.COLOR_RGB2BGR))
        cv2.imwrite(str(folder / "thermal" / f"{i:04d}i.png"), pair.thermal)
    return seq


def _lines(path):
    return path.read_text(encoding="utf-8").splitlines()


def _check_boxes(path, frames, init):
    lines = _lines(path)
    assert len(lines) == frames
    values = np.array([[float(v) for v in line.split(",")] for line in lines])
    assert values.shape == (frames, 4) and np.isfinite(values).all() and (values[:, 2:] > 0).all()
    np.testing.assert_allclose(values[0], init)
    return values


def test_track_two_folders_and_scores(tmp_path, moving_square, capsys, no_bundled_weights):
    seq = _write_pair(moving_square, tmp_path / "pair")
    out, scores = tmp_path / "out" / "boxes.txt", tmp_path / "out" / "scores.txt"
    code = main(["track", str(tmp_path / "pair" / "visual"), str(tmp_path / "pair" / "thermal"), "--init",
                 "40,40,16,16", "--out", str(out), "--scores", str(scores), "--random-weights", "--threads", "1",
                 "--device", "cpu"])
    assert code == 0
    _check_boxes(out, len(seq), [40, 40, 16, 16])
    confidences = [float(v) for v in _lines(scores)]
    assert len(confidences) == len(seq) and confidences[0] == 1.0
    assert all(0.0 < c < 1.0 for c in confidences[1:])
    assert "RANDOM weights" in capsys.readouterr().err  # said loudly, whatever assets/models holds


def test_track_sequence_folder_given_twice_and_teacher(tmp_path, moving_square, capsys):
    seq = _write_pair(moving_square, tmp_path / "seq", frames=3)
    out = tmp_path / "boxes.txt"
    folder = str(tmp_path / "seq")
    assert main(["track", folder, folder, "--init", "40 40 16 16", "--out", str(out), "--model", "teacher",
                 "--random-weights", "--threads", "1", "--template-update", "--kalman-fallback",
                 "--distractor-memory", "--hold-when-lost"]) == 0
    _check_boxes(out, len(seq), [40, 40, 16, 16])
    assert "hold when lost: " in capsys.readouterr().err  # says on how many frames the box was held
    plain = tmp_path / "plain.txt"
    assert main(["track", folder, folder, "--init", "40 40 16 16", "--out", str(plain), "--model", "teacher",
                 "--random-weights", "--threads", "1", "--no-online-filter"]) == 0
    _check_boxes(plain, len(seq), [40, 40, 16, 16])


def test_network_options_are_refused_for_a_classical_tracker(tmp_path, moving_square, capsys):
    _write_pair(moving_square, tmp_path / "seq", frames=3)
    folder = str(tmp_path / "seq")
    out = tmp_path / "boxes.txt"
    assert main(["track", folder, "--init", "40 40 16 16", "--out", str(out), "--tracker", "csrt",
                 "--distractor-memory"]) != 0
    assert "--no-online-filter and --streams apply to the student and teacher, not to" in capsys.readouterr().err
    assert not out.exists()
    assert main(["track", folder, "--init", "40 40 16 16", "--out", str(out), "--tracker", "csrt",
                 "--hold-when-lost"]) != 0
    assert "--hold-when-lost" in capsys.readouterr().err
    assert main(["track", folder, "--init", "40 40 16 16", "--out", str(out), "--tracker", "csrt",
                 "--streams", "thermal"]) != 0
    assert "(it sees one stream: --modality)" in capsys.readouterr().err
    assert main(["track", folder, "--init", "40 40 16 16", "--out", str(out), "--tracker", "csrt",
                 "--no-online-filter"]) != 0
    assert "apply to the student and teacher, not to" in capsys.readouterr().err
    for value in ("on", "off"):  # refused whichever way it is said; left out, CSRT runs (below)
        assert main(["track", folder, "--init", "40 40 16 16", "--out", str(out), "--tracker", "csrt",
                     "--pair-correlation", value]) != 0
        assert "--pair-correlation" in capsys.readouterr().err
    for value in ("drawn", "free"):
        assert main(["track", folder, "--init", "40 40 16 16", "--out", str(out), "--tracker", "csrt",
                     "--pair-shape", value]) != 0
        assert "--pair-shape" in capsys.readouterr().err
    for value in ("on", "off"):
        assert main(["track", folder, "--init", "40 40 16 16", "--out", str(out), "--tracker", "csrt",
                     "--pixel-match", value]) != 0
        assert "--pixel-match" in capsys.readouterr().err
    assert not out.exists()
    assert main(["track", folder, "--init", "40 40 16 16", "--out", str(out), "--tracker", "csrt"]) == 0
    assert out.exists()


def _random_student_args(tmp_path, moving_square, monkeypatch) -> list[str]:
    """``track`` arguments for a 3-frame pair written to ``tmp_path``, a student whose bundled weights
    are missing (random weights allowed), one thread, the CPU."""
    import core.tracking.factory

    monkeypatch.setattr(core.tracking.factory, "MODELS_DIR", tmp_path / "no-bundled-models")
    _write_pair(moving_square, tmp_path / "pair", frames=3)
    return [str(tmp_path / "pair" / "visual"), str(tmp_path / "pair" / "thermal"), "--init", "40,40,16,16",
            "--out", str(tmp_path / "boxes.txt"), "--random-weights", "--threads", "1", "--device", "cpu"]


def _configs_built(monkeypatch, capsys, args, field: str, options) -> list:
    """``TrackerConfig.<field>`` of the tracker ``track`` builds with each of ``options`` added to
    ``args``; building stops there (what the tracker then does is the tracker's tests' business)."""
    import core.trackers
    from core.errors import ConfigError

    built = []

    def recording(choice, info=None, *, config=None):
        built.append(getattr(config, field))
        raise ConfigError("recorded")

    monkeypatch.setattr(core.trackers, "build_tracker", recording)
    for option in options:
        assert main(["track", *args, *option]) == 2
        assert "recorded" in capsys.readouterr().err
    return built


def _refused_word_then_help(capsys, args, option: str, word: str) -> str:
    """``track ARGS OPTION WORD`` must be an argparse error (exit 2) naming ``OPTION``; returns the
    text of ``track --help`` with its whitespace collapsed."""
    with pytest.raises(SystemExit) as exit_info:
        main(["track", *args, option, word])
    assert exit_info.value.code == 2 and option in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["track", "--help"])
    return " ".join(capsys.readouterr().out.split())


def test_pair_correlation_option_is_parsed_and_reaches_the_network_tracker(tmp_path, moving_square, monkeypatch,
                                                                          capsys):
    """``--pair-correlation on|off`` sets ``TrackerConfig.pair_correlation`` (``PAIR_CORRELATION_WEIGHT`` /
    0); left out, the config's default; another word is an argparse error."""
    from core.cli import build_parser
    from core.tracking.tracker_config import PAIR_CORRELATION_WEIGHT, TrackerConfig

    args = _random_student_args(tmp_path, moving_square, monkeypatch)
    assert build_parser().parse_args(["track", *args]).pair_correlation is None  # "not given"
    assert build_parser().parse_args(["track", *args, "--pair-correlation", "off"]).pair_correlation == "off"
    help_text = _refused_word_then_help(capsys, args, "--pair-correlation", "yes")
    assert "--pair-correlation {on,off}" in help_text and "single-modality footage is never touched" in help_text
    assert f"default {'on' if TrackerConfig().pair_correlation > 0 else 'off'}" in help_text

    built = _configs_built(monkeypatch, capsys, args, "pair_correlation",
                           (["--pair-correlation", "on"], ["--pair-correlation", "off"], []))
    assert built == [PAIR_CORRELATION_WEIGHT, 0.0, TrackerConfig().pair_correlation]


def test_streams_reach_the_network_tracker(tmp_path, moving_square, monkeypatch, capsys, no_bundled_weights):
    """``--streams`` becomes the tracker's ``TrackerConfig.streams`` (what it feeds the network
    is tested in ``test_tracker_config`` and ``test_blind_stream``); the run writes its boxes, and
    with "auto" says on how many frames it fed the thermal stream alone."""
    import core.trackers

    _write_pair(moving_square, tmp_path / "pair", frames=4)
    built = []
    original = core.trackers.build_tracker

    def recording(choice, info=None, *, config=None):
        tracker = original(choice, info, config=config)
        built.append(tracker.config.streams)
        return tracker

    monkeypatch.setattr(core.trackers, "build_tracker", recording)
    for streams in ("thermal", "visible", "both", "auto"):
        out = tmp_path / f"{streams}.txt"
        assert main(["track", str(tmp_path / "pair" / "visual"), str(tmp_path / "pair" / "thermal"), "--streams",
                     streams, "--init", "40,40,16,16", "--out", str(out), "--random-weights", "--threads", "1",
                     "--device", "cpu"]) == 0
        _check_boxes(out, 4, [40, 40, 16, 16])
        assert ("streams auto:" in capsys.readouterr().err) == (streams == "auto")
    assert built == ["thermal", "visible", "both", "auto"]



@pytest.mark.parametrize("stream", ["thermal", "visible"])
def test_streams_auto_on_one_stream_footage_says_so(tmp_path, moving_square, capsys, no_bundled_weights, stream):
    """On a thermal-only sequence (vot-tir2016/horse) ``track`` said 'streams auto: both streams on
    all 347 tracked frames (the visible stream was never blind)': there is no visible stream, the
    thermal frame feeds both inputs. Single-stream footage now says what was fed."""
    from core.sequences import open_sequence

    seq = moving_square(num_frames=4)
    folder = tmp_path / stream
    folder.mkdir()
    for i in range(len(seq)):
        image = seq[i].thermal if stream == "thermal" else cv2.cvtColor(seq[i].visible, cv2.COLOR_RGB2BGR)
        cv2.imwrite(str(folder / f"{i + 1:08d}.png"), image)
    (folder / "groundtruth.txt").write_text("40,40,16,16\n" * len(seq))
    assert getattr(open_sequence(folder).info, f"{stream}_only")
    assert main(["track", str(folder), "--out", str(tmp_path / "out.txt"), "--random-weights", "--threads", "1",
                 "--device", "cpu"]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("streams auto:")]
    assert notes == [f"streams auto: one stream ({stream} only), fed to both inputs" +
                     ("" if stream == "thermal" else " (its luminance as the thermal one)")]

def test_track_video_pair(tmp_path, moving_square):
    seq = moving_square(num_frames=5)
    paths = []
    for name, channel in (("visible.avi", lambda p: cv2.cvtColor(p.visible, cv2.COLOR_RGB2BGR)),
                          ("thermal.avi", lambda p: cv2.cvtColor(p.thermal, cv2.COLOR_GRAY2BGR))):
        writer = cv2.VideoWriter(str(tmp_path / name), cv2.VideoWriter_fourcc(*"MJPG"), 10, (seq.width, seq.height))
        for i in range(len(seq)):
            writer.write(channel(seq[i]))
        writer.release()
        paths.append(str(tmp_path / name))
    out = tmp_path / "boxes.txt"
    assert main(["track", *paths, "--init", "40,40,16,16", "--out", str(out), "--random-weights", "--threads", "1"]) == 0
    _check_boxes(out, len(seq), [40, 40, 16, 16])


def test_track_errors(tmp_path, capsys):
    out = tmp_path / "boxes.txt"
    folder = tmp_path / "empty"
    folder.mkdir()
    # no checkpoint and no --random-weights: a typed error naming the file, exit status 2
    code = main(["track", str(folder), "--init", "1,1,5,5", "--out", str(out),
                 "--weights", str(tmp_path / "nope.pt")])
    assert code == 2 and "nope.pt" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["track", str(folder), "--init", "1,1,5", "--out", str(out)])
    assert not out.exists()


def test_track_on_tno(shared_data, tmp_path):
    sequences = sorted(p for p in (shared_data / "tno").iterdir() if p.is_dir())
    assert sequences
    for folder in sequences:
        out = tmp_path / f"{folder.name}.txt"
        code = main(["track", str(folder / "visual"), str(folder / "thermal"), "--init", "150,100,20,40",
                     "--out", str(out), "--random-weights", "--threads", "1", "--device", "cpu"])
        assert code == 0
        frames = len(list((folder / "visual").iterdir()))
        values = _check_boxes(out, frames, [150, 100, 20, 40])
        assert (values[:, 0] <= 360).all() and (values[:, 1] <= 270).all()


def test_the_hold_note_counts_the_held_frames():
    from core.commands.track import _held_note

    assert _held_note([204, 205, 209], 299) == ("hold when lost: the box held on 3 of 299 tracked frames (target "
                                                "measured lost; first at frame 205, last at 210)")
    assert "never measured lost on the 12 tracked frames" in _held_note([], 12)


def test_the_pixel_match_note_counts_the_moved_frames():
    from core.commands.track import _pixel_match_note

    note = _pixel_match_note([0.95, 0.7, 0.5, float("nan"), 0.9], (0.6, 0.9))
    assert note.startswith("pixel match: the reported centre moved onto the drawn target's pixels on 3 of 5 tracked "
                           "frames (2 by the whole shift)")
    assert note.endswith("; elsewhere they fit too poorly and the network's centre stands")
    everywhere = _pixel_match_note([0.95, 0.7], (0.6, 0.9))  # said 'elsewhere' with no frame left
    assert everywhere.endswith("on 2 of 2 tracked frames (1 by the whole shift)")


def test_track_says_what_the_pixel_match_did_unless_it_is_off(tmp_path, moving_square, monkeypatch, capsys):
    args = _random_student_args(tmp_path, moving_square, monkeypatch)
    assert main(["track", *args]) == 0
    assert "pixel match: the reported centre moved onto the drawn target's pixels on " in capsys.readouterr().err
    assert main(["track", *args, "--pixel-match", "off", "--force"]) == 0
    assert "pixel match:" not in capsys.readouterr().err


def test_a_bad_count_or_a_weights_folder_is_one_line_before_any_work(tmp_path, moving_square, capsys):
    _write_pair(moving_square, tmp_path / "pair", frames=3)
    out = tmp_path / "boxes.txt"
    pair = [str(tmp_path / "pair" / "visual"), str(tmp_path / "pair" / "thermal"), "--init", "40,40,16,16",
            "--out", str(out)]
    for threads in ("-3", "0", "two"):
        with pytest.raises(SystemExit) as exit_info:
            main(["track", *pair, "--threads", threads])
        err = capsys.readouterr().err
        assert exit_info.value.code == 2 and "--threads" in err and threads in err and "Traceback" not in err
    weights = tmp_path / "models"
    weights.mkdir()  # a folder where a checkpoint file belongs: said as such, not "not found"
    assert main(["track", *pair, "--weights", str(weights), "--random-weights"]) == 2
    err = capsys.readouterr().err
    assert "is a folder" in err and str(weights) in err and err.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize("option,value,problem", [("--jobs", "0", "at least 1"), ("--threads", "-1", "at least 1")])
def test_bench_accuracy_refuses_bad_counts_before_any_work(option, value, problem, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["bench", "accuracy", "--real", "--trackers", "csrt", option, value])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and option in err and problem in err and "Traceback" not in err


def test_pair_shape_option_is_parsed_and_reaches_the_network_tracker(tmp_path, moving_square, monkeypatch, capsys):
    """``--pair-shape drawn|free`` sets ``TrackerConfig.pair_max_aspect_change`` (the drawn shape /
    the single-modality bound); left out, the config's default; another word is an argparse error."""
    from core.cli import build_parser
    from core.tracking.tracker_config import MAX_ASPECT_CHANGE, PAIR_MAX_ASPECT_CHANGE, TrackerConfig

    args = _random_student_args(tmp_path, moving_square, monkeypatch)
    assert build_parser().parse_args(["track", *args]).pair_shape is None
    help_text = _refused_word_then_help(capsys, args, "--pair-shape", "square")
    assert "--pair-shape {drawn,free}" in help_text and "'drawn' (the default)" in help_text

    built = _configs_built(monkeypatch, capsys, args, "pair_max_aspect_change",
                           (["--pair-shape", "drawn"], ["--pair-shape", "free"], []))
    assert built == [PAIR_MAX_ASPECT_CHANGE, MAX_ASPECT_CHANGE, TrackerConfig().pair_max_aspect_change]
    assert MAX_ASPECT_CHANGE > PAIR_MAX_ASPECT_CHANGE == TrackerConfig().pair_max_aspect_change


def test_pixel_match_option_is_parsed_and_reaches_the_network_tracker(tmp_path, moving_square, monkeypatch, capsys):
    """``--pixel-match on|off`` sets ``TrackerConfig.pixel_match`` (``PIXEL_MATCH_WEIGHT`` / 0); left
    out, the config's default (on); another word is an argparse error."""
    from core.cli import build_parser
    from core.tracking.tracker_config import PIXEL_MATCH_WEIGHT, TrackerConfig

    args = _random_student_args(tmp_path, moving_square, monkeypatch)
    assert build_parser().parse_args(["track", *args]).pixel_match is None
    help_text = _refused_word_then_help(capsys, args, "--pixel-match", "maybe")
    assert "--pixel-match {on,off}" in help_text and "default on" in help_text

    built = _configs_built(monkeypatch, capsys, args, "pixel_match",
                           (["--pixel-match", "on"], ["--pixel-match", "off"], []))
    assert built == [PIXEL_MATCH_WEIGHT, 0.0, TrackerConfig().pixel_match]
    assert TrackerConfig().pixel_match == PIXEL_MATCH_WEIGHT > 0


def _lasher(tmp_path, absent_from: int | None = None):
    from core.progress import run_to_end
    from core.synthetic import SyntheticConfig, SyntheticSequence
    from core.synthetic.writers import write_lasher

    seq = SyntheticSequence(SyntheticConfig(width=96, height=80, num_frames=5), 3)
    folder = run_to_end(write_lasher(seq, tmp_path / "lasher"))
    if absent_from is not None:  # the target leaves the view from this 1-based frame on
        for name in ("visible.txt", "infrared.txt", "init.txt"):
            lines = (folder / name).read_text().splitlines()
            (folder / name).write_text("\n".join(lines[:absent_from - 1] + ["0,0,0,0"] * (len(lines) - absent_from + 1))
                                       + "\n")
    return seq, folder


def test_without_init_the_run_starts_from_the_ground_truth_box(tmp_path, capsys):
    seq, folder = _lasher(tmp_path)
    out = tmp_path / "boxes.txt"
    assert main(["track", str(folder), "--out", str(out), "--tracker", "csrt", "--start-frame", "2"]) == 0
    truth = np.array([[float(v) for v in line.split(",")] for line in _lines(folder / "visible.txt")])
    lines = _lines(out)
    assert lines[0] == "0,0,0,0"  # line k = frame k: frame 1 was not tracked
    out.write_text("\n".join(lines[1:]) + "\n")
    _check_boxes(out, len(seq) - 1, np.round(truth[1], 2))
    assert "starting from the ground-truth box on frame 2: " in capsys.readouterr().err


def test_without_init_a_sequence_without_a_box_there_asks_for_one(tmp_path, moving_square, capsys):
    _, folder = _lasher(tmp_path, absent_from=3)
    out = tmp_path / "boxes.txt"
    assert main(["track", str(folder), "--out", str(out), "--tracker", "csrt", "--start-frame", "4"]) == 2
    err = capsys.readouterr().err
    assert "has no box on frame 4" in err and "--init x,y,w,h" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and not out.exists()
    _write_pair(moving_square, tmp_path / "plain", frames=3)  # image folders: no ground truth at all
    assert main(["track", str(tmp_path / "plain" / "visual"), str(tmp_path / "plain" / "thermal"),
                 "--out", str(out), "--tracker", "csrt"]) == 2
    err = capsys.readouterr().err
    assert "has no ground truth to start from; give the box with --init x,y,w,h" in err and not out.exists()
