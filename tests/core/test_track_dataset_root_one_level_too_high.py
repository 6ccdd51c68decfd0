"""track-dataset ROOT one level above the dataset (``real/`` for ``real/rgb/`` and
``real/thermal/``, a common slip) said only that ROOT has no sequence folder with ground truth;
it now names the folders one level down that hold them."""
from __future__ import annotations

from core.cli import main
from tests.core.cli_lines import one_error_line


def _sequence(folder):
    from core.progress import run_to_end
    from core.synthetic.config import SyntheticConfig
    from core.synthetic.sequence import SyntheticSequence
    from core.synthetic.writers import write_lasher

    run_to_end(write_lasher(SyntheticSequence(SyntheticConfig(width=64, height=48, num_frames=3), 2,
                                              name=folder.name, cache_frames=0), folder))


def test_a_root_above_the_datasets_names_them(tmp_path, capsys):
    data = tmp_path / "real"
    _sequence(data / "rgb" / "walk")
    _sequence(data / "thermal" / "drone")
    (data / "notes").mkdir()
    results = tmp_path / "results"
    assert main(["track-dataset", str(data), "--results", str(results), "--tracker", "kcf"]) == 2
    assert one_error_line(capsys.readouterr().err) == (
        f"error: {data} has no sequence folder with a ground-truth file to start from; the sequence folders are one "
        f"level down, in {data / 'rgb'}, {data / 'thermal'}: give one")
    assert not results.exists()
