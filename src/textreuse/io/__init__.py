"""Input and output: streaming readers for JSON Lines, Parquet, CSV and plain-text corpora."""
