"""The Spark driver JVM's class data sharing archive (textreuse.engine.class_archive)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("pyspark", reason="pip install 'textreuse[spark]'")

from textreuse.engine.class_archive import (
    ARCHIVE_SWITCH_ENV,
    CACHE_DIR_ENV,
    ClassArchive,
    plan_class_archive,
    quote_java_option,
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(ARCHIVE_SWITCH_ENV, raising=False)
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(folder))
    return folder


def test_without_an_archive_one_is_planned_and_put_in_place_after_a_clean_exit(
    cache: Path,
) -> None:
    planned = plan_class_archive()
    assert planned is not None and planned.creating and planned.partial is not None
    assert planned.path.parent == cache and not planned.path.exists()
    assert f"-XX:ArchiveClassesAtExit={planned.partial}" in planned.java_options()
    planned.partial.write_bytes(b"classes")
    assert planned.finish(0)
    assert planned.path.read_bytes() == b"classes" and not planned.partial.exists()

    used = plan_class_archive()
    assert used == ClassArchive(planned.path, creating=False)
    assert f"-XX:SharedArchiveFile={planned.path}" in used.java_options()


@pytest.mark.parametrize(("exit_code", "content"), [(1, b"classes"), (None, b"x"), (0, b"")])
def test_an_archive_from_a_failed_or_empty_dump_is_dropped(
    cache: Path, exit_code: int | None, content: bytes
) -> None:
    planned = plan_class_archive()
    assert planned is not None and planned.partial is not None
    planned.partial.write_bytes(content)
    assert not planned.finish(exit_code)
    assert list(cache.iterdir()) == []
    again = plan_class_archive()
    assert again is not None and again.creating  # to be written by the next JVM


def test_discarding_removes_only_the_file_the_jvm_was_given(cache: Path) -> None:
    writing = plan_class_archive()
    assert writing is not None and writing.partial is not None
    writing.partial.write_bytes(b"partial")
    writing.path.write_bytes(b"another process's archive")
    writing.discard()
    assert not writing.partial.exists() and writing.path.exists()
    used = plan_class_archive()
    assert used is not None and not used.creating
    used.discard()
    assert not used.path.exists()


def test_switched_off_or_without_java_there_is_no_archive(
    cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(ARCHIVE_SWITCH_ENV, "off")
    assert plan_class_archive() is None
    monkeypatch.delenv(ARCHIVE_SWITCH_ENV)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-java"))
    assert plan_class_archive() is None


def test_stale_partial_archives_are_removed_and_fresh_ones_kept(cache: Path) -> None:
    cache.mkdir()
    stale = cache / "spark-driver-0.jsa.1-a.partial"
    fresh = cache / "spark-driver-0.jsa.2-b.partial"
    for path in (stale, fresh):
        path.write_bytes(b"x")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    plan_class_archive()
    assert not stale.exists() and fresh.exists()


_START = """
import json, sys
from pathlib import Path
from pyspark import SparkContext
from textreuse.engine.spark import SparkEngine

engine = SparkEngine(Path(sys.argv[1]), 1)
archive = engine.class_archive
maps = Path(f"/proc/{SparkContext._gateway.proc.pid}/maps").read_text()
rows = engine.spark.range(10).count()
engine.close()
print(json.dumps({
    "rows": rows,
    "creating": None if archive is None else archive.creating,
    "mapped": archive is not None and str(archive.path) in maps,
}))
"""


def _start_engine(work: Path, cache: Path) -> dict[str, object]:
    """Start and close a Spark engine in a new process (a new JVM); what it reports."""
    env = {**os.environ, CACHE_DIR_ENV: str(cache)}
    env.pop(ARCHIVE_SWITCH_ENV, None)
    done = subprocess.run(
        [sys.executable, "-c", _START, str(work)],
        env=env,
        cwd=work.parent,  # where a JVM would leave a crash report by default
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_first_jvm_writes_the_archive_the_next_maps_it_and_a_damaged_one_is_dropped(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    first = _start_engine(tmp_path / "w1", cache)
    assert first == {"rows": 10, "creating": True, "mapped": False}
    (archive,) = cache.glob("*.jsa")
    assert archive.stat().st_size > 1_000_000
    assert list(cache.glob("*.partial")) == []

    second = _start_engine(tmp_path / "w2", cache)
    assert second == {"rows": 10, "creating": False, "mapped": True}

    # a truncated archive stops a JVM that maps it: the engine starts without it
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 3])
    third = _start_engine(tmp_path / "w3", cache)
    assert third == {"rows": 10, "creating": None, "mapped": False}
    assert not archive.exists()
    assert list(tmp_path.glob("hs_err_pid*.log")) == []


def test_java_options_are_quoted_for_spark_launcher() -> None:
    """Spark's launcher splits ``extraJavaOptions`` at spaces unless quoted."""
    assert quote_java_option('-XX:ErrorFile=/my dir/a"b\\c') == '"-XX:ErrorFile=/my dir/a\\"b\\\\c"'
