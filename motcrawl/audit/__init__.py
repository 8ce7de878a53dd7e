"""Auditing the MOT catalog against the Hub: plain logic, no Scrapy.

- ``entries``: catalog entries with their text (for diffs), from a folder or MOT's API;
- ``names``: does a file's own name, size or version contradict the repository id?
- ``licenses``: the entry's license against the Hub's, compared by a tolerant key;
- ``edits``: minimal text edits of a catalog file and their unified diff;
- ``findings``: the eight finding kinds, from an entry and the Hub's answers.

``scrapy crawl audit`` (motcrawl.spiders.audit) only routes requests to these.
"""
