"""``eval RESULTS_DIR --gt SEQUENCE_FOLDER`` (a results folder scored against the folder of one of
its sequences) said only "none of its 2 result files (a.txt, b.txt) names a sequence of
data/a", though a.txt is that sequence's result. The line now says the folder is that
sequence's own and names the folder that holds it."""
from __future__ import annotations

from core.cli import main
from core.progress import run_to_end
from core.synthetic import SyntheticConfig, SyntheticSequence
from core.synthetic.writers import write_lasher


def test_a_sequence_folder_as_gt_of_a_results_folder_is_named(tmp_path, capsys):
    config = SyntheticConfig(width=64, height=48, num_frames=3)
    for name, seed in (("a", 1), ("b", 2)):
        run_to_end(write_lasher(SyntheticSequence(config, seed), tmp_path / "data" / name))
    results = tmp_path / "results"
    results.mkdir()
    for name in ("a", "b"):
        (results / f"{name}.txt").write_text((tmp_path / "data" / name / "visible.txt").read_text())
    assert main(["eval", str(results), "--gt", str(tmp_path / "data" / "a"), "--protocol", "lasher"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.rstrip().endswith(f"is itself the sequence folder of a.txt: give the folder that holds it "
                                 f"({(tmp_path / 'data').resolve()})")
    assert main(["eval", str(results), "--gt", str(tmp_path / "data"), "--protocol", "lasher"]) == 0
