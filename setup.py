"""Only for ``scrapyd-deploy --build-egg`` (scrapyd-client runs ``setup.py bdist_egg``).

Without this file scrapyd-deploy writes its own setup.py (name ``project``,
``find_packages()``, no package data) into the project folder. All metadata,
package data and the ``scrapy`` settings entry point live in pyproject.toml.
"""

from setuptools import setup

setup()
