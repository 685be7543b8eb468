"""The relational plan: postings to candidate pairs, groups and clusters.

Each step is one SQL statement over named tables, written in the plain SQL
that DuckDB and Spark SQL both run (window functions, ``GROUP BY``, joins; no
engine-specific functions). A ``/*+ REPARTITION(col) */`` hint, a comment to
DuckDB, has Spark shuffle rows once by ``col`` where the aggregation and the
window after it both group by it (one shuffle instead of two). An engine
executes the steps in order, and runs :data:`COMPONENTS_ROUND` for connected
components (large-star and small-star rounds) until every component is a star.
Table names in ``{braces}`` are filled by the engine. A step whose rows get
consecutive ids (document keys, passage ids, cluster and group ids) says so
with a :class:`Numbering` instead of a window in its SQL, so that an engine can
number a large table without sorting all of it in one task.

Tables the Python stages provide:

- ``records(doc_id, status, text_hash, content_start, content_end, site_key, ...)``:
  every input record;
- ``pattern_spans(doc_id, start_pos, end_pos)`` and ``line_hashes(doc_id,
  start_pos, end_pos, h)``: boilerplate found by patterns, and the normalised
  hash of every line of documents with a site (:mod:`textreuse.boilerplate`);
- ``docs(doc_key, text_hash, n_content, bp_spans, n_words, date_utc, site_key)``: ok documents;
  ``doc_key`` is the rank of ``doc_id``, so every tie-break below is
  independent of input order; ``n_content`` counts the characters of the
  content outside boilerplate, ``bp_spans`` the boilerplate spans.
- ``postings(h, doc_key)``: distinct seed n-gram hashes per indexed document.
- ``aligned(...)``: passages from the aligner (see :data:`PASSAGE_EDGES`), with
  their rewrite profiles in both orientations (``rewrite_rate_ab``, ``_ba``, ...).
"""

from __future__ import annotations

from dataclasses import dataclass

from textreuse.schema import METADATA_FIELDS, RECORD_SCHEMA, STATUS_REJECTED


@dataclass(frozen=True, slots=True)
class Numbering:
    """Number a step's rows 0, 1, 2, ... in the order of ``order``: columns that are
    unique together and never null. The number is column ``column`` (of SQL type
    ``sql_type``), put first. ``size`` names tables whose row counts, summed, bound
    the step's: an engine may number a small table in one task and a large one by
    range partitions (:meth:`textreuse.engine.spark.SparkEngine.run`)."""

    column: str
    order: tuple[str, ...]
    sql_type: str
    size: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Step:
    """One statement creating table ``name``; its rows numbered by ``numbering``."""

    name: str
    sql: str
    numbering: Numbering | None = None


def numbered_in_one_order(numbering: Numbering, sql: str) -> str:
    """``sql``'s rows with their number, by one window over the whole result."""
    order = ", ".join(numbering.order)
    return (
        f"SELECT CAST(row_number() OVER (ORDER BY {order}) - 1 AS {numbering.sql_type})"
        f" AS {numbering.column}, * FROM ({sql}) AS unnumbered"
    )


_TAKEN_METADATA = ", ".join(
    f"CASE WHEN taken THEN NULL ELSE {name} END AS {name}" for name in METADATA_FIELDS
)

_RECORD_COLUMNS = ", ".join(RECORD_SCHEMA.names)

#: Records read by the executors, file by file (``read_rows``: the record
#: columns plus ``input_index``, ``record_index``, ``raw_id``, ``reject_kind``,
#: ``reason`` and ``fallback_id``, and counting rows, which are left out; see
#: :mod:`textreuse.stages.uri_ingest`), with ids compared across files as one
#: reader does in input order: the first record with an id keeps it; a later
#: one with a ``fallback_id`` (a WARC page's record id) takes that id instead;
#: any other later one is rejected as a duplicate naming the first's place
#: (unless it was already rejected for its own fields), and its row takes the
#: id ``source#location``.
INPUT_RECORDS = Step(
    "input_records",
    f"""
    WITH records AS (
        SELECT {_RECORD_COLUMNS}, input_index, record_index, raw_id, reject_kind, reason,
               raw_id IS NOT NULL AND fallback_id IS NOT NULL AND row_number() OVER (
                   PARTITION BY raw_id ORDER BY input_index, source, record_index
               ) > 1 AS renamed,
               fallback_id
        FROM read_rows WHERE stat_kind IS NULL
    ),
    named AS (
        SELECT CASE WHEN renamed THEN fallback_id ELSE doc_id END AS doc_id,
               text, {", ".join(METADATA_FIELDS)}, status, source, location,
               input_index, record_index,
               CASE WHEN renamed THEN fallback_id ELSE raw_id END AS raw_id,
               reject_kind, reason
        FROM records
    ),
    ordered AS (
        SELECT *,
               row_number() OVER w AS nth,
               first_value(source) OVER w AS first_source,
               first_value(location) OVER w AS first_location
        FROM named
        WINDOW w AS (PARTITION BY raw_id ORDER BY input_index, source, record_index)
    ),
    resolved AS (
        SELECT *, raw_id IS NOT NULL AND nth > 1 AS taken FROM ordered
    )
    SELECT CASE WHEN taken THEN concat(source, '#', location) ELSE doc_id END AS doc_id,
           CASE WHEN taken THEN NULL ELSE text END AS text,
           {_TAKEN_METADATA},
           CASE WHEN taken THEN '{STATUS_REJECTED}' ELSE status END AS status,
           source, location, input_index, record_index, raw_id,
           CASE WHEN taken AND coalesce(reject_kind, '') <> 'field'
                THEN concat('duplicate id ', chr(39), raw_id, chr(39), ': first seen in ',
                            first_source, ', ', first_location)
                ELSE reason END AS reason,
           CASE WHEN taken AND coalesce(reject_kind, '') <> 'field'
                THEN 'duplicate' ELSE reject_kind END AS reject_kind
    FROM resolved
    """,
)

#: Lines repeated across a site (CCNet-style corpus statistics): a normalised
#: line hash found in at least ``{min_docs}`` distinct texts of one site, and in
#: at least ``{min_share}`` of the site's distinct texts. Texts are counted by
#: their hash, so copies of one article never make its lines look like a template.
REPEATED_LINES = Step(
    "repeated_lines",
    """
    WITH site_texts AS (
        SELECT site_key, count(DISTINCT text_hash) AS n_texts
        FROM records WHERE status = 'ok' AND site_key IS NOT NULL
        GROUP BY site_key
    ),
    counted AS (
        SELECT r.site_key, l.h, count(DISTINCT r.text_hash) AS n_texts
        FROM line_hashes AS l JOIN records AS r ON r.doc_id = l.doc_id
        GROUP BY r.site_key, l.h
    )
    SELECT c.site_key, c.h, c.n_texts
    FROM counted AS c JOIN site_texts AS s ON s.site_key = c.site_key
    WHERE c.n_texts >= {min_docs} AND c.n_texts >= {min_share} * s.n_texts
    """,
)

#: Every document's boilerplate: pattern spans and the blocks of its repeated
#: lines, merged per document into sorted, non-overlapping spans (overlapping
#: or touching spans join; line blocks of consecutive lines touch).
BOILERPLATE_SPANS = Step(
    "boilerplate_spans",
    """
    WITH spans AS (
        SELECT doc_id, start_pos, end_pos FROM pattern_spans
        UNION ALL
        SELECT l.doc_id, l.start_pos, l.end_pos
        FROM line_hashes AS l
        JOIN records AS r ON r.doc_id = l.doc_id
        JOIN repeated_lines AS x ON x.site_key = r.site_key AND x.h = l.h
    ),
    flagged AS (
        SELECT doc_id, start_pos, end_pos,
               CASE WHEN max(end_pos) OVER (
                        PARTITION BY doc_id ORDER BY start_pos, end_pos
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) >= start_pos
                    THEN 0 ELSE 1 END AS new_span
        FROM spans
    ),
    numbered AS (
        SELECT doc_id, start_pos, end_pos,
               sum(new_span) OVER (
                   PARTITION BY doc_id ORDER BY start_pos, end_pos
                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS span_no
        FROM flagged
    )
    SELECT doc_id, min(start_pos) AS start_pos, max(end_pos) AS end_pos
    FROM numbered GROUP BY doc_id, span_no
    """,
)

#: Per document: its number of boilerplate spans, the content characters they
#: cover, and whether they cover all of it (then the document is empty).
DOC_BOILERPLATE = Step(
    "doc_boilerplate",
    """
    SELECT s.doc_id, count(*) AS bp_spans,
           sum(greatest(0, least(s.end_pos, r.content_end)
                           - greatest(s.start_pos, r.content_start))) AS bp_chars,
           max(CASE WHEN s.start_pos <= r.content_start AND s.end_pos >= r.content_end
                    THEN 1 ELSE 0 END) AS all_boilerplate
    FROM boilerplate_spans AS s JOIN records AS r ON r.doc_id = s.doc_id
    GROUP BY s.doc_id
    """,
)

#: Exact duplicates (same text after white space normalisation): ``erep`` is the
#: member with the smallest key. Only representatives are fingerprinted.
EXACT_GROUPS = Step(
    "exact_groups",
    """
    SELECT doc_key, min(doc_key) OVER (PARTITION BY text_hash) AS erep
    FROM doc_keys
    """,
)

#: The ok documents that are not all boilerplate, keyed by the rank of their id
#: (so every tie-break is independent of input order), with the size of their
#: content outside boilerplate.
DOC_KEYS = Step(
    "doc_keys",
    """
    SELECT r.doc_id, r.text_hash, r.content_start, r.content_end,
           r.content_end - r.content_start - coalesce(b.bp_chars, 0) AS n_content,
           coalesce(b.bp_spans, 0) AS bp_spans, r.date_utc, r.site_key
    FROM records AS r LEFT JOIN doc_boilerplate AS b ON b.doc_id = r.doc_id
    WHERE r.status = 'ok' AND coalesce(b.all_boilerplate, 0) = 0
    """,
    Numbering("doc_key", ("doc_id",), "INTEGER", ("records",)),
)

#: ``docs``: the keyed documents with their word counts (``doc_words``, from the
#: fingerprint stage, which counts exact representatives only).
DOCS = Step(
    "docs",
    """
    SELECT d.*, w.n_words FROM doc_keys AS d
    JOIN exact_groups AS e ON e.doc_key = d.doc_key
    JOIN doc_words AS w ON w.doc_key = e.erep
    """,
)

#: Near-duplicate edges between distinct texts, from a 1-in-``{dup_sample}``
#: sample of their n-grams (chosen by hash, so every document samples the same
#: n-grams): two texts are linked when the sampled n-grams they share are at
#: least ``{dup_similarity}`` of the larger text's sample (so a short text
#: contained in long ones never chains them together). A sampled n-gram in at most
#: ``{max_df}`` texts counts for every pair of them; one in more (a story
#: republished by hundreds of sites) counts only between each text holding it and
#: the first one (smallest key) that does, so its pairs grow with the number of
#: texts, not its square. The count of a pair is then at most what the two share,
#: never more, and copies of one story still link to the same first copy.
NEAR_EDGES = Step(
    "near_edges",
    """
    WITH sampled AS (
        SELECT p.h, p.doc_key FROM postings AS p
        WHERE (p.h % {dup_sample}) = 0
    ),
    sizes AS (
        SELECT doc_key, count(*) AS n FROM sampled GROUP BY doc_key
    ),
    counted AS (
        SELECT h, doc_key,
               count(*) OVER (PARTITION BY h) AS df,
               min(doc_key) OVER (PARTITION BY h) AS first_key
        FROM sampled
    ),
    kept AS (
        SELECT h, doc_key FROM counted WHERE df BETWEEN 2 AND {max_df}
    ),
    pairs AS (
        SELECT x.doc_key AS a, y.doc_key AS b
        FROM kept AS x JOIN kept AS y ON x.h = y.h AND x.doc_key < y.doc_key
        UNION ALL
        SELECT first_key AS a, doc_key AS b
        FROM counted WHERE df > {max_df} AND doc_key <> first_key
    ),
    shared AS (
        SELECT a, b, count(*) AS n_shared FROM pairs GROUP BY a, b
    )
    SELECT sh.a, sh.b, sh.n_shared
    FROM shared AS sh
    JOIN sizes AS sa ON sa.doc_key = sh.a
    JOIN sizes AS sb ON sb.doc_key = sh.b
    WHERE sh.n_shared >= 2
      AND sh.n_shared >= {dup_similarity} * greatest(sa.n, sb.n)
    """,
)

#: Alignment groups: every document joins the near-duplicate component of its
#: exact representative. The group's representative ``grp`` is its most central
#: text: the one sharing the most n-grams with the other members (the source that
#: copies were made from shares text with all of them; each n-gram it holds counts
#: the other members holding it; all n-grams, not the sample, so that a copy whose
#: edits missed the sample does not tie with its original), then the longest, then
#: the smallest key. ``size`` counts the group's distinct texts.
GROUPS = Step(
    "groups",
    """
    WITH g AS (
        SELECT e.doc_key, e.erep, coalesce(n.label, e.erep) AS label
        FROM exact_groups AS e
        LEFT JOIN near_components AS n ON n.node = e.erep
    ),
    sizes AS (
        SELECT label, count(DISTINCT erep) AS size FROM g GROUP BY label
    )
    SELECT g.doc_key, g.erep, g.label,
           first_value(g.erep) OVER (
               PARTITION BY g.label ORDER BY coalesce(c.centrality, 0) DESC, d.n_words DESC, g.erep
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS grp,
           s.size
    FROM g
    JOIN sizes AS s ON s.label = g.label
    JOIN docs AS d ON d.doc_key = g.erep
    LEFT JOIN (
        SELECT node, sum(holders) - count(*) AS centrality FROM (
            SELECT p.doc_key AS node, count(*) OVER (PARTITION BY p.h, n.label) AS holders
            FROM postings AS p JOIN near_components AS n ON n.node = p.doc_key
        ) AS held GROUP BY node
    ) AS c ON c.node = g.erep
    """,
)

#: Postings collapsed to one document per group: the representative when it
#: holds the n-gram, else the group's smallest member that does (other documents
#: are paired with a group through that one document); n-grams found in more
#: than ``{max_df}`` groups, or in one only, are dropped.
INDEXED_POSTINGS = Step(
    "indexed_postings",
    """
    WITH grouped AS (
        SELECT /*+ REPARTITION(h) */ p.h, g.grp, p.doc_key
        FROM postings AS p JOIN groups AS g ON g.doc_key = p.doc_key
    ),
    group_postings AS (
        SELECT h, grp,
               CASE WHEN max(CASE WHEN doc_key = grp THEN 1 ELSE 0 END) = 1
                    THEN grp ELSE min(doc_key) END AS doc_key
        FROM grouped
        GROUP BY h, grp
    )
    SELECT h, grp, doc_key FROM (
        SELECT h, grp, doc_key, count(*) OVER (PARTITION BY h) AS df FROM group_postings
    ) AS gp
    WHERE df BETWEEN 2 AND {max_df}
    """,
)

#: Pairs of documents in different groups sharing at least ``{min_shared}`` n-grams.
CANDIDATE_PAIRS = Step(
    "candidate_pairs",
    """
    SELECT least(x.doc_key, y.doc_key) AS ka, greatest(x.doc_key, y.doc_key) AS kb,
           count(*) AS shared
    FROM indexed_postings AS x
    JOIN indexed_postings AS y ON x.h = y.h AND x.grp < y.grp
    GROUP BY least(x.doc_key, y.doc_key), greatest(x.doc_key, y.doc_key)
    HAVING count(*) >= {min_shared}
    """,
)

#: Everything to align: candidate pairs between groups; inside a group of at
#: most ``{group_min}`` distinct texts every pair; inside a larger group every
#: member with the representative only (k - 1 alignments, not k²); and exact
#: duplicates with boilerplate, whose passages must leave it out.
ALIGN_PAIRS = Step(
    "align_pairs",
    """
    SELECT ka, kb, 'candidate' AS kind FROM candidate_pairs
    UNION ALL
    SELECT x.doc_key AS ka, y.doc_key AS kb, 'group' AS kind
    FROM groups AS x
    JOIN groups AS y ON x.label = y.label AND x.doc_key < y.doc_key
    WHERE x.doc_key = x.erep AND y.doc_key = y.erep AND x.size <= {group_min}
    UNION ALL
    SELECT least(doc_key, grp) AS ka, greatest(doc_key, grp) AS kb, 'group' AS kind
    FROM groups WHERE doc_key = erep AND doc_key <> grp AND size > {group_min}
    UNION ALL
    SELECT least(g.doc_key, g.erep) AS ka, greatest(g.doc_key, g.erep) AS kb, 'exact' AS kind
    FROM groups AS g
    JOIN docs AS d ON d.doc_key = g.doc_key
    JOIN docs AS e ON e.doc_key = g.erep
    WHERE g.doc_key <> g.erep AND d.n_words >= {min_words}
      AND (d.bp_spans > 0 OR e.bp_spans > 0)
    """,
)

#: Exact duplicates need no alignment: one passage over the whole text (when
#: neither copy has boilerplate; otherwise they are aligned, see ALIGN_PAIRS).
EXACT_PASSAGES = Step(
    "exact_passages",
    """
    SELECT least(g.doc_key, g.erep) AS ka, greatest(g.doc_key, g.erep) AS kb
    FROM groups AS g
    JOIN docs AS d ON d.doc_key = g.doc_key
    JOIN docs AS e ON e.doc_key = g.erep
    WHERE g.doc_key <> g.erep AND d.n_words >= {min_words}
      AND d.bp_spans = 0 AND e.bp_spans = 0
    """,
)

#: Near-duplicate edges: passages covering at least ``{dup_coverage}`` of both
#: documents, and every exact duplicate with its first copy, however short (a text
#: under ``min_words`` words has no passage, but its copies are the same text).
DUPLICATE_EDGES = Step(
    "duplicate_edges",
    """
    SELECT p.ka AS a, p.kb AS b
    FROM (
        SELECT ka, kb, sum(a_end - a_start) AS a_cov, sum(b_end - b_start) AS b_cov
        FROM passages_keyed GROUP BY ka, kb
    ) AS p
    JOIN docs AS da ON da.doc_key = p.ka
    JOIN docs AS db ON db.doc_key = p.kb
    WHERE p.a_cov >= {dup_coverage} * da.n_content AND p.b_cov >= {dup_coverage} * db.n_content
    UNION
    SELECT erep AS a, doc_key AS b FROM exact_groups WHERE doc_key <> erep
    """,
)

#: Passage occurrences merged per document into spans: occurrences that overlap
#: (by more than ``{overlap_slack}`` characters) are the same node of the reuse graph.
OCCURRENCE_SPANS = Step(
    "occurrence_spans",
    """
    SELECT pid, side, doc_key, start_pos, end_pos,
           CAST(doc_key AS BIGINT) * 1048576 + CAST(sum(new_span) OVER (
               PARTITION BY doc_key ORDER BY start_pos, end_pos, pid, side
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS BIGINT) AS node
    FROM (
        SELECT *, CASE WHEN prev_end IS NULL OR start_pos >= prev_end - {overlap_slack}
                       THEN 1 ELSE 0 END AS new_span
        FROM (
            SELECT *, max(end_pos) OVER (
                PARTITION BY doc_key ORDER BY start_pos, end_pos, pid, side
                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
            FROM (
                SELECT pid, 0 AS side, ka AS doc_key, a_start AS start_pos, a_end AS end_pos
                FROM passages_keyed
                UNION ALL
                SELECT pid, 1 AS side, kb AS doc_key, b_start AS start_pos, b_end AS end_pos
                FROM passages_keyed
            ) AS occ
        ) AS ordered
    ) AS flagged
    """,
)

#: Reuse-graph edges: the two occurrences of each passage.
PASSAGE_EDGES = Step(
    "passage_edges",
    """
    SELECT x.node AS a, y.node AS b
    FROM occurrence_spans AS x
    JOIN occurrence_spans AS y ON x.pid = y.pid AND x.side = 0 AND y.side = 1
    """,
)

#: Connected components by alternating large-star and small-star (Kiveris et al.,
#: "Connected Components in MapReduce and Beyond", SoCC 2014). The graph is kept
#: as symmetric edges ``star(u, v)``; each round rewires them, keeping every
#: component connected, until each component is a star whose centre is its
#: smallest node. That takes O(log n) rounds in practice: 5 for the 92k
#: near-duplicate edges of scale-100k and 6 for its 257k passage edges, where
#: label propagation took 18 and 25. The bound only stops a run that would
#: never converge.
MAX_COMPONENT_ROUNDS = 1000

#: The edges ``{edges}(a, b)`` of a components run as a symmetric edge list, with
#: no self-loops (their nodes are labelled by :data:`COMPONENTS_LABELS`).
COMPONENTS_EDGES = """
    SELECT a AS u, b AS v FROM {edges} WHERE a <> b
    UNION SELECT b AS u, a AS v FROM {edges} WHERE a <> b
"""

#: One round over symmetric edges ``{star}(u, v)``. Large-star links each
#: neighbour of ``u`` larger than ``u`` to the smallest of ``u`` and its
#: neighbours; small-star then links each node and its smaller neighbours to the
#: smallest of them. The result is symmetric again; ``unsettled`` marks a node
#: that has both smaller and larger neighbours, or two smaller ones. When no
#: node is unsettled every component is a star around its smallest node, and
#: the run is done.
COMPONENTS_ROUND = """
    WITH around AS (
        SELECT u, v, least(u, min(v) OVER (PARTITION BY u)) AS centre FROM {star}
    ),
    large AS (
        SELECT DISTINCT a, b FROM (
            SELECT /*+ REPARTITION(b) */ centre AS a, v AS b FROM around WHERE v > u
        ) AS l
    ),
    small AS (
        SELECT a, b, min(a) OVER (PARTITION BY b) AS centre FROM large
    ),
    linked AS (
        SELECT centre AS a, a AS b FROM small WHERE a <> centre
        UNION ALL SELECT centre AS a, b FROM small
    ),
    sym AS (
        SELECT DISTINCT u, v FROM (
            SELECT /*+ REPARTITION(u) */ u, v FROM (
                SELECT a AS u, b AS v FROM linked UNION ALL SELECT b AS u, a AS v FROM linked
            ) AS both_ways
        ) AS s
    )
    SELECT u, v,
           (min(v) OVER (PARTITION BY u) < u AND max(v) OVER (PARTITION BY u) > u)
           OR count(CASE WHEN v < u THEN 1 END) OVER (PARTITION BY u) >= 2 AS unsettled
    FROM sym
"""

#: Each node of a settled ``{star}`` with its component's label, the smallest
#: node; a node only ever linked to itself in ``{edges}`` is its own component.
COMPONENTS_LABELS = """
    SELECT node, min(label) AS label FROM (
        SELECT u AS node, least(u, v) AS label FROM {star}
        UNION ALL SELECT a AS node, a AS label FROM {edges} WHERE a = b
    ) AS l
    GROUP BY node
"""

#: The reuse clusters, numbered from 0 by label (every occurrence is a node of the
#: passage graph, and every node an occurrence).
CLUSTER_LABELS = Step(
    "cluster_labels",
    "SELECT DISTINCT label FROM passage_components",
    Numbering("cluster_id", ("label",), "BIGINT", ("passage_components",)),
)

#: The near-duplicate groups, numbered from 0 by label.
DUPLICATE_GROUPS = Step(
    "duplicate_groups",
    "SELECT DISTINCT label FROM duplicate_components",
    Numbering("group_id", ("label",), "BIGINT", ("duplicate_components",)),
)

#: Each passage occurrence with its reuse cluster.
OCCURRENCE_CLUSTERS = Step(
    "occurrence_clusters",
    """
    SELECT o.pid, o.side, o.doc_key, o.start_pos, o.end_pos, c.cluster_id
    FROM occurrence_spans AS o JOIN passage_components AS l ON l.node = o.node
    JOIN cluster_labels AS c ON c.label = l.label
    """,
)

#: Direction of every passage: which document is the source, and on what basis.
#:
#: 1. ``date``: both documents have dates and they differ; the earlier is the source.
#: 2. ``containment`` of words: otherwise, within the passage the copy holds a
#:    subset of the source's words (a copier drops words more than it adds):
#:    the side with at least ``{min_omitted}`` more unmatched words than the
#:    other (the aligner's deletions against insertions) is the source.
#: 3. ``support``: otherwise, the occurrence that more documents reuse is the
#:    source. An occurrence's support is the summed score of all passages
#:    touching it (its weighted degree in the reuse graph): the original is what
#:    every copy was made from, so it agrees with each copy better than the
#:    copies, each rewritten its own way, agree with each other. It counts when
#:    one side's support is at least ``{min_support_ratio}`` times the other's.
#: 4. ``containment`` of documents: otherwise, the document more of whose text
#:    the pair's passages cover (as a share of its content) is the copy, when the
#:    shares differ by at least ``{min_containment}`` (a copy usually holds a
#:    part of its source, and little else).
#: 5. ``none``: ``unknown``.
#:
#: Word containment is right on 99.8% of the scale corpora's source-to-copy
#: passages where it decides; support comes before document containment because
#: it was right far more often there, where copies add text (docs/benchmarks.md,
#: "Provenance").
PASSAGE_DIRECTION = Step(
    "passage_direction",
    """
    WITH pair_cover AS (
        SELECT ka, kb, sum(a_end - a_start) AS a_cover, sum(b_end - b_start) AS b_cover
        FROM passages_keyed GROUP BY ka, kb
    ),
    node_support AS (
        SELECT o.node, sum(p.score) AS support
        FROM occurrence_spans AS o JOIN passages_keyed AS p ON p.pid = o.pid
        GROUP BY o.node
    ),
    facts AS (
        SELECT p.pid, p.ka, p.kb, da.date_utc AS date_a, db.date_utc AS date_b,
               p.deletions - p.insertions AS omitted_from_b,
               c.a_cover / greatest(da.n_content, 1) AS share_a,
               c.b_cover / greatest(db.n_content, 1) AS share_b,
               sa.support AS support_a, sb.support AS support_b
        FROM passages_keyed AS p
        JOIN docs AS da ON da.doc_key = p.ka
        JOIN docs AS db ON db.doc_key = p.kb
        JOIN pair_cover AS c ON c.ka = p.ka AND c.kb = p.kb
        JOIN occurrence_spans AS oa ON oa.pid = p.pid AND oa.side = 0
        JOIN node_support AS sa ON sa.node = oa.node
        JOIN occurrence_spans AS ob ON ob.pid = p.pid AND ob.side = 1
        JOIN node_support AS sb ON sb.node = ob.node
    ),
    decided AS (
        SELECT pid, ka, kb,
               CASE WHEN date_a < date_b THEN 'a_to_b'
                    WHEN date_b < date_a THEN 'b_to_a'
                    WHEN omitted_from_b >= {min_omitted} THEN 'a_to_b'
                    WHEN -omitted_from_b >= {min_omitted} THEN 'b_to_a'
                    WHEN support_a >= {min_support_ratio} * support_b THEN 'a_to_b'
                    WHEN support_b >= {min_support_ratio} * support_a THEN 'b_to_a'
                    WHEN share_b - share_a >= {min_containment} THEN 'a_to_b'
                    WHEN share_a - share_b >= {min_containment} THEN 'b_to_a'
                    ELSE 'unknown' END AS direction,
               CASE WHEN date_a < date_b OR date_b < date_a THEN 'date'
                    WHEN abs(omitted_from_b) >= {min_omitted} THEN 'containment'
                    WHEN support_a >= {min_support_ratio} * support_b
                      OR support_b >= {min_support_ratio} * support_a THEN 'support'
                    WHEN abs(share_a - share_b) >= {min_containment} THEN 'containment'
                    ELSE 'none' END AS direction_basis
        FROM facts
    )
    SELECT d.pid, d.ka, d.kb, d.direction, d.direction_basis,
           CASE d.direction WHEN 'a_to_b' THEN d.ka WHEN 'b_to_a' THEN d.kb END AS source_key,
           CASE d.direction WHEN 'a_to_b' THEN d.kb WHEN 'b_to_a' THEN d.ka END AS copy_key,
           CASE WHEN d.direction = 'b_to_a' THEN p.rewrite_rate_ba
                ELSE p.rewrite_rate_ab END AS rewrite_rate,
           CASE WHEN d.direction = 'b_to_a' THEN p.reordered_ba
                ELSE p.reordered_ab END AS clause_order_changed
    FROM decided AS d JOIN passages_keyed AS p ON p.pid = d.pid
    """,
)

#: The source of every reuse cluster: its earliest dated document; among
#: documents with the same (or no) date, the one most often the source of the
#: cluster's directed passages (sources minus copies), then the smallest key.
#: ``source_confidence`` is the share of the cluster's passages touching that
#: document that name it as the source, each counted 1 when decided by date and
#: ``{tiebreak_weight}`` when by a tie-break (containment, support); passages of
#: unknown direction, or naming it the copy, count 0.
CLUSTER_SOURCES = Step(
    "cluster_sources",
    """
    WITH directed AS (
        SELECT c.cluster_id, d.pid, d.ka, d.kb, d.source_key, d.copy_key, d.direction_basis
        FROM passage_direction AS d
        JOIN occurrence_clusters AS c ON c.pid = d.pid AND c.side = 0
    ),
    votes AS (
        SELECT cluster_id, doc_key, sum(vote) AS net FROM (
            SELECT cluster_id, source_key AS doc_key, 1 AS vote
            FROM directed WHERE source_key IS NOT NULL
            UNION ALL
            SELECT cluster_id, copy_key AS doc_key, -1 AS vote
            FROM directed WHERE copy_key IS NOT NULL
        ) AS v GROUP BY cluster_id, doc_key
    ),
    members AS (
        SELECT DISTINCT cluster_id, doc_key FROM occurrence_clusters
    ),
    ranked AS (
        SELECT m.cluster_id, m.doc_key,
               row_number() OVER (
                   PARTITION BY m.cluster_id
                   ORDER BY d.date_utc ASC NULLS LAST, coalesce(v.net, 0) DESC, m.doc_key
               ) AS rank_no
        FROM members AS m
        JOIN docs AS d ON d.doc_key = m.doc_key
        LEFT JOIN votes AS v ON v.cluster_id = m.cluster_id AND v.doc_key = m.doc_key
    ),
    touching AS (
        SELECT r.cluster_id, r.doc_key,
               CASE WHEN x.source_key = r.doc_key AND x.direction_basis = 'date' THEN 1.0
                    WHEN x.source_key = r.doc_key THEN {tiebreak_weight}
                    ELSE 0.0 END AS credit
        FROM ranked AS r
        JOIN directed AS x
          ON x.cluster_id = r.cluster_id AND (x.ka = r.doc_key OR x.kb = r.doc_key)
        WHERE r.rank_no = 1
    )
    SELECT cluster_id, doc_key AS source_key, avg(CAST(credit AS DOUBLE)) AS source_confidence
    FROM touching GROUP BY cluster_id, doc_key
    """,
)

#: The site graph: for every (copier site, source site), the directed passages
#: between their documents, the copier's articles involved, their share of all
#: the copier's articles, and the median rewrite rate. Passages of unknown
#: direction and documents without a site are left out.
SITE_GRAPH = Step(
    "site_graph",
    """
    WITH directed AS (
        SELECT dc.site_key AS copier_site, ds.site_key AS source_site,
               d.copy_key, d.rewrite_rate
        FROM passage_direction AS d
        JOIN docs AS ds ON ds.doc_key = d.source_key
        JOIN docs AS dc ON dc.doc_key = d.copy_key
        WHERE d.direction <> 'unknown'
          AND ds.site_key IS NOT NULL AND dc.site_key IS NOT NULL
    ),
    site_articles AS (
        SELECT site_key, count(*) AS n_articles FROM docs
        WHERE site_key IS NOT NULL GROUP BY site_key
    )
    SELECT g.copier_site, g.source_site, g.passages, g.copier_articles,
           g.copier_articles / s.n_articles AS copier_share, g.median_rewrite_rate
    FROM (
        SELECT copier_site, source_site, count(*) AS passages,
               count(DISTINCT copy_key) AS copier_articles,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY rewrite_rate) AS median_rewrite_rate
        FROM directed GROUP BY copier_site, source_site
    ) AS g
    JOIN site_articles AS s ON s.site_key = g.copier_site
    """,
)

#: Each document's boilerplate spans as two sorted lists (the spans do not
#: overlap, so sorting starts and ends apart keeps them paired).
DOC_SPAN_LISTS = Step(
    "doc_span_lists",
    """
    SELECT doc_id, array_sort(array_agg(start_pos)) AS bp_starts,
           array_sort(array_agg(end_pos)) AS bp_ends
    FROM boilerplate_spans GROUP BY doc_id
    """,
)

#: Every passage with its key ``pid``, in a fixed order: the aligner's passages
#: and one whole-document passage per pair of exact duplicates (no rewrite).
PASSAGES_KEYED = Step(
    "passages_keyed",
    """
    SELECT * FROM (
        SELECT ka, kb, a_start, a_end, b_start, b_end, score,
               matches, substitutions, insertions, deletions,
               rewrite_rate_ab, rewrite_rate_ba, reordered_ab, reordered_ba,
               substitutions_ab, substitutions_ba
        FROM aligned
        UNION ALL
        SELECT x.ka, x.kb, da.content_start, da.content_end, db.content_start, db.content_end,
               CAST(1 AS DOUBLE), da.n_words, 0, 0, 0, CAST(0 AS DOUBLE), CAST(0 AS DOUBLE),
               false, false, NULL, NULL
        FROM exact_passages AS x
        JOIN docs AS da ON da.doc_key = x.ka JOIN docs AS db ON db.doc_key = x.kb
    ) AS p
    """,
    Numbering(
        "pid",
        ("ka", "kb", "a_start", "b_start", "a_end", "b_end"),
        "BIGINT",
        ("aligned", "exact_passages"),
    ),
)

BOILERPLATE_STEPS: tuple[Step, ...] = (
    REPEATED_LINES,
    BOILERPLATE_SPANS,
    DOC_BOILERPLATE,
    DOC_SPAN_LISTS,
)
"""Steps from pattern spans and line hashes to each document's boilerplate."""

KEY_STEPS: tuple[Step, ...] = (DOC_KEYS, EXACT_GROUPS)
"""Steps from records and their boilerplate to keyed documents and exact duplicates."""

CANDIDATE_STEPS: tuple[Step, ...] = (
    GROUPS,
    INDEXED_POSTINGS,
    CANDIDATE_PAIRS,
    ALIGN_PAIRS,
    EXACT_PASSAGES,
)
"""Steps from components to the alignment work list."""

CLUSTER_STEPS: tuple[Step, ...] = (PASSAGES_KEYED, OCCURRENCE_SPANS, PASSAGE_EDGES)
"""Steps from passages to reuse-graph edges."""

PROVENANCE_STEPS: tuple[Step, ...] = (
    CLUSTER_LABELS,
    OCCURRENCE_CLUSTERS,
    PASSAGE_DIRECTION,
    CLUSTER_SOURCES,
    SITE_GRAPH,
)
"""Steps from clusters to passage direction, cluster sources and the site graph."""
