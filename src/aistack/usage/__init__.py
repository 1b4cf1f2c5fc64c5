"""`aistack usage`: the gateway's own token and spend numbers for the logged-in engineer.

Layout: `periods` (what range, which days), `http` (retries, bounded concurrency, errors),
one module per backend behind `backend.Backend` and the `registry`, `aggregate` (streaming
buckets), `service` (cache + fetch + aggregate), `report` / `export` (table, JSON, CSV).
"""
