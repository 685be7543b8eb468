"""Exceptions raised by textreuse. Each names what went wrong and where."""

from __future__ import annotations


class TextReuseError(Exception):
    """Base class for every error textreuse raises on purpose."""


class ConfigError(TextReuseError, ValueError):
    """An option has a value that cannot be used."""


class InputError(TextReuseError):
    """An input file or record cannot be read; the message names the file and record."""

    def __init__(self, source: str, location: str, reason: str) -> None:
        self.source = source
        self.location = location
        self.reason = reason
        where = f"{source}, {location}" if location else source
        super().__init__(f"{where}: {reason}")


class DuplicateIdError(InputError):
    """Two input records carry the same id."""


class OutputError(TextReuseError):
    """The output folder cannot be written."""


class MissingExtraError(TextReuseError, ImportError):
    """An optional dependency is missing; the message names the pip install command."""

    def __init__(self, feature: str, extra: str) -> None:
        super().__init__(
            f"{feature} needs an optional dependency: pip install 'textreuse[{extra}]'"
        )


class EngineError(TextReuseError):
    """The engine could not start (for Spark: no Java, a master out of reach)."""
