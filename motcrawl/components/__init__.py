"""Scrapy components other than the item pipelines: middlewares, extensions, add-ons."""
