"""The worker pool: results, inline mode, and use from a plain script."""

from __future__ import annotations

import gc
import subprocess
import sys
import time
from pathlib import Path

import pytest

from textreuse import config, parallel
from textreuse.parallel import WORKER_GC_THRESHOLD, WorkerPool


def _square(value: int) -> int:
    return value * value


def test_pool_returns_every_result() -> None:
    with WorkerPool(2) as pool:
        assert sorted(pool.map_unordered(_square, range(50))) == [v * v for v in range(50)]


def _slow_when_even(value: int) -> int:
    if value % 2 == 0:
        time.sleep(0.01)
    return value


def test_ordered_results_keep_the_items_order() -> None:
    # even items take longer, so they finish after the odd ones sent after them
    with WorkerPool(2) as pool:
        assert list(pool.map_ordered(_slow_when_even, range(20))) == list(range(20))
    with WorkerPool(1) as pool:
        assert list(pool.map_ordered(_square, [3, 4])) == [9, 16]


def _collector_state(_: int) -> tuple[int, int]:
    return gc.get_threshold()[0], gc.get_freeze_count()


def test_workers_collect_young_objects_less_often() -> None:
    with WorkerPool(2) as pool:
        states = list(pool.map_unordered(_collector_state, range(4)))
    assert all(threshold == WORKER_GC_THRESHOLD for threshold, _ in states)
    assert all(frozen > 0 for _, frozen in states)  # the inherited objects


def test_single_thread_runs_inline() -> None:
    with WorkerPool(1) as pool:
        assert list(pool.map_unordered(_square, [3, 4])) == [9, 16]


def test_run_from_a_script_without_main_guard(tmp_path: Path) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    text = (
        "The harbour authority said on Tuesday that the new ferry terminal would open in "
        "the spring after two years of delays caused by storms and a shortage of steel."
    )
    (corpus / "a.txt").write_text(text, encoding="utf-8")
    (corpus / "b.txt").write_text("Breaking news. " + text, encoding="utf-8")
    script = tmp_path / "job.py"
    script.write_text(
        "import textreuse\n"
        f"m = textreuse.run([{str(corpus)!r}], {str(tmp_path / 'out')!r}, threads=2, "
        "progress='none')\n"
        "print(m['output_counts']['passages'])\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"


def test_a_control_group_limit_lowers_the_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "CGROUP_MEMORY_LIMITS", ())
    machine = parallel.memory_bytes()
    assert machine is not None and machine > 1 << 20
    unlimited, limited = tmp_path / "unlimited", tmp_path / "limited"
    unlimited.write_text("max\n", encoding="ascii")
    limited.write_text("1073741824\n", encoding="ascii")
    monkeypatch.setattr(parallel, "CGROUP_MEMORY_LIMITS", (str(unlimited),))
    assert parallel.memory_bytes() == machine
    monkeypatch.setattr(parallel, "CGROUP_MEMORY_LIMITS", (str(tmp_path / "absent"), str(limited)))
    assert parallel.memory_bytes() == min(machine, 1 << 30)


def test_the_workers_share_of_memory_is_divided_among_the_cores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "memory_bytes", lambda: 8_000_000_000)
    monkeypatch.setattr(config, "default_threads", lambda: 4)
    assert parallel.worker_memory_share(0.5) == 1_000_000_000
    monkeypatch.setattr(parallel, "memory_bytes", lambda: None)
    assert parallel.worker_memory_share(0.5) is None
