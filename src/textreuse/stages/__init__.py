"""Pipeline stages: each turns Arrow batches into Arrow batches, engine-agnostic."""
