"""Alignment stage: pairs of documents to aligned passages."""

from __future__ import annotations

from collections import OrderedDict

import pyarrow as pa

from textreuse.core.align import AlignParams, PreparedText, align_prepared_with_opcodes
from textreuse.core.rewrite import rewrite_profiles_of_tokens
from textreuse.core.tokenize import Tokens
from textreuse.parallel import worker_memory_share
from textreuse.schema import SUBSTITUTION_PAIR

#: Rewrite profile columns, in both orientations: ``_ab`` reads b as a rewrite
#: of a (a the source), ``_ba`` the reverse; the direction picks one later.
REWRITE_FIELDS = (
    pa.field("rewrite_rate_ab", pa.float64()),
    pa.field("rewrite_rate_ba", pa.float64()),
    pa.field("reordered_ab", pa.bool_()),
    pa.field("reordered_ba", pa.bool_()),
    pa.field("substitutions_ab", pa.list_(SUBSTITUTION_PAIR)),
    pa.field("substitutions_ba", pa.list_(SUBSTITUTION_PAIR)),
)

ALIGNED_SCHEMA = pa.schema(
    [
        pa.field("ka", pa.int32()),
        pa.field("kb", pa.int32()),
        pa.field("a_start", pa.int32()),
        pa.field("a_end", pa.int32()),
        pa.field("b_start", pa.int32()),
        pa.field("b_end", pa.int32()),
        pa.field("score", pa.float64()),
        pa.field("matches", pa.int32()),
        pa.field("substitutions", pa.int32()),
        pa.field("insertions", pa.int32()),
        pa.field("deletions", pa.int32()),
        *REWRITE_FIELDS,
    ]
)

_FIELDS = [f.name for f in ALIGNED_SCHEMA][2 : -len(REWRITE_FIELDS)]


#: Prepared texts kept per worker process between batches, keyed by document: at
#: most this many, ...
_CACHE_LIMIT = 20_000
#: ... holding at most so many characters that they take about this share of the
#: memory, divided among the workers (a prepared text takes about
#: ``PREPARED_BYTES_PER_CHAR`` bytes a character) ...
CACHE_MEMORY_SHARE = 0.4
PREPARED_BYTES_PER_CHAR = 45
#: ... or this many characters where the memory is not known.
_CACHE_CHARS_UNKNOWN_MEMORY = 32_000_000


def _cache_char_limit() -> int:
    budget = worker_memory_share(CACHE_MEMORY_SHARE)
    return _CACHE_CHARS_UNKNOWN_MEMORY if budget is None else budget // PREPARED_BYTES_PER_CHAR


_CACHE_CHAR_LIMIT = _cache_char_limit()
_cache: OrderedDict[tuple[int, int], PreparedText] = OrderedDict()
_cached_chars = 0


def _prepared(
    params: AlignParams, key: int, text: str, spans: tuple[tuple[int, int], ...] = ()
) -> PreparedText:
    """A document's prepared text, from this process's LRU cache when possible."""
    global _cached_chars
    cache_key = (key, params.ngram)
    found = _cache.get(cache_key)
    if found is not None and found.text == text and found.spans == spans:
        _cache.move_to_end(cache_key)
        return found
    if found is not None:
        _cached_chars -= len(found.text)
    found = _cache[cache_key] = PreparedText(text, params.ngram, spans=spans)
    _cache.move_to_end(cache_key)  # a replaced entry keeps its place otherwise
    _cached_chars += len(text)
    while len(_cache) > 1 and (len(_cache) > _CACHE_LIMIT or _cached_chars > _CACHE_CHAR_LIMIT):
        _, evicted = _cache.popitem(last=False)
        _cached_chars -= len(evicted.text)
    return found


def _spans(batch: pa.RecordBatch, side: str) -> list[tuple[tuple[int, int], ...]]:
    """Each row's excluded spans on one side, from optional ``starts_*``/``ends_*`` lists."""
    names = batch.schema.names
    if f"starts_{side}" not in names:
        return [()] * batch.num_rows
    starts = batch.column(f"starts_{side}").to_pylist()
    ends = batch.column(f"ends_{side}").to_pylist()
    return [tuple(zip(s, e, strict=True)) if s else () for s, e in zip(starts, ends, strict=True)]


def align_batch(params: AlignParams, batch: pa.RecordBatch) -> pa.RecordBatch:
    """Align every ``(ka, text_a, kb, text_b)`` row of a batch.

    Optional list columns ``starts_a``/``ends_a`` and ``starts_b``/``ends_b``
    hold each text's boilerplate spans (merged); no passage touches them.
    Prepared texts are cached per worker process, so a document paired with
    many others is tokenised once. Each passage also gets its rewrite profile
    (:func:`~textreuse.core.rewrite.rewrite_profiles`) in both orientations.
    """

    def prepared(key: int, text: str, spans: tuple[tuple[int, int], ...]) -> PreparedText:
        return _prepared(params, key, text, spans)

    columns: dict[str, list[object]] = {name: [] for name in ALIGNED_SCHEMA.names}
    rows = zip(
        batch.column("ka").to_pylist(),
        batch.column("text_a").to_pylist(),
        _spans(batch, "a"),
        batch.column("kb").to_pylist(),
        batch.column("text_b").to_pylist(),
        _spans(batch, "b"),
        strict=True,
    )
    for ka, text_a, spans_a, kb, text_b, spans_b in rows:
        pair = (prepared(ka, text_a, spans_a), prepared(kb, text_b, spans_b))
        for passage, opcodes in align_prepared_with_opcodes(*pair, params):
            columns["ka"].append(ka)
            columns["kb"].append(kb)
            for name in _FIELDS:
                columns[name].append(getattr(passage, name))
            tokens_a = _span_tokens(pair[0].tokens, passage.a_start, passage.a_end)
            tokens_b = _span_tokens(pair[1].tokens, passage.b_start, passage.b_end)
            # the spans' words are the passage's (the punctuation pulled in is no word),
            # so its edit script serves
            same_words = len(tokens_a) == passage.a_words and len(tokens_b) == passage.b_words
            forward, backward = rewrite_profiles_of_tokens(
                text_a, tokens_a, text_b, tokens_b, opcodes if same_words else None
            )
            columns["rewrite_rate_ab"].append(forward.rewrite_rate)
            columns["rewrite_rate_ba"].append(backward.rewrite_rate)
            columns["reordered_ab"].append(forward.reordered)
            columns["reordered_ba"].append(backward.reordered)
            columns["substitutions_ab"].append(_pairs(forward.substitutions))
            columns["substitutions_ba"].append(_pairs(backward.substitutions))
    return pa.record_batch(
        [
            pa.array(columns[name], type=ALIGNED_SCHEMA.field(name).type)
            for name in ALIGNED_SCHEMA.names
        ],
        schema=ALIGNED_SCHEMA,
    )


def _span_tokens(tokens: Tokens, start: int, end: int) -> Tokens:
    """The tokens lying inside characters ``[start, end)`` (offsets stay absolute)."""
    # the offsets in the offsets' own type: numpy would copy a whole int32 array
    # to int64 to search it for a Python int
    first = int(tokens.starts.searchsorted(tokens.starts.dtype.type(start), side="left"))
    last = int(tokens.ends.searchsorted(tokens.ends.dtype.type(end), side="right"))
    return Tokens(tokens.words[first:last], tokens.starts[first:last], tokens.ends[first:last])


def _pairs(substitutions: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"source": old, "copy": new} for old, new in substitutions]
