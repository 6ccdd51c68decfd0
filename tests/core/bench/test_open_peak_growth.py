"""``bench open``'s 'peak growth' was the process's own RSS peak (getrusage) minus the larger of
the RSS and that peak before the pass: after an earlier, higher peak (writing the pair, the seeks)
it read 0 or less than the growth itself ('growth +4.4, peak growth 4.3' on the demo pair). The
RSS is now also sampled while every frame is read, so the peak growth is at least the growth and
sees a rise that stayed below an earlier peak."""
from __future__ import annotations

import itertools

import core.bench.open_speed as open_speed


def test_a_rise_below_an_earlier_peak_is_seen(tmp_path, monkeypatch):
    visible, thermal = open_speed.generate_pair(tmp_path, 40, 64, 48)
    # the process peaked at 900 MiB before; while reading, RSS goes 100 -> 150 -> 120
    readings = itertools.chain([100.0], itertools.repeat(150.0, 3), itertools.repeat(120.0))
    monkeypatch.setattr(open_speed, "rss_mib", lambda: next(readings))
    monkeypatch.setattr(open_speed, "peak_rss_mib", lambda: 900.0)
    result = open_speed.measure(visible, thermal, random_samples=2, repeats=1)
    assert result.rss_before_mib == 100.0 and result.rss_after_mib == 120.0
    assert result.rss_peak_growth_mib == 50.0
    assert result.rss_peak_growth_mib >= result.rss_growth_mib
