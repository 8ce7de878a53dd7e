"""``motcrawl``: the project's Scrapy commands from any folder.

``scrapy`` finds motcrawl's commands, spiders and settings only next to this
repository's ``scrapy.cfg``; elsewhere (a MOT checkout, a cron job's home) it answers
``Unknown command``. ``motcrawl COMMAND ...`` runs ``scrapy COMMAND ...`` with
motcrawl's settings module wherever it is started:

    motcrawl validate models/*.yml            # in a MOT checkout
    motcrawl classify models/Some-Model-7B.yml
    motcrawl crawl missing -a report=missing.md
    motcrawl runstatus /var/lib/motcrawl/last-run.json

(``validate``, ``classify`` and ``promote`` are also ``scrapy.commands`` entry points,
so plain ``scrapy validate`` works anywhere motcrawl is installed.)
"""

from __future__ import annotations

import os
import sys

from scrapy.cmdline import execute

SETTINGS_MODULE = "motcrawl.settings"


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    # Scrapy's own rule: a settings module in the environment makes this a project run.
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", SETTINGS_MODULE)
    execute(["motcrawl", *args])


if __name__ == "__main__":  # pragma: no cover
    main()
