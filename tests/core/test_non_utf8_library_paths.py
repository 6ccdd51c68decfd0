"""Paths that are not valid UTF-8 (a folder named with a Latin-1 byte on Linux) in the synthetic
writers and the real-footage training reader: OpenCV ended the process with a segmentation
fault on such a path, and the frame cache's key ended in a UnicodeEncodeError. Each case runs
in a child process, so a crash is a failed test, not a dead test run."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def _latin1(parent: Path, stem: bytes) -> Path:
    if sys.platform == "darwin" or os.name == "nt":
        pytest.skip("the file system takes only valid Unicode names")
    return Path(os.fsdecode(os.fsencode(str(parent)) + b"/" + stem + b"\xff"))


def _run(script: str, *paths: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(PROJECT))
    return subprocess.run([sys.executable, "-c", script, *(os.fsencode(str(p)) for p in paths)], capture_output=True,
                          text=True, errors="backslashreplace", timeout=180, env=env, cwd=str(PROJECT))


_PREAMBLE = ("import os, sys\n"
             "paths = [os.fsdecode(os.fsencode(a)) for a in sys.argv[1:]]\n"
             "from core.progress import run_to_end\n"
             "from core.synthetic import SyntheticConfig, SyntheticSequence\n"
             "seq = SyntheticSequence(SyntheticConfig(width=64, height=48, num_frames=3), 1)\n")


def test_write_lasher_into_a_non_utf8_folder_writes_the_frames(tmp_path):
    """``write_lasher`` (synth's writer, also run by benches) ended the process in cv2.imwrite."""
    out = _latin1(tmp_path, b"seq")
    done = _run(_PREAMBLE + "from core.synthetic.writers import write_lasher\n"
                            "run_to_end(write_lasher(seq, paths[0]))\nprint('done')\n", out)
    assert done.returncode == 0 and "done" in done.stdout, (done.returncode, done.stderr[-2000:])
    assert len(list((out / "visible").glob("*.jpg"))) == 3 and len(list((out / "infrared").glob("*.jpg"))) == 3


def test_write_video_pair_into_a_non_utf8_folder_is_an_export_error(tmp_path):
    """``write_video_pair`` ended the process in cv2.VideoWriter; it is an ExportError naming the file,
    and nothing is left behind."""
    folder = _latin1(tmp_path, b"videos")
    folder.mkdir()
    done = _run(_PREAMBLE + "from core.errors import ExportError\n"
                            "from core.synthetic.writers import write_video_pair\n"
                            "try:\n"
                            "    run_to_end(write_video_pair(seq, paths[0] + '/v.mp4', paths[0] + '/t.mp4'))\n"
                            "except ExportError as error:\n"
                            "    print('refused:', error.problem)\n", folder)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert "refused: the path is not valid UTF-8 text" in done.stdout, done.stdout
    assert list(folder.iterdir()) == []


def test_a_training_video_under_a_non_utf8_folder_is_a_sequence_error(tmp_path):
    """``decoded_video`` (training, compact-data and pseudo-labels on the real footage) ended in
    'UnicodeEncodeError: surrogates not allowed' while naming its cache file, and past that in
    cv2.VideoCapture's segmentation fault; it is a SequenceError naming the video."""
    folder = tmp_path / "made"
    done = _run(_PREAMBLE + "from core.synthetic.writers import write_video_pair\n"
                            "run_to_end(write_video_pair(seq, paths[0] + '/visible.mp4', paths[0] + '/infrared.mp4'))\n",
                folder)
    assert done.returncode == 0, done.stderr[-2000:]
    odd = _latin1(tmp_path, b"pair")
    folder.rename(odd)
    done = _run("import os, sys\n"
                "video, cache = (os.fsdecode(os.fsencode(a)) for a in sys.argv[1:])\n"
                "from core.errors import SequenceError\n"
                "from core.training.real_data import decoded_video\n"
                "try:\n"
                "    decoded_video(video, cache, grey=True)\n"
                "except SequenceError as error:\n"
                "    print('refused:', error.problem)\n", odd / "infrared.mp4", tmp_path / "cache")
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert "refused: the path is not valid UTF-8 text" in done.stdout and "rename it" in done.stdout, done.stdout
