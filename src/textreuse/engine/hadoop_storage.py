"""Output folders on any Hadoop file system (``hdfs://``, ``s3a://``, ``file://``, ...).

:class:`HadoopStorage` does the :class:`~textreuse.io.storage.Storage` operations
through Hadoop's ``FileSystem`` API in the Spark driver's JVM, with the session's
Hadoop configuration, so it reaches exactly the file systems (and credentials)
Spark's readers and writers reach. A rename is atomic on HDFS and on local
disks; on object stores such as S3 it is a copy, so there the output appears
file by file (see the README's limits).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textreuse.errors import OutputError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


#: Characters Hadoop's path globbing (and so Spark's readers) treats as a pattern.
_HADOOP_GLOB = re.compile(r"([\\\[\]{}*?])")


def local_location(path: str | Path) -> str:
    """A local path as the ``file://`` location Hadoop takes: the absolute path as it
    is, not percent-encoded (Hadoop would read ``%20`` as those three characters)."""
    return "file://" + str(Path(path).resolve())


def literal_location(location: str) -> str:
    """``location`` for Spark's readers, which glob: each glob character of its path
    escaped with a backslash, so ``run [1]`` reads that folder and not ``run 1``."""
    head, separator, tail = location.partition("://")
    if not separator:
        return _HADOOP_GLOB.sub(r"\\\1", location)
    authority, slash, path = tail.partition("/")
    return f"{head}://{authority}{slash}" + _HADOOP_GLOB.sub(r"\\\1", path)


class HadoopStorage:
    """Locations are URIs that Spark's Hadoop configuration resolves."""

    remote = True

    def __init__(self, spark: SparkSession) -> None:
        jvm = spark.sparkContext._jvm
        if jvm is None:  # pragma: no cover - a classic session always has one
            raise OutputError("Hadoop file systems need a classic Spark session (not Connect)")
        self._jvm: Any = jvm
        self._conf = spark.sparkContext._jsc.hadoopConfiguration()

    def _resolve(self, location: str) -> tuple[Any, Any]:
        path = self._jvm.org.apache.hadoop.fs.Path(location)
        try:
            return path.getFileSystem(self._conf), path
        except Exception as error:  # py4j raises Py4JJavaError for any Java exception
            raise OutputError(f"cannot reach {location}: {_java_message(error)}") from error

    def absolute(self, location: str) -> str:
        fs, path = self._resolve(location)
        qualified = str(fs.makeQualified(path).toString())
        # Hadoop writes a URI without authority as scheme:/path; keep the scheme:///path form
        return re.sub(r"^([A-Za-z][\w+.-]*):/(?!/)", r"\1:///", qualified)

    def exists(self, location: str) -> bool:
        fs, path = self._resolve(location)
        return bool(fs.exists(path))

    def is_dir(self, location: str) -> bool:
        fs, path = self._resolve(location)
        return bool(fs.exists(path) and fs.getFileStatus(path).isDirectory())

    def list_names(self, location: str) -> list[str]:
        fs, path = self._resolve(location)
        return sorted(str(status.getPath().getName()) for status in fs.listStatus(path))

    def make_dirs(self, location: str) -> None:
        fs, path = self._resolve(location)
        if not fs.mkdirs(path):
            raise OutputError(f"cannot create the folder {location}")

    def delete(self, location: str) -> None:
        fs, path = self._resolve(location)
        fs.delete(path, True)

    def rename(self, source: str, target: str) -> None:
        fs, source_path = self._resolve(source)
        _, target_path = self._resolve(target)
        # Hadoop moves a folder into an existing target folder: refuse instead
        if fs.exists(target_path) or not fs.rename(source_path, target_path):
            raise OutputError(f"cannot rename {source} to {target}")

    def read_text(self, location: str) -> str:
        fs, path = self._resolve(location)
        try:
            stream = fs.open(path)
            try:
                data = self._jvm.org.apache.commons.io.IOUtils.toByteArray(stream)
            finally:
                stream.close()
        except Exception as error:  # py4j: a missing file is a Java FileNotFoundException
            raise OSError(f"cannot read {location}: {_java_message(error)}") from error
        return bytes(data).decode("utf-8")

    def write_text(self, location: str, content: str) -> None:
        fs, path = self._resolve(location)
        partial = self._jvm.org.apache.hadoop.fs.Path(location + ".partial")
        stream = fs.create(partial, True)
        try:
            stream.write(bytearray(content.encode("utf-8")))
        finally:
            stream.close()
        fs.delete(path, False)
        if not fs.rename(partial, path):
            raise OutputError(f"cannot rename {location}.partial to {location}")

    def upload(self, local: Path, location: str) -> None:
        fs, path = self._resolve(location)
        source = self._jvm.org.apache.hadoop.fs.Path(local_location(local))
        fs.copyFromLocalFile(False, True, source, path)


def _java_message(error: Exception) -> str:
    """The Java exception's own message, without py4j's stack trace."""
    java = getattr(error, "java_exception", None)
    return str(java.toString()) if java is not None else str(error)
