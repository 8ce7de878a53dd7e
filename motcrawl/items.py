"""The one item motcrawl yields: a model, what was fetched for it, what the pipelines made of it."""

from __future__ import annotations

import scrapy


class ModelItem(scrapy.Item):
    # Identity and listing facts (the gap report's columns).
    model_id = scrapy.Field()
    url = scrapy.Field()
    downloads = scrapy.Field()
    likes = scrapy.Field()
    pipeline_tag = scrapy.Field()
    mof_type = scrapy.Field()
    license = scrapy.Field()
    gated = scrapy.Field()
    created = scrapy.Field()
    priority = scrapy.Field()
    status = scrapy.Field()          # missing | known (catalog diff)
    catalog_file = scrapy.Field()
    possible_match = scrapy.Field()
    base_models = scrapy.Field()     # listing baseModels ids, for possible_match
    mof_class = scrapy.Field()       # predicted MOF class label of the draft
    draft_path = scrapy.Field()
    draft_status = scrapy.Field()    # written | overwritten | exists | invalid | failed | skipped
    #                                  | unchanged (incremental run: drafted from this revision)
    incremental = scrapy.Field()     # why drafted: new | changed | unchanged | full | draft-gone

    # What the spider fetched (raw, for the pipelines).
    draft_requested = scrapy.Field()  # False: report only, no draft
    info = scrapy.Field()             # the Hub's info/listing JSON
    card_text = scrapy.Field()
    card_status = scrapy.Field()      # ok | missing | gated
    refs = scrapy.Field()             # branch names, when fetched
    license_text = scrapy.Field()     # LICENSE file text, when fetched
    github = scrapy.Field()           # repository evidence
    datasets = scrapy.Field()         # dataset id -> info
    evidence = scrapy.Field()         # parsed ModelEvidence, dropped before export

    # What the pipelines made of it.
    components = scrapy.Field()       # detections, strongest per component
    license_finding = scrapy.Field()
    release = scrapy.Field()          # release fields with confidence and source
    confidence = scrapy.Field()
    evaluation = scrapy.Field()
    document = scrapy.Field()         # the MOT document
    validation_errors = scrapy.Field()
    failure = scrapy.Field()          # {"stage": ..., "reason": ...}


# What a feed (-o/-O, scrapyd's items) exports: the review columns, never the raw info,
# card text, evidence or MOT document (14-17 KB a line).
REVIEW_FIELDS = [
    "model_id", "url", "downloads", "likes", "pipeline_tag", "mof_type", "license", "gated",
    "created", "priority", "status", "catalog_file", "possible_match", "mof_class",
    "draft_path", "draft_status",
]


class AuditFinding(scrapy.Item):
    """One finding of ``scrapy crawl audit`` (motcrawl.audit.findings.Finding, as an item)."""

    # The feed's columns.
    catalog_file = scrapy.Field()
    model_id = scrapy.Field()
    kind = scrapy.Field()
    detail = scrapy.Field()
    evidence = scrapy.Field()
    suggestion = scrapy.Field()
    # For the report only (not exported).
    diff = scrapy.Field()
    downloads = scrapy.Field()
