"""One file as one text, as ``textreuse run`` reads it: for ``compare`` and ``clean``.

An HTML page (``.html``, ``.htm``, plain or compressed) gives its extracted main text,
read by :class:`~textreuse.io.readers.RecordReader` exactly as a page input of a run,
so that the offsets ``compare`` prints are those of the run's ``documents.parquet``.
Any other file is read as a ``.txt`` input: strict UTF-8 (or the fallback encoding),
kept exactly as stored; so is standard input, named ``-``.
"""

from __future__ import annotations

import os
import sys

from textreuse.errors import InputError
from textreuse.io.formats import read_text_file
from textreuse.io.html import HTML_SUFFIXES
from textreuse.io.input_files import STDIN, STDIN_SOURCE
from textreuse.io.readers import RecordReader

__all__ = ["read_document"]


def read_document(
    path: str | os.PathLike[str],
    max_doc_chars: int = 5_000_000,
    fallback_encoding: str | None = None,
    page_timeout: float = 30.0,
) -> str:
    """The text of the file at ``path`` (see the module docstring).

    Raises :class:`~textreuse.errors.InputError` naming the file and what is wrong (a
    page with no main text, undecodable bytes, a binary file, ...), and
    :class:`~textreuse.errors.MissingExtraError` for a page without ``textreuse[html]``.
    """
    name = os.fspath(path)
    if name == STDIN:  # text piped in (read whole, as a text file is)
        data = sys.stdin.buffer.read(4 * max_doc_chars + 1)
        name = STDIN_SOURCE
        record = next(read_text_file(name, name, max_doc_chars, fallback_encoding, data))
    elif name.lower().endswith(HTML_SUFFIXES):
        reader = RecordReader(
            [name], max_doc_chars=max_doc_chars, on_error="fail", page_timeout=page_timeout
        )
        try:
            (row,) = [row for batch in reader.batches() for row in batch.to_pylist()]
        except InputError as error:  # the file is the whole record: "file" says nothing
            raise InputError(name, "", error.reason) from error
        return str(row["text"])
    else:
        record = next(
            read_text_file(name, os.path.basename(name), max_doc_chars, fallback_encoding)
        )
    text = (record.fields or {}).get("text")
    if record.error is not None or not isinstance(text, str):
        raise InputError(name, "", str(record.error))
    return text
