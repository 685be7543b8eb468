"""The local engine keeps DuckDB to a share of the memory, leaving the rest to the workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from textreuse.engine import local
from textreuse.engine.local import DuckDBEngine


def _limit(engine: DuckDBEngine) -> str:
    (row,) = engine.con.execute("SELECT current_setting('memory_limit')").fetchall()
    return str(row[0])


def test_duckdb_gets_its_share_of_the_memory_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local, "memory_bytes", lambda: 8 * 2**30)
    assert local.default_memory_limit() == "4096MiB"
    engine = DuckDBEngine(tmp_path, 1)
    try:
        assert _limit(engine) == "4.0 GiB"
    finally:
        engine.close()


def test_a_limit_given_is_used_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local, "memory_bytes", lambda: 8 * 2**30)
    engine = DuckDBEngine(tmp_path, 1, memory_limit="1GiB")
    try:
        assert _limit(engine) == "1.0 GiB"
    finally:
        engine.close()


def test_unknown_memory_leaves_duckdbs_own_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local, "memory_bytes", lambda: None)
    assert local.default_memory_limit() is None
    engine = DuckDBEngine(tmp_path, 1)
    try:
        (fresh,) = (
            local.connect_quietly().execute("SELECT current_setting('memory_limit')").fetchall()
        )
        assert _limit(engine) == str(fresh[0])
    finally:
        engine.close()
