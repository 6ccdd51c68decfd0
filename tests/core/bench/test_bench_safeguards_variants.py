"""The ablation chain of ``bench safeguards``: each "+" row adds one thing to the row above."""
from __future__ import annotations

import dataclasses

from core.bench.safeguards import VARIANTS
from core.tracking.tracker_config import TrackerConfig


def _changed(a: TrackerConfig, b: TrackerConfig) -> set[str]:
    return {f.name for f in dataclasses.fields(TrackerConfig) if getattr(a, f.name) != getattr(b, f.name)}


def test_the_chain_ends_at_the_defaults_and_adds_the_filter_before_the_wide_bound():
    keys = list(VARIANTS)
    chain = keys[:keys.index("default") + 1]
    assert chain[0] == "legacy" and VARIANTS["default"][1] == TrackerConfig()
    before_filter = chain[:chain.index("filter")]
    assert all(VARIANTS[k][1].online_filter_weight == 0.0 for k in before_filter)
    assert _changed(VARIANTS["calibration"][1], VARIANTS["filter"][1]) == {"online_filter_weight"}
    assert _changed(VARIANTS["filter"][1], VARIANTS["default"][1]) == {"max_size_ratio"}
    assert VARIANTS["filter"][1].max_size_ratio == 1.5 < TrackerConfig().max_size_ratio
    for previous, current in zip(chain[:-1], chain[1:], strict=True):
        assert _changed(VARIANTS[previous][1], VARIANTS[current][1]), f"{current} adds nothing to {previous}"
    assert all(description for description, _ in VARIANTS.values())


def test_lost_threshold_replaces_only_the_threshold_variants():
    from core.bench.safeguards import THRESHOLD_VARIANTS, variant_contenders

    keys = ["default", "lost", "hold", "hold_switch"]
    changed = {c.key: c.tracker.config for c in variant_contenders("student", None, keys, lost_threshold=0.33)}
    assert changed["lost"].lost_threshold == changed["hold"].lost_threshold == 0.33
    assert changed["hold_switch"] == VARIANTS["hold_switch"][1]  # the users' switch as shipped
    assert changed["default"] == VARIANTS["default"][1]
    unchanged = {c.key: c.tracker.config for c in variant_contenders("student", None, keys)}
    assert all(unchanged[k] == VARIANTS[k][1] for k in keys)
    assert THRESHOLD_VARIANTS <= set(VARIANTS)
