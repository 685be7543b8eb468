"""A class data sharing archive for the Spark driver JVM (issue #6).

A fresh JVM loads and verifies the same thousands of Spark classes on every run.
Java's class data sharing (CDS, JDK 13 and later) can store them, as the JVM
holds them once loaded, in an archive file that later JVMs map instead: the
Spark session starts in about half the time, and each new kind of query loads
its classes faster.

The first Spark run on a machine (per Java and PySpark installation) writes the
archive when its JVM exits: the engine then stops that JVM itself and waits,
and only a JVM that exits cleanly has its archive put in place (written to a
``.partial`` name, then renamed), because a JVM given a truncated archive
crashes. Later runs map it. A run whose JVM fails to start with the archive
deletes it and starts without one.

The archive lives in ``$TEXTREUSE_CACHE_DIR`` (by default
``$XDG_CACHE_HOME/textreuse`` or ``~/.cache/textreuse``) and takes about
170 MB. ``TEXTREUSE_SPARK_CLASS_ARCHIVE=off`` turns it off, as does a
``spark.driver.extraJavaOptions`` setting of the user's own.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

#: Set to ``off`` (or ``0``, ``false``, ``no``) to run without an archive.
ARCHIVE_SWITCH_ENV = "TEXTREUSE_SPARK_CLASS_ARCHIVE"
#: Where textreuse keeps files between runs.
CACHE_DIR_ENV = "TEXTREUSE_CACHE_DIR"

#: The JVM reports archive problems (a stale archive after a Java update, say)
#: as warnings on standard output; it then runs without the archive, which is
#: all a run needs.
_QUIET = "-Xlog:cds=off -Xlog:cds+dynamic=off"

#: Partial archives of JVMs that never exited cleanly are removed after this long.
_STALE_PARTIAL_SECONDS = 3600


def quote_java_option(option: str) -> str:
    """One option for ``spark.driver.extraJavaOptions``, which Spark's launcher splits
    at spaces: in double quotes, with ``\\`` and ``"`` escaped, so a path with a
    space stays one option."""
    return '"' + option.replace("\\", "\\\\").replace('"', '\\"') + '"'


def cache_dir() -> Path:
    """``$TEXTREUSE_CACHE_DIR``, else ``$XDG_CACHE_HOME/textreuse``, else ``~/.cache/textreuse``."""
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "textreuse"


def _java() -> str | None:
    """The ``java`` that ``spark-submit`` starts: ``$JAVA_HOME/bin/java``, else the PATH's."""
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / "java"
        return str(candidate) if candidate.is_file() else None
    return shutil.which("java")


def installation_key() -> str | None:
    """A key for this Java and PySpark installation (an archive fits only the JVM
    build and class path that wrote it), or None when no Java is found."""
    import pyspark

    java = _java()
    if java is None:
        return None
    real = os.path.realpath(java)
    try:
        stat = os.stat(real)
    except OSError:
        return None
    spark_home = os.environ.get("SPARK_HOME", "")
    parts = (
        real,
        stat.st_size,
        int(stat.st_mtime),
        pyspark.__version__,
        pyspark.__file__,
        spark_home,
    )
    return hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class ClassArchive:
    """The archive a JVM about to start maps (``creating`` False) or writes at exit."""

    path: Path
    creating: bool
    partial: Path | None = None

    def java_options(self) -> str:
        if self.creating:
            return f"{quote_java_option(f'-XX:ArchiveClassesAtExit={self.partial}')} {_QUIET}"
        return f"{quote_java_option(f'-XX:SharedArchiveFile={self.path}')} {_QUIET}"

    def finish(self, exit_code: int | None) -> bool:
        """After the writing JVM has exited: put its archive in place if it exited
        cleanly (code 0) with a non-empty archive, else drop it. Returns whether
        the archive is now in place."""
        if self.partial is None:
            return False
        try:
            if exit_code == 0 and self.partial.stat().st_size > 0:
                os.replace(self.partial, self.path)
                return True
        except OSError:
            pass
        self.partial.unlink(missing_ok=True)
        return False

    def discard(self) -> None:
        """Delete the archive a JVM failed to start with (or the one it was to write)."""
        (self.partial if self.creating and self.partial else self.path).unlink(missing_ok=True)


def plan_class_archive() -> ClassArchive | None:
    """The archive for the next Spark driver JVM started in this process: the one
    in :func:`cache_dir` when it exists, else one to write; None when switched off,
    no Java is found, or the folder is not writable."""
    if os.environ.get(ARCHIVE_SWITCH_ENV, "").strip().lower() in {"off", "0", "false", "no"}:
        return None
    key = installation_key()
    if key is None:
        return None
    folder = cache_dir()
    path = folder / f"spark-driver-{key}.jsa"
    try:
        if path.is_file() and path.stat().st_size > 0:
            return ClassArchive(path, creating=False)
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale_partials(folder)
    except OSError:
        return None
    partial = folder / f"{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.partial"
    return ClassArchive(path, creating=True, partial=partial)


def _remove_stale_partials(folder: Path) -> None:
    now = time.time()
    for partial in folder.glob("spark-driver-*.partial"):
        try:
            if now - partial.stat().st_mtime > _STALE_PARTIAL_SECONDS:
                partial.unlink()
        except OSError:
            continue
