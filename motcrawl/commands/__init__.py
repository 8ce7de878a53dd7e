"""Scrapy project commands (COMMANDS_MODULE)."""
