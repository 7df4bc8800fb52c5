"""Crawler adapters, one folder per platform: `<name>/__init__.py` holds a one-line DESCRIPTION,
`<name>/parse.py` pure parsing functions and `<name>/spider.py` a thin Scrapy spider whose `name` is `<name>`.

`pantau.crawlers.run.list_sources()` lists them by walking this package; Scrapy finds the spiders through
SPIDER_MODULES = ["pantau.crawlers.platforms"].
"""
