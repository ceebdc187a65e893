"""How the sweep benchmark reports growth when a run leaves a moment out (figures come
only from ``make bench``; these are made-up sweeps)."""

from __future__ import annotations

from onewindow.workflow import bench_sweep, sweep


def made_up(seconds: float, warned: int = 0) -> bench_sweep.Sweep:
    return bench_sweep.Sweep(seconds=seconds, queries=1, report=sweep.SweepReport(warned=warned))


def test_growth_covers_only_the_moments_measured() -> None:
    lines: list[str] = []
    found = {
        1000: {"idle": made_up(0.01), "midnight": made_up(1.0, warned=200)},
        10_000: {"idle": made_up(0.01), "midnight": made_up(12.0, warned=2000)},
    }
    bench_sweep._growth(found, lines.append)
    assert lines[0] == "growth from 1,000 to 10,000 open tasks (×10):"
    assert [line.split()[0] for line in lines[1:]] == ["idle", "midnight"]
    assert "time ×12.00 (work ×10.00, tasks ×10)" in lines[2]
