"""motcrawl: Scrapy crawlers that keep the MOT catalog complete."""
