"""What a crawl writes: drafts, the gap report, run state, failures, summaries."""
