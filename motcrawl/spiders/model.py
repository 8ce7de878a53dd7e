"""``scrapy crawl model -a model_id=ORG/NAME``: draft one model (or several)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from motcrawl.args import ModelArgs, parse_model_args
from motcrawl.components.resume import resuming, skip_on_start
from motcrawl.items import REVIEW_FIELDS
from motcrawl.spiders.base import DraftSpider


class ModelSpider(DraftSpider):
    name = "model"
    custom_settings = {"FEED_EXPORT_FIELDS": REVIEW_FIELDS}
    args: ModelArgs

    @classmethod
    def parse_arguments(cls, kwargs: dict[str, Any]) -> ModelArgs:
        """Validate arguments (raises motcrawl.args.ArgumentError with a one-line message)."""
        return parse_model_args(kwargs)

    async def start(self) -> AsyncIterator[Any]:
        if self.args.models_dir is not None and not self.load_catalog_dir("the first model"):
            return
        skip = skip_on_start(self)  # a resumed JOBDIR job: finished or queued models
        if skip:
            self.logger.info("resuming: %d of %d models finished or queued in this job",
                             len(skip & set(self.args.model_ids)), len(self.args.model_ids))
        resumed = resuming(self.settings)
        todo = [m for m in self.args.model_ids if m not in skip]
        # The total paces rate limits (no saving quota for work that is not coming) and
        # gives the progress line its ETA.
        self.crawler.stats.set_value("motcrawl/models/total", len(todo))
        for model_id in todo:
            yield self.info_request(model_id, refetch=resumed)
