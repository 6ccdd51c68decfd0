"""Paths with a byte that is not valid UTF-8 (a folder named with a Latin-1 byte on Linux): export-distill,
track on a video there, the layout exports and synth give one line or write, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.cli import main
from tests.core.cli_lines import PROJECT


def test_export_distill_of_a_folder_named_with_a_non_utf8_byte_is_one_line(tmp_path, capsys):
    """A sequence folder named with a Latin-1 byte (b'caf\\xe9' on Linux) ended export-distill in h5py's
    'UnicodeEncodeError: surrogates not allowed' traceback."""
    import os
    import sys

    from tests.core.safety.conftest import make_sequence

    if sys.platform == "darwin" or os.name == "nt":
        pytest.skip("the file system takes only valid Unicode names")
    seq = make_sequence(tmp_path / "seq", frames=4)
    odd = Path(os.fsdecode(os.fsencode(str(tmp_path)) + b"/caf\xe9"))
    seq.rename(odd)
    out = tmp_path / "d.h5"
    code = main(["export-distill", str(odd), "--store", str(odd / "seq.rgbt.sqlite"), "--out", str(out),
                 "--random-weights"])
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 2 and "is not valid UTF-8 text" in line and "rename the folder" in line, line
    assert not out.exists()



def _latin1_named(parent: Path, stem: bytes) -> Path:
    """A path under ``parent`` whose last part holds the byte 0xff (not valid UTF-8); skips where the
    file system takes only valid Unicode names."""
    import os
    import sys

    if sys.platform == "darwin" or os.name == "nt":
        pytest.skip("the file system takes only valid Unicode names")
    return Path(os.fsdecode(os.fsencode(str(parent)) + b"/" + stem + b"\xff"))



def test_a_video_under_a_non_utf8_folder_is_one_line_not_a_crash(tmp_path):
    """``track FOLDER`` on a video pair in a folder named with a Latin-1 byte ended the process with a
    segmentation fault in cv2.VideoCapture: no message at all (exit status -11)."""
    import shutil

    from core.cli import main as cli_main
    from tests.core.safety.conftest import run_cli_process

    made = tmp_path / "made"
    assert cli_main(["synth", str(made), "--frames", "3", "--size", "64x48", "--layout", "video"]) == 0
    folder = _latin1_named(tmp_path, b"pair")
    shutil.copytree(made / "synthetic-0", folder)
    done = run_cli_process(["track", folder, "--tracker", "kcf", "--out", tmp_path / "b.txt"], timeout=120)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "is not valid UTF-8 text" in done.stderr and "Traceback" not in done.stderr



def test_layout_exports_into_a_non_utf8_folder_do_not_crash(tmp_path):
    """The studio's GOT-10k / LaSOT / LasHeR exports of a sequence named with a Latin-1 byte (or into
    such a folder) ended the process with a segmentation fault in cv2.imwrite, and the marker text
    in a UnicodeEncodeError."""
    import subprocess
    import sys

    from tests.core.safety.conftest import make_sequence

    source = _latin1_named(tmp_path, b"seq")
    make_sequence(tmp_path / "seq", frames=3).rename(source)
    script = (
        "import os, sys\n"
        "from core.sequences import open_sequence\n"
        "from core.annotations.formats.export import export_got10k, export_lasot, export_rgbt_native\n"
        "from core.progress import run_to_end\n"
        "source, out = (os.fsdecode(os.fsencode(a)) for a in sys.argv[1:3])\n"
        "s = open_sequence(source)\n"
        "from core.annotations.formats.annotation_export import export_annotation_files\n"
        "for name, job in (('got', export_got10k), ('lasot', export_lasot), ('lasher', export_rgbt_native)):\n"
        "    run_to_end(job(s, s.ground_truth(), out + name))\n"
        "run_to_end(export_annotation_files(s, s.ground_truth(), out + 'files', target='xywh'))\n"
        "print('done')\n")
    out = str(_latin1_named(tmp_path, b"out"))
    env = {**__import__("os").environ, "PYTHONPATH": str(PROJECT), "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", script, str(source), out], capture_output=True, text=True,
                          timeout=120, env=env, cwd=str(PROJECT), errors="backslashreplace")
    assert done.returncode == 0 and "done" in done.stdout, (done.returncode, done.stderr[-2000:])
    got = Path(out + "got")
    assert (got / "list.txt").read_text(encoding="utf-8").split() == ["seq_", "seq_-thermal"]
    assert len(list((got / "seq_").glob("*.jpg"))) == 3



def test_safe_component_turns_a_non_utf8_byte_into_an_underscore():
    import os

    from core.fileio import safe_component

    assert safe_component(os.fsdecode(b"caf\xe9")) == "caf_"



def test_synth_into_a_non_utf8_folder_is_one_line_not_a_crash(tmp_path):
    """``synth OUT_DIR`` with a Latin-1 byte in OUT_DIR ended the process with a segmentation fault in
    OpenCV's writers (exit status -11, no message)."""
    from tests.core.safety.conftest import run_cli_process

    out = _latin1_named(tmp_path, b"synth")
    done = run_cli_process(["synth", out, "--frames", "2", "--size", "64x48"], timeout=120)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "is not valid UTF-8 text" in done.stderr and "Traceback" not in done.stderr
