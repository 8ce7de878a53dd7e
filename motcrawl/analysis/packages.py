"""Python packages a card installs, and which of them are the producer's own library.

COMPONENT_RULES (Supporting libraries and tools): "a reusable library ... released by the
producer's organisation ... a pip-installable model library ... Third-party libraries
(transformers, PyTorch) do not count." A card whose usage installs a package named for the
producer's organisation, the model's family or a repository the card links under the
producer's account (``pip install mamba-ssm`` on state-spaces/mamba-2.8b-hf,
``pip install ai2-olmo`` on allenai/OLMo-7B, ``pip install -U sentence-transformers`` on
sentence-transformers/all-MiniLM-L6-v2) releases that library. Packages in
motcrawl/data/third_party_packages.json never count.
"""

from __future__ import annotations

import json
import re
from importlib import resources

from motcrawl.analysis import github as gh

_DATA = json.loads(resources.files("motcrawl").joinpath("data/third_party_packages.json")
                   .read_text("utf-8"))
THIRD_PARTY: frozenset[str] = frozenset(_DATA["packages"])

# "pip install -U sentence-transformers", "!pip install mamba-ssm", "uv pip install x",
# "python -m pip install x", "pip3 install 'x>=1.2'" (in a code block or inline code).
_INSTALL_RE = re.compile(r"\bpip3?\s+install\s+([^\n`;&|#]+)", re.I)
_REQUIREMENT_RE = re.compile(r"^[\"']?([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?"
                             r"\s*([<>=!~].*)?[\"']?$")
# Name parts too generic to say whose a package is.
_GENERIC_PARTS = frozenset({"python", "py", "pytorch", "torch", "lib", "sdk", "core", "utils",
                            "cli", "hf", "ai", "ml", "cpp", "cuda", "model", "models"})


def normalise(name: str) -> str:
    """PyPI's normalised name: lower case, runs of ``-``, ``_`` and ``.`` as one ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def installed(body: str) -> list[tuple[str, str]]:
    """Packages the card's text installs with pip, as (normalised name, install line);
    options (``-U``, ``--upgrade``), version specifiers, extras and URLs
    (``git+https://...``, local paths) are left out."""
    out: list[tuple[str, str]] = []
    for m in _INSTALL_RE.finditer(body):
        line = m.group(0).strip()
        for arg in m.group(1).split():
            if arg.startswith("-") or "/" in arg or arg in (".", ".."):
                continue
            req = _REQUIREMENT_RE.match(arg)
            if req:
                name = normalise(req.group(1))
                if name not in (n for n, _ in out):
                    out.append((name, line))
    return out


def _parts(name: str) -> list[str]:
    return [p for p in re.split(r"[-_.]+", name.lower()) if p and p not in _GENERIC_PARTS]


def producers_own(package: str, model_id: str, own_repos: list[str] | None = None,
                  *, family: bool = True) -> str | None:
    """Why an installed package is the producer's own library, or None.

    Its name is the organisation's or starts with it (``sentence-transformers``), or one of
    its name parts (4+ characters) is the model's family (``mamba`` of ``mamba-ssm`` for
    mamba-2.8b-hf, ``olmo`` of ``ai2-olmo`` for OLMo-7B) or the name of a repository the
    card links under the producer's account. ``family=False`` (a fine-tune of another
    organisation's model) leaves out the family and repository names: the library would
    be the base model's producer's."""
    pkg = normalise(package)
    if pkg in THIRD_PARTY:
        return None
    org = model_id.split("/")[0] if "/" in model_id else ""
    org_norm = gh._norm(org)
    if org_norm and len(org_norm) >= 4 and (gh._norm(pkg) == org_norm
                                            or gh._norm(pkg.split("-")[0]) == org_norm):
        return f"named for the organisation {org}"
    if not family:
        return None
    parts = [p for p in _parts(pkg) if len(p) >= 4]
    for fam in gh.family_names(model_id):
        # The family's name without its version ("rwkv" of RWKV-5, "llama" of Llama 2).
        stem = re.sub(r"[-_.]?v?\d+(\.\d+)?$", "", fam)
        if gh._norm(fam) == gh._norm(pkg) or gh._norm(fam) in parts or (
                len(stem) >= 4 and gh._norm(stem) in parts):
            return f"named for the model family {fam!r}"
    for repo in own_repos or []:
        if gh._norm(repo) == gh._norm(pkg) or gh._norm(repo) in parts:
            return f"named for the producer's repository {repo!r}"
    return None
