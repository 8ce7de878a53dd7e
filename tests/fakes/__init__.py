"""Local fake HTTP services (HF Hub, MOT API) for tests; see server.py."""

from tests.fakes.server import FakeService, RecordedRequest, Response

__all__ = ["FakeService", "RecordedRequest", "Response"]
