"""textreuse: find, align and cluster reused text across collections of news articles.

Public API::

    import textreuse
    result = textreuse.compare(text_a, text_b)      # .score, .passages
    text = textreuse.read_document("page.html")     # a file's text, as run reads it
    manifest = textreuse.run(["corpus.jsonl"], "out/", threads=4)
"""

from textreuse.compare import Comparison, compare
from textreuse.config import RunConfig
from textreuse.core.align import AlignParams, Passage
from textreuse.io.document import read_document
from textreuse.pipeline import run

__version__ = "0.1.0"

__all__ = [
    "AlignParams",
    "Comparison",
    "Passage",
    "RunConfig",
    "__version__",
    "compare",
    "read_document",
    "run",
]
