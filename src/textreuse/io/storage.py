"""Where a run's output folder lives: a local folder, or a Hadoop file system URI.

:class:`Storage` is the handful of file operations the output folder and the
stage markers need (:mod:`textreuse.output`, :mod:`textreuse.resume`), on
string locations. :class:`LocalStorage` does them with the standard library;
the Spark engine's :class:`~textreuse.engine.hadoop_storage.HadoopStorage` does
them through Hadoop's ``FileSystem`` API, so that ``hdfs://``, ``s3a://`` and
any other file system Spark reaches can hold the output.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Protocol


class Storage(Protocol):
    """File operations on locations (paths or URIs) of one kind."""

    #: Whether the engine's executors write there directly (a URI) or this process
    #: does (a local folder).
    remote: bool

    def absolute(self, location: str) -> str:
        """``location`` made absolute (qualified with its file system)."""
        ...

    def exists(self, location: str) -> bool: ...

    def is_dir(self, location: str) -> bool: ...

    def list_names(self, location: str) -> list[str]:
        """Names of the entries of a folder."""
        ...

    def make_dirs(self, location: str) -> None:
        """Create a folder and its parents (nothing if it exists)."""
        ...

    def delete(self, location: str) -> None:
        """Delete a file or a folder with everything in it (nothing if it is missing)."""
        ...

    def rename(self, source: str, target: str) -> None:
        """Move ``source`` to ``target``, which must not exist."""
        ...

    def read_text(self, location: str) -> str:
        """A UTF-8 file's text; :class:`OSError` if it cannot be read."""
        ...

    def write_text(self, location: str, content: str) -> None:
        """Write a UTF-8 file through a temporary name, then rename it into place."""
        ...

    def upload(self, local: Path, location: str) -> None:
        """Copy the local file ``local`` to ``location`` (nothing if it is the same file)."""
        ...


def child(location: str, *names: str) -> str:
    """``location/name/...`` for a path or a URI."""
    return "/".join([location.rstrip("/"), *names])


def parent_and_name(location: str) -> tuple[str, str]:
    """A location's folder and last name; :class:`ValueError` for a root (``/``, ``s3a://b``)."""
    trimmed = location.rstrip("/")
    folder, _, name = trimmed.rpartition("/")
    if not name or not folder or folder.endswith(("/", ":")):
        raise ValueError(f"{location} is the root of its file system, not a folder in it")
    return folder, name


class LocalStorage:
    """Locations are local paths."""

    remote = False

    def absolute(self, location: str) -> str:
        return str(Path(location).resolve())

    def exists(self, location: str) -> bool:
        return os.path.lexists(location)

    def is_dir(self, location: str) -> bool:
        return os.path.isdir(location)

    def list_names(self, location: str) -> list[str]:
        return sorted(os.listdir(location))

    def make_dirs(self, location: str) -> None:
        os.makedirs(location, exist_ok=True)

    def delete(self, location: str) -> None:
        if os.path.isdir(location) and not os.path.islink(location):
            shutil.rmtree(location, ignore_errors=True)
        elif os.path.lexists(location):
            os.remove(location)

    def rename(self, source: str, target: str) -> None:
        os.replace(source, target)

    def read_text(self, location: str) -> str:
        return Path(location).read_text(encoding="utf-8")

    def write_text(self, location: str, content: str) -> None:
        partial = location + ".partial"
        Path(partial).write_text(content, encoding="utf-8")
        os.replace(partial, location)

    def upload(self, local: Path, location: str) -> None:
        if os.path.abspath(local) != os.path.abspath(location):
            shutil.copyfile(local, location)
