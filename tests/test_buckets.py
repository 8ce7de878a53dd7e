import pytest

from motcrawl.web.buckets import bucket_for, bucket_in
from motcrawl.web.endpoints import Endpoints

HF = "https://huggingface.co"
GH = "https://api.github.com"


@pytest.mark.parametrize("url, bucket", [
    ("https://huggingface.co/api/models/org/name?expand[]=sha", "api"),
    ("https://huggingface.co/api/models/org/name/refs", "api"),
    ("https://huggingface.co/api/models?sort=downloads", "api"),
    ("https://huggingface.co/org/name/resolve/main/README.md", "resolvers"),
    ("https://huggingface.co/gpt2/resolve/main/config.json", "resolvers"),
    ("https://huggingface.co/org/name", "pages"),
    ("https://huggingface.co/org/name/raw/main/README.md", "pages"),
    ("https://huggingface.co/org/name/tree/main", "pages"),
    ("https://huggingface.co/cdn-lfs/org/name/sha/model.bin", None),   # the CDN: no bucket
    ("https://HuggingFace.co:443/api/models/x/y", "api"),
    ("http://huggingface.co/api/models/x/y", None),       # another origin (scheme)
    ("https://hf.co/api/models/x/y", None),                # another host
    ("https://api.github.com/repos/a/b", "github"),
    ("https://api.github.com/search/repositories?q=x", "github"),
    ("https://github.com/a/b", None),
    ("https://mot.isitopen.ai/api/v1/models", None),
])
def test_bucket_for(url, bucket):
    assert bucket_for(url, HF, GH) == bucket


@pytest.mark.parametrize("url, bucket", [
    ("http://127.0.0.1:8001/api/models/a/b", "api"),
    ("http://127.0.0.1:8001/a/b/resolve/main/README.md", "resolvers"),
    ("http://127.0.0.1:8002/api/models/a/b", None),        # same host, other port
])
def test_local_endpoint(url, bucket):
    assert bucket_for(url, "http://127.0.0.1:8001", "http://127.0.0.1:8003") == bucket


def test_endpoint_with_path_prefix():
    ep = "https://mirror.example/hf"
    assert bucket_for("https://mirror.example/hf/api/models/a/b", ep, GH) == "api"
    assert bucket_for("https://mirror.example/hf/a/b/resolve/main/x", ep, GH) == "resolvers"


# One mirror serving every service under its own path: the longest endpoint prefix wins,
# so nothing is counted in (or paced by) another service's bucket.
MIRROR = {"hf": "https://mirror.example", "github_api": "https://mirror.example/github-api",
          "github_web": "https://mirror.example/github", "mot_api": "https://mirror.example/mot/api/v1"}


@pytest.mark.parametrize("url, bucket", [
    ("https://mirror.example/api/models/a/b", "api"),
    ("https://mirror.example/a/b/resolve/main/README.md", "resolvers"),
    ("https://mirror.example/a/b", "pages"),
    ("https://mirror.example/github-api/repos/a/b", "github"),
    ("https://mirror.example/github-api", "github"),
    ("https://mirror.example/github/a/b", None),              # github.com HEAD: no bucket
    ("https://mirror.example/mot/api/v1/models?page=2", None),
    ("https://mirror.example/github-apix/repos/a/b", "pages"),  # a prefix ends on a "/"
])
def test_shared_host_buckets_by_endpoint_prefix(url, bucket):
    assert bucket_in(url, Endpoints.from_mapping(MIRROR)) == bucket


def test_service_of_prefers_the_longest_prefix_whatever_the_order():
    nested = Endpoints(hf="http://127.0.0.1:9/x/hf", github_api="http://127.0.0.1:9/x",
                       github_web="", mot_api="")
    assert nested.service_of("http://127.0.0.1:9/x/hf/api/models/a") == "hf"
    assert nested.service_of("http://127.0.0.1:9/x/repos/a/b") == "github_api"
    assert nested.service_of("http://127.0.0.1:10/x/repos/a/b") is None
