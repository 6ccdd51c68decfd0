"""eval --dataset-root one level above the sequences (``real/`` for ``real/rgb/``, a common slip)
said only that none of the result files names a sequence of it; it now names the folder that
holds them."""
from __future__ import annotations

from core.cli import main
from tests.core.cli_lines import one_error_line


def _sequence(folder):
    from core.progress import run_to_end
    from core.synthetic.config import SyntheticConfig
    from core.synthetic.sequence import SyntheticSequence
    from core.synthetic.writers import write_lasher

    run_to_end(write_lasher(SyntheticSequence(SyntheticConfig(width=64, height=48, num_frames=3), 1,
                                              name=folder.name, cache_frames=0), folder))


def test_a_root_above_the_sequences_names_the_folder_that_holds_them(tmp_path, capsys):
    data = tmp_path / "data"
    _sequence(data / "rgbt" / "walk")
    (data / "thermal").mkdir()
    results = tmp_path / "results"
    results.mkdir()
    (results / "walk.txt").write_text("10,10,20,20\n" * 3)
    assert main(["eval", str(results), "--dataset-root", str(data), "--protocol", "lasher"]) == 2
    assert one_error_line(capsys.readouterr().err) == (
        f"error: {results}: none of its 1 result file (walk.txt) names a sequence of {data}; they are in "
        f"{data / 'rgbt'}: give that folder")
    assert main(["eval", str(results), "--dataset-root", str(data / "rgbt"), "--protocol", "lasher"]) == 0
