"""Two `model` crawls writing into one folder at the same time (scrapyd runs jobs side by
side), their models sharing release names: every model gets its own draft, none is
reported "exists, kept" for a file that belongs to the other crawl's model, and both
crawls share one state database."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from tests.crawl_support import QUICK
from tests.fakes.hostile import HostileHub
from tests.fakes.server import RecordedRequest
from tests.faults.support import Crawl, crawl_env, drafts_of

N = 30
A = [f"orga/m-{i:02d}" for i in range(N)]
B = [f"orgb/m-{i:02d}" for i in range(N)]


class Lockstep:
    """A fault hook that holds each card request until its namesake from the other crawl
    arrives, so both crawls draft the same name at the same moment (the race, every time)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.barriers: dict[str, threading.Barrier] = {}

    def __call__(self, request: RecordedRequest) -> None:
        if "/resolve/" not in request.path:
            return None
        name = request.path.split("/")[2]  # /org/name/resolve/...
        with self.lock:
            barrier = self.barriers.setdefault(name, threading.Barrier(2))
        try:
            barrier.wait(timeout=10)
        except threading.BrokenBarrierError:
            pass
        return None


def test_two_crawls_into_one_folder_keep_every_model(tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    with HostileHub(names=dict.fromkeys(A + B), hostile=False, enforce=False,
                    fault=Lockstep()) as hub:
        env = crawl_env(tmp_path, hub=hub.url)
        crawls = []
        for name, ids in (("a", A), ("b", B)):
            # QUICK: no AutoThrottle start delay (the lockstep makes the race, not the pace).
            args = [*QUICK, "model", "-a", "model_id=" + ",".join(ids), "-a", f"output_dir={out}",
                    "-s", "GITHUB_LOOKUPS=0", "-s", "DATASET_LOOKUPS=0",
                    "-O", str(tmp_path / f"{name}.jsonl")]
            crawls.append(Crawl(args, env, tmp_path / f"{name}.log"))
        codes = [c.wait(180) for c in crawls]
    assert codes == [0, 0], [c.text()[-2000:] for c in crawls]
    items = [json.loads(line) for name in "ab"
             for line in (tmp_path / f"{name}.jsonl").read_text().splitlines()]
    statuses = {i["model_id"]: i["draft_status"] for i in items}
    assert statuses == dict.fromkeys(A + B, "written"), \
        {m: s for m, s in statuses.items() if s != "written"}
    drafts = drafts_of(out)
    assert set(drafts) == set(A + B)
    assert {i["model_id"]: Path(i["draft_path"]) for i in items} == drafts
    for crawl in crawls:
        assert "not saved" not in crawl.text()  # the shared state database took both
