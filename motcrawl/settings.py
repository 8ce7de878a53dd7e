"""Scrapy settings for motcrawl: every motcrawl setting, declared once, with its comment.

Each motcrawl setting takes its default from the environment variable of the same
name (``REDIS_URL`` excepted, see below); ``-s NAME=value`` wins over both. Every
base URL is a setting, so a whole crawl can be pointed at local servers; defaults
are the real services. The table of all of them: docs/settings.md. Components take
their defaults from here (``motcrawl.settings``), never from the environment.
"""

import os
from typing import Any


def _env(name: str, default: Any = None) -> Any:
    """The environment variable ``name`` when it is set and not blank, else ``default``."""
    value = os.environ.get(name, "").strip()
    return value if value else default


def _env_flag(name: str, default: bool) -> bool:
    """A flag from the environment: ``0``, ``false``, ``no`` and ``off`` are false."""
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value not in ("0", "false", "no", "off")


BOT_NAME = "motcrawl"
SPIDER_MODULES = ["motcrawl.spiders"]
NEWSPIDER_MODULE = "motcrawl.spiders"
COMMANDS_MODULE = "motcrawl.commands"

# --- Endpoints --------------------------------------------------------------
# HF_ENDPOINT is huggingface_hub's own variable, so one export serves both.
HF_ENDPOINT = _env("HF_ENDPOINT", "https://huggingface.co")
GITHUB_API_URL = _env("GITHUB_API_URL", "https://api.github.com")
GITHUB_URL = _env("GITHUB_URL", "https://github.com")
MOT_API_URL = _env("MOT_API_URL", "https://mot.isitopen.ai/api/v1")

# --- Tokens (never logged; prefer the environment: -s values show in process lists) ---
# HF_TOKEN: the Hub token (-a hf_token= wins; unset: huggingface_hub's stored token).
# Sent to HF_ENDPOINT's own scheme, host and port only.
HF_TOKEN = _env("HF_TOKEN")
# GITHUB_TOKEN: 5,000 GitHub API requests an hour instead of 60; sent to GITHUB_API_URL only.
GITHUB_TOKEN = _env("GITHUB_TOKEN")

# --- Evidence beyond the model card (motcrawl.analysis.lookups) -----------------------
# Look up the model's GitHub repository (REST API, HEAD on github.com once the
# budget is spent) and the Hub datasets it names. Off: "0"/"false".
GITHUB_LOOKUPS = _env_flag("GITHUB_LOOKUPS", True)
DATASET_LOOKUPS = _env_flag("DATASET_LOOKUPS", True)

# --- Inputs: the catalog, validation and license facts ----------------------
# MOT_MODELS_DIR: the catalog folder (a MOT checkout's models/) for the spiders that read
# one (-a models_dir= wins); unset: ../models when it exists, else MOT's API.
MOT_MODELS_DIR = _env("MOT_MODELS_DIR")
# MOF_SCHEMA: validate drafts against another schema file (e.g. MOT's own).
MOF_SCHEMA = _env("MOF_SCHEMA")
# MOT_LICENSES: MOT's licenses.json, when running inside a MOT checkout.
MOT_LICENSES = _env("MOT_LICENSES")

# --- Politeness ----------------------------------------------------------------
USER_AGENT = "motcrawl/0.1 (Model Openness Tool catalog drafts)"
# We only call documented JSON APIs and the file resolver, whose rate limits are
# the politeness contract; robots.txt would cost a "pages"-bucket request per host.
ROBOTSTXT_OBEY = False
# What one host sees is capped by CONCURRENT_REQUESTS_PER_DOMAIN. The total is
# larger because requests waiting for a rate-limit budget or a retry backoff
# hold a downloader slot while they wait (RateLimitMiddleware): with 16, a few
# seconds of 5xx backoffs at the end of a crawl left 8 slots idle.
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_TIMEOUT = 60
# Model cards are small; anything larger is hostile or broken and fails that model.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
# 5xx and connection errors: 3 retries, each after an exponential backoff
# (MOTCRAWL_RETRY_BACKOFF * 2**(n-1) seconds, at most MOTCRAWL_RETRY_BACKOFF_MAX;
# Scrapy's RetryMiddleware re-sends at once). After the last one the spider's
# errback records the model's failure. 429 is not here: RateLimitMiddleware
# waits for the window to reset and re-sends without spending these retries.
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
MOTCRAWL_RETRY_BACKOFF = _env("MOTCRAWL_RETRY_BACKOFF", 1.0)
MOTCRAWL_RETRY_BACKOFF_MAX = _env("MOTCRAWL_RETRY_BACKOFF_MAX", 30.0)
# Scrapy's default (-1) queues a retry behind all new work, so retries pile up
# and their backoffs add up at the end of the crawl; 0 retries in turn.
RETRY_PRIORITY_ADJUST = 0

# AutoThrottle adapts to latency, RateLimitMiddleware enforces the quotas; they
# do not fight: the quota waits happen before a request reaches its download
# slot, so they are never measured as latency, and 429 answers (non-200) can
# only raise AutoThrottle's delay, never lower it.
# - TARGET_CONCURRENCY 16, twice CONCURRENT_REQUESTS_PER_DOMAIN: what a host
#   sees is capped at 8 in flight by the per-domain limit; AutoThrottle is the
#   brake for a host that slows down (its delay is latency/16, so a host
#   answering in 2 s gets a request every 125 ms at most). Why not 8: Scrapy
#   measures latency until the reactor reads the answer, which includes the
#   time our own pipelines keep the reactor busy drafting (10-15 ms a model);
#   with 8 that lag alone held a fast host (50 ms) to ~55 requests/s, below
#   what the token quotas allow (benchmarks/ratelimit_bench.py).
# - START_DELAY 0.25 s: gentle first requests; the delay converges to
#   latency/16 after a handful of answers.
# - MAX_DELAY 10 s: a latency spike backs off this far at most; long waits are
#   the rate limiter's business (it knows when windows reset).
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_MAX_DELAY = 10.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 16.0

# --- Rate limits (motcrawl.components.middlewares.RateLimitMiddleware) -------------------
# Budgets per host and bucket (Hub: api, resolvers, pages; GitHub API) from the
# answers' rate-limit headers; see motcrawl/web/ratelimit.py for the pacing rule.
MOTCRAWL_RATELIMIT_ENABLED = _env_flag("MOTCRAWL_RATELIMIT_ENABLED", True)
# A request refused (429) this many times in a row is given up: its model fails.
MOTCRAWL_RATELIMIT_MAX_429 = _env("MOTCRAWL_RATELIMIT_MAX_429", 3)
# Never wait longer than this for a window to reset (GitHub's anonymous hour):
# the request fails with the reason instead.
MOTCRAWL_RATELIMIT_MAX_WAIT = _env("MOTCRAWL_RATELIMIT_MAX_WAIT", 600.0)
# Seconds added after an announced reset (rounding, clock skew).
MOTCRAWL_RATELIMIT_MARGIN = _env("MOTCRAWL_RATELIMIT_MARGIN", 0.5)
# A progress line every this many seconds (0: none).
MOTCRAWL_PROGRESS_INTERVAL = _env("MOTCRAWL_PROGRESS_INTERVAL", 30.0)

# --- HTTP cache for re-runs ----------------------------------------------------
# -s HTTPCACHE_ENABLED=true stores every answer under .scrapy/httpcache and
# replays it on the next run; -s MOTCRAWL_OFFLINE=true replays only, failing a
# model (one line naming the URL) for any request the cache does not hold.
# Refusals and server errors are never stored: a re-run must ask again.
HTTPCACHE_IGNORE_HTTP_CODES = [408, 429, 500, 502, 503, 504, 522, 524]
MOTCRAWL_OFFLINE = _env_flag("MOTCRAWL_OFFLINE", False)

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "motcrawl.components.middlewares.LoopSafeRedirectMiddleware": 600,
    # Replaces Scrapy's (same place): offline mode, no Authorization on disk.
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
    "motcrawl.components.middlewares.HttpCacheMiddleware": 900,
    # Last before the download: waits happen after every other middleware
    # (cache hits never wait) and it sees 429s before RetryMiddleware.
    "motcrawl.components.middlewares.RateLimitMiddleware": 950,
    # Closest to the download: the token is added last and removed first, so no
    # request that goes back to the scheduler (retry, 429 re-send, redirect) and
    # no persisted queue (JOBDIR, Redis) ever holds it.
    "motcrawl.components.middlewares.TokenMiddleware": 990,
}
# A bug hit by one model's data records that model as failed instead of losing it.
SPIDER_MIDDLEWARES = {
    "motcrawl.components.safety.CallbackErrorsToFailures": 40,
}
EXTENSIONS = {
    "motcrawl.components.extensions.CrawlSummary": 500,
    "motcrawl.components.extensions.BucketStats": 510,
    "motcrawl.components.extensions.CrawlProgress": 515,
    "motcrawl.components.incremental.IncrementalRuns": 520,
    "motcrawl.components.safety.PipelineErrorsToFailures": 530,
    "motcrawl.components.extensions.RunSummary": 540,
}
# A JSON run summary per crawl beside the output folder (runs/<spider>-<UTC time>.json and
# last-run.json: close reason, exit code, counts, requests per bucket, paths written), for
# schedulers: exit codes are invisible under scrapyd (docs/scheduling.md).
MOTCRAWL_RUN_SUMMARY = _env_flag("MOTCRAWL_RUN_SUMMARY", True)
ITEM_PIPELINES = {
    "motcrawl.components.resume.JobProgress": 50,  # only with JOBDIR
    "motcrawl.pipelines.CatalogDiffPipeline": 100,
    "motcrawl.pipelines.ComponentDetectionPipeline": 200,
    "motcrawl.pipelines.LicenseDetectionPipeline": 300,
    "motcrawl.pipelines.ReleaseFieldsPipeline": 350,
    "motcrawl.pipelines.ConfidenceScoringPipeline": 400,
    "motcrawl.pipelines.ClassificationPipeline": 450,
    "motcrawl.pipelines.SchemaValidationPipeline": 500,
    "motcrawl.pipelines.DraftWriterPipeline": 600,
    "motcrawl.pipelines.GapReportPipeline": 700,
}

# Rows of the gap report's high-priority table (scrapy crawl missing -a report=...).
MOTCRAWL_REPORT_ROWS = _env("MOTCRAWL_REPORT_ROWS", 200)

FEED_EXPORT_ENCODING = "utf-8"
# -O FILE is replaced only by a complete crawl; a partial one goes beside it (FILE.partial.EXT).
FEED_STORAGES = {
    "": "motcrawl.components.feeds.CompleteFileFeedStorage",
    "file": "motcrawl.components.feeds.CompleteFileFeedStorage",
}
# MOTCRAWL_LOG_LEVEL (environment only) is the default of Scrapy's LOG_LEVEL.
LOG_LEVEL = _env("MOTCRAWL_LOG_LEVEL", "INFO")
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# No listening ports: a crawl that holds tokens opens no consoles.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- Outputs, incremental runs, scrapyd, scrapy-redis (docs/scheduling.md) ---
# Base folder for every relative output path (drafts, report, failures, state, feeds).
# Unset: the working directory on the command line, ~/.local/share/motcrawl under scrapyd.
MOTCRAWL_OUTPUT_DIR = _env("MOTCRAWL_OUTPUT_DIR")
# Keep and use the incremental state (motcrawl.components.incremental); False: no state.
MOTCRAWL_INCREMENTAL = _env_flag("MOTCRAWL_INCREMENTAL", True)
# Folder of motcrawl-state.sqlite3, the incremental state (default: one file per drafts
# folder under Scrapy's project data folder, .scrapy/motcrawl-state/; never in drafts/).
# -a state_dir= wins.
MOTCRAWL_STATE_DIR = _env("MOTCRAWL_STATE_DIR")
# Seconds between saves of the state during a crawl (and at close): an interrupted run
# loses at most this much of its records.
MOTCRAWL_STATE_SAVE_INTERVAL = _env("MOTCRAWL_STATE_SAVE_INTERVAL", 5.0)
# One id per crawl, the same on every node of a shared (Redis) crawl.
MOTCRAWL_CRAWL_ID = _env("MOTCRAWL_CRAWL_ID")
# redis://host:port/db: share the crawl's queue and duplicate filter (scrapy-redis).
# A setting only, never the environment: a REDIS_URL exported for other tools must not
# turn a crawl into a shared one.
REDIS_URL = None
# A node of a shared crawl closes after this many idle seconds; the crawl's Redis keys
# then live this many seconds more (for the other nodes), a week by default.
MOTCRAWL_REDIS_IDLE_CLOSE = _env("MOTCRAWL_REDIS_IDLE_CLOSE", 30.0)
MOTCRAWL_REDIS_TTL = _env("MOTCRAWL_REDIS_TTL", 7 * 24 * 3600)
ADDONS = {
    "motcrawl.components.addons.OutputAddon": 100,
    "motcrawl.components.addons.RedisAddon": 110,
    "motcrawl.components.addons.ResumeAddon": 120,
}
