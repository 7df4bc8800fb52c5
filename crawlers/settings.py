"""Scrapy settings for every pantau crawler (SCRAPY_SETTINGS_MODULE=pantau.crawlers.settings).

Constants only: importing this module has no side effects. `pantau.crawlers.run.run_crawl` adds
PANTAU_STATS_FILE and any per-run overrides with `-s NAME=VALUE`. A platform that needs a slower pace
sets DOWNLOAD_DELAY / AUTOTHROTTLE_* in its spider's `custom_settings`.
"""

BOT_NAME = "pantau"
# Every platform is a folder pantau/crawlers/platforms/<name>/ with a spider module; Scrapy walks the package.
SPIDER_MODULES = ["pantau.crawlers.platforms"]
NEWSPIDER_MODULE = "pantau.crawlers.platforms"

USER_AGENT = "pantau/0.1 (election neutrality monitoring; respects robots.txt)"
ROBOTSTXT_OBEY = True

# Scrapy 2.19 starts a RemoteControl HTTP server (code execution with a token) by default: never wanted here.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

# TWISTED_REACTOR: Scrapy's default (asyncio reactor) is kept on purpose; the Retry-After middleware relies on
# scrapy.utils.asyncio.sleep, which works on either reactor.

CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.0
AUTOTHROTTLE_ENABLED = False
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
COOKIES_ENABLED = False
HTTPCACHE_ENABLED = False

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Longest wait honoured from a Retry-After header (seconds); longer values are capped, not skipped.
RETRY_AFTER_MAX_DELAY = 60.0
# Wait before retrying a 429 that carries no Retry-After: base * 2**(retry number - 1), capped as above.
RETRY_429_BACKOFF_BASE = 1.0

DOWNLOADER_MIDDLEWARES = {
    # Replaced by a subclass that also honours Retry-After on 429/503.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "pantau.crawlers.middlewares.RetryAfterMiddleware": 550,
    # Waits for the window to reset when x-rate-limit-remaining / X-RateLimit-Remaining reaches 0.
    "pantau.crawlers.middlewares.RateLimitHeadersMiddleware": 560,
    # Drops what the spider says must not be sent any more (YouTube calls once the daily quota is used up).
    "pantau.crawlers.middlewares.UnsendableRequests": 50,
}
# Longest wait for a rate-limit window to reset (seconds).
RATE_LIMIT_MAX_WAIT = 900.0
ITEM_PIPELINES = {
    "pantau.crawlers.pipelines.PostValidationPipeline": 100,
    # Crash-safe JSON Lines output (PANTAU_ITEMS_FILE, set by run_crawl); off when unset.
    "pantau.crawlers.pipelines.JsonlWriterPipeline": 900,
}
PANTAU_ITEMS_FILE = None
# Resume points of page chains (set by run_crawl(resume_dir=...)); unset = no checkpoints.
PANTAU_CHECKPOINT_FILE = None
EXTENSIONS = {
    "pantau.crawlers.extensions.StatsFile": 900,
    "pantau.crawlers.extensions.DieWithParent": 0,
    # gc.freeze() once started: the collector's full passes skip the start-up objects (a faster crawl)
    "pantau.crawlers.extensions.FreezeStartupObjects": 10,
}
# Where StatsFile writes the final crawl stats as JSON (set per run by run_crawl); unset = extension off.
PANTAU_STATS_FILE = None

FEED_EXPORT_ENCODING = "utf-8"
FEED_STORE_EMPTY = True

LOG_LEVEL = "INFO"
LOG_COLOR = False
# Scrapy's formatter, but the DEBUG "Scraped from ..." record of each item is only built when LOG_LEVEL is DEBUG.
LOG_FORMATTER = "pantau.crawlers.logformatter.QuietLogFormatter"
