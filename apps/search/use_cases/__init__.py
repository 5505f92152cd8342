"""Search use cases: manage_synonyms (put, remove; each owns its commit through kernel.use_case), sync_index (the
sync loop's tick: upsert listed products, delete unlisted ones) and reindex (a new collection behind the alias).
The reads (search, suggest, the synonym list) are apps/search/queries.py."""
