"""Compressed record files (``.gz``, ``.bz2``, ``.xz``, ``.zst``), read as streams.

A JSON Lines, CSV or TSV file may be compressed; the suffix after its format's says how
(``news.jsonl.zst``). :func:`decompressed` wraps the open file in a stream that
decompresses as it is read, so a large file is never held whole. gzip, bzip2 and
xz come with Python; Zstandard is read by pyarrow's codec, already a dependency.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from typing import IO, cast

import pyarrow as pa

#: Compression suffixes and the name of each format, for messages.
COMPRESSIONS: dict[str, str] = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd"}

#: What reading a damaged or truncated compressed stream raises (besides ``EOFError``,
#: which means the stream ended early).
STREAM_ERRORS: tuple[type[Exception], ...] = (OSError, EOFError, zlib.error, lzma.LZMAError)


def compression_of(name: str) -> str | None:
    """The compression format of a file name (``"gzip"``, ...), or None if plain."""
    lowered = name.lower()
    for suffix, format_name in COMPRESSIONS.items():
        if lowered.endswith(suffix):
            return format_name
    return None


def without_compression(name: str) -> str:
    """``name`` without its compression suffix: ``a.jsonl.zst`` -> ``a.jsonl``."""
    lowered = name.lower()
    for suffix in COMPRESSIONS:
        if lowered.endswith(suffix):
            return name[: -len(suffix)]
    return name


def with_compressions(*suffixes: str) -> tuple[str, ...]:
    """Each suffix, plain and with every compression suffix."""
    return tuple(base + packed for base in suffixes for packed in ("", *COMPRESSIONS))


#: The bytes each compressed format starts with.
_MAGIC: dict[str, bytes] = {
    "gzip": b"\x1f\x8b",
    "bzip2": b"BZh",
    "xz": b"\xfd7zXZ\x00",
    "zstd": b"\x28\xb5\x2f\xfd",
}


class NotCompressed(ValueError):
    """A file named as compressed does not start as that format does."""


def decompressed(raw: IO[bytes], name: str) -> IO[bytes]:
    """``raw`` (the bytes of the file called ``name``, seekable) as a decompressing
    stream, or ``raw`` itself when the name has no compression suffix. Raises
    :class:`NotCompressed` if the file is not empty and does not start as its
    compression format does."""
    format_name = compression_of(name)
    if format_name is None:
        return raw
    head = raw.read(len(_MAGIC[format_name]))
    raw.seek(0)
    if not head:
        return raw  # an empty file holds nothing, whatever its name
    if head != _MAGIC[format_name]:
        raise NotCompressed(
            f"not a {format_name} file (its name ends in {name[name.rfind('.') :]})"
        )
    if format_name == "gzip":
        return cast(IO[bytes], gzip.GzipFile(fileobj=raw))
    if format_name == "bzip2":
        return bz2.BZ2File(raw)
    if format_name == "xz":
        return lzma.LZMAFile(raw)
    # zstd
    stream = pa.CompressedInputStream(pa.PythonFile(raw, mode="r"), "zstd")
    return io.BufferedReader(stream)


def stream_problem(error: Exception, format_name: str | None) -> str:
    """What went wrong reading a (compressed) stream, for a reject reason."""
    if format_name is None:
        return f"read error: {error}"
    # Python's decompressors raise EOFError; pyarrow's zstd "Truncated compressed stream"
    if isinstance(error, EOFError) or "truncated" in str(error).lower():
        return f"truncated {format_name} stream"
    return f"corrupt {format_name} stream: {error}"
