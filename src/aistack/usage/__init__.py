"""`aistack usage`: the gateway's own token and spend numbers for the logged-in engineer.

Layout: `periods` (what range, which days), `http` (retries, bounded concurrency, errors),
one module per backend behind `backend.Backend` and the `registry`, `model` (streaming
buckets), `summary` (rows and totals), `service` (cache + fetch + aggregate), `report` / `export` (table, JSON, CSV).
"""
