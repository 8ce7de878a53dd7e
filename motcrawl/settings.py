"""Scrapy settings for motcrawl.

Every base URL is a setting (environment variable or ``-s``) so a whole crawl
can be pointed at local servers; defaults are the real services.
"""

import os

BOT_NAME = "motcrawl"
SPIDER_MODULES = ["motcrawl.spiders"]
NEWSPIDER_MODULE = "motcrawl.spiders"
COMMANDS_MODULE = "motcrawl.commands"

# --- Endpoints --------------------------------------------------------------
# HF_ENDPOINT is huggingface_hub's own variable, so one export serves both.
HF_ENDPOINT = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
GITHUB_API_URL = os.environ.get("GITHUB_API_URL", "https://api.github.com")
GITHUB_URL = os.environ.get("GITHUB_URL", "https://github.com")
MOT_API_URL = os.environ.get("MOT_API_URL", "https://mot.isitopen.ai/api/v1")

# --- Evidence beyond the model card (motcrawl.external) -----------------------
# Look up the model's GitHub repository (REST API, HEAD on github.com once the
# budget is spent) and the Hub datasets it names. Off: "0"/"false".
GITHUB_LOOKUPS = os.environ.get("GITHUB_LOOKUPS", "1").lower() not in ("0", "false", "no")
DATASET_LOOKUPS = os.environ.get("DATASET_LOOKUPS", "1").lower() not in ("0", "false", "no")

# --- Validation and license facts ------------------------------------------
# MOF_SCHEMA: validate drafts against another schema file (e.g. MOT's own).
MOF_SCHEMA = os.environ.get("MOF_SCHEMA") or None
# MOT_LICENSES: MOT's licenses.json, when running inside a MOT checkout.
MOT_LICENSES = os.environ.get("MOT_LICENSES") or None

# --- Politeness ----------------------------------------------------------------
USER_AGENT = "motcrawl/0.1 (Model Openness Tool catalog drafts)"
# We only call documented JSON APIs and the file resolver, whose rate limits are
# the politeness contract; robots.txt would cost a "pages"-bucket request per host.
ROBOTSTXT_OBEY = False
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_TIMEOUT = 60
# Model cards are small; anything larger is hostile or broken and fails that model.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0

DOWNLOADER_MIDDLEWARES = {
    "motcrawl.middlewares.TokenMiddleware": 560,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "motcrawl.middlewares.LoopSafeRedirectMiddleware": 600,
}
# A bug hit by one model's data records that model as failed instead of losing it.
SPIDER_MIDDLEWARES = {
    "motcrawl.safety.CallbackErrorsToFailures": 40,
}
EXTENSIONS = {
    "motcrawl.extensions.CrawlSummary": 500,
    "motcrawl.extensions.BucketStats": 510,
    "motcrawl.incremental.IncrementalRuns": 520,
    "motcrawl.safety.PipelineErrorsToFailures": 530,
}
ITEM_PIPELINES = {
    "motcrawl.resume.JobProgress": 50,  # only with JOBDIR
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
MOTCRAWL_REPORT_ROWS = 200

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("MOTCRAWL_LOG_LEVEL", "INFO")
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# No listening ports: a crawl that holds tokens opens no consoles.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- Outputs, incremental runs, scrapyd, scrapy-redis (README: "Scheduled crawls") ---
# Base folder for every relative output path (drafts, report, failures, state, feeds).
# Unset: the working directory on the command line, ~/.local/share/motcrawl under scrapyd.
MOTCRAWL_OUTPUT_DIR = os.environ.get("MOTCRAWL_OUTPUT_DIR") or None
# Folder of motcrawl-state.json (default: the drafts folder).
MOTCRAWL_STATE_DIR = os.environ.get("MOTCRAWL_STATE_DIR") or None
# One id per crawl, the same on every node of a shared (Redis) crawl.
MOTCRAWL_CRAWL_ID = os.environ.get("MOTCRAWL_CRAWL_ID") or None
# redis://host:port/db: share the crawl's queue and duplicate filter (scrapy-redis).
REDIS_URL = None
ADDONS = {
    "motcrawl.addons.OutputAddon": 100,
    "motcrawl.addons.RedisAddon": 110,
}
