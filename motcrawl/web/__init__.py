"""HTTP-facing pure helpers: Hub ids and URLs, tokens, rate-limit buckets and budgets."""
