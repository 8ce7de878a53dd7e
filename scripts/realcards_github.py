"""Write one repository's GitHub fixtures (tree + repo answer) from a stored snapshot.

    python scripts/realcards_github.py GIT_DIR OWNER/NAME --linked-from MODEL_ID [...]
        [--asked OWNER/NAME --evidence TEXT] [--license SPDX|none|other] [--user]
    python scripts/realcards_github.py - NEW/NAME --asked OLD/NAME --evidence TEXT --linked-from M
    python scripts/realcards_github.py --unavailable OWNER/NAME --why TEXT --linked-from MODEL_ID

GIT_DIR is the bare git directory a ``fetch`` of the repository gave. Only names, modes,
object ids and sizes are written (``git ls-tree -r -t`` of the snapshot's HEAD, which is the
default branch), never file contents. The repo answer carries what a snapshot shows:
full_name, URLs, default_branch, and the license GitHub would report, named from the
top-level LICENSE file by ``motcrawl.analysis.licenses.identify_license_text`` (``--license``
overrides it after a reviewer read the file; ``other`` for a custom text, ``none`` when
there is no license file). Every other field is null or GitHub's default.

``--asked`` is the name the card spells when the snapshot is the repository under another
name (a rename): recorded in _github/renames.json, as the benchmark follows it, with
``--evidence`` (how it is known, e.g. the old name's snapshot is an ancestor of the new
one's) in sources.json. GIT_DIR ``-`` records only the rename (the new name already has a
fixture).
``--unavailable`` records in _github/sources.json a repository no snapshot could be had
for; it stays unknown (no 404 is invented).

Files go to tests/fixtures/realcards/_github/{trees,repos}/OWNER__NAME.json; sources.json
gets the snapshot commit, default branch, entry count and the models linking it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from motcrawl.analysis.licenses import identify_license_text, license_files  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "realcards" / "_github"
FIXTURE_DIRS = [ROOT / "tests" / "fixtures" / "github", OUT]
API = "https://api.github.com"
WEB = "https://github.com"
# More entries than this and GitHub's recursive tree answer is cut ("truncated": true).
TREE_LIMIT = 100_000
# GitHub's license objects (GET /licenses/{key}) for the ids a LICENSE file may name.
GITHUB_LICENSES: dict[str, tuple[str, str, str]] = {
    # SPDX id: (key, name, node_id)
    "Apache-2.0": ("apache-2.0", "Apache License 2.0", "MDc6TGljZW5zZTI="),
    "MIT": ("mit", "MIT License", "MDc6TGljZW5zZTEz"),
    "BSD-3-Clause": ("bsd-3-clause", 'BSD 3-Clause "New" or "Revised" License',
                     "MDc6TGljZW5zZTU="),
    "BSD-2-Clause": ("bsd-2-clause", 'BSD 2-Clause "Simplified" License', "MDc6TGljZW5zZTQ="),
    "GPL-3.0": ("gpl-3.0", "GNU General Public License v3.0", "MDc6TGljZW5zZTk="),
    "GPL-2.0": ("gpl-2.0", "GNU General Public License v2.0", "MDc6TGljZW5zZTg="),
    "AGPL-3.0": ("agpl-3.0", "GNU Affero General Public License v3.0", "MDc6TGljZW5zZTE="),
    "LGPL-3.0": ("lgpl-3.0", "GNU Lesser General Public License v3.0", "MDc6TGljZW5zZTEy"),
    "MPL-2.0": ("mpl-2.0", "Mozilla Public License 2.0", "MDc6TGljZW5zZTE0"),
    "Unlicense": ("unlicense", "The Unlicense", "MDc6TGljZW5zZTE1"),
    "CC0-1.0": ("cc0-1.0", "Creative Commons Zero v1.0 Universal", "MDc6TGljZW5zZTY="),
    "CC-BY-4.0": ("cc-by-4.0", "Creative Commons Attribution 4.0 International",
                  "MDc6TGljZW5zZTI1"),
    "CC-BY-SA-4.0": ("cc-by-sa-4.0", "Creative Commons Attribution Share Alike 4.0 International",
                     "MDc6TGljZW5zZTI2"),
}
# The SPDX ids GitHub reports for the GNU licenses (it predates the -only/-or-later ids).
GITHUB_SPDX = {"GPL-3.0-only": "GPL-3.0", "GPL-2.0-only": "GPL-2.0", "AGPL-3.0-only": "AGPL-3.0",
               "LGPL-3.0-only": "LGPL-3.0"}
OTHER = {"key": "other", "name": "Other", "spdx_id": "NOASSERTION", "url": None,
         "node_id": "MDc6TGljZW5zZTA="}


class Refused(Exception):
    """Bad input: one line, non-zero exit."""


def git(git_dir: Path, *args: str, data: bytes | None = None) -> bytes:
    done = subprocess.run(["git", f"--git-dir={git_dir}", *args], input=data,
                          capture_output=True, check=False)
    if done.returncode != 0:
        raise Refused(f"git {' '.join(args)}: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def tree_answer(git_dir: Path, full_name: str) -> tuple[dict[str, Any], str, str]:
    """The ``git/trees/{sha}?recursive=1`` answer, the default branch and the commit id."""
    branch = git(git_dir, "symbolic-ref", "--short", "HEAD").decode().strip()
    commit = git(git_dir, "rev-parse", "HEAD").decode().strip()
    root = git(git_dir, "rev-parse", "HEAD^{tree}").decode().strip()
    listed = []
    for record in git(git_dir, "ls-tree", "-r", "-t", "-z", "HEAD").split(b"\0"):
        if record:
            meta, path = record.split(b"\t", 1)
            mode, kind, sha = meta.decode().split()
            listed.append((mode, kind, sha, path.decode("utf-8", "surrogateescape")))
    blobs = [sha for _, kind, sha, _ in listed if kind == "blob"]
    sizes: dict[str, int | None] = {}
    if blobs:
        checked = git(git_dir, "cat-file", "--batch-check=%(objectname) %(objectsize)",
                      data="\n".join(blobs).encode() + b"\n").decode().splitlines()
        for line in checked:
            sha, _, size = line.partition(" ")
            sizes[sha] = int(size) if size.isdigit() else None  # "<sha> missing": not stored
    base = f"{API}/repos/{full_name}/git"
    entries: list[dict[str, Any]] = []
    for mode, kind, sha, path in listed:
        entry: dict[str, Any] = {"path": path, "mode": mode, "type": kind, "sha": sha}
        if kind == "blob":
            entry["size"] = sizes.get(sha)
            entry["url"] = f"{base}/blobs/{sha}"
        elif kind == "tree":
            entry["url"] = f"{base}/trees/{sha}"
        entries.append(entry)
    payload = {"sha": root, "url": f"{base}/trees/{root}",
               "tree": entries[:TREE_LIMIT], "truncated": len(entries) > TREE_LIMIT}
    return payload, branch, commit


def license_found(git_dir: Path, tree: dict[str, Any]) -> tuple[str | None, str]:
    """(SPDX id, custom name or None) and the file it was read from ("" when none)."""
    top = {e["path"]: e["sha"] for e in tree["tree"] if e["type"] == "blob"}
    for name in license_files(list(top)):
        text = git(git_dir, "cat-file", "-p", top[name]).decode("utf-8", "replace")
        return identify_license_text(text), name
    return None, ""


def license_object(spdx: str | None) -> dict[str, Any] | None:
    """GitHub's license object for an SPDX id: a license GitHub does not know is "other"."""
    if spdx is None:
        return None
    spdx = GITHUB_SPDX.get(spdx, spdx)
    known = GITHUB_LICENSES.get(spdx)
    if known is None:
        return dict(OTHER)
    key, name, node_id = known
    return {"key": key, "name": name, "spdx_id": spdx, "url": f"{API}/licenses/{key}",
            "node_id": node_id}


def owner_block(login: str, user: bool) -> dict[str, Any]:
    """The account, its type as an existing fixture of the same login has it (else
    Organization unless ``user``); ids and avatars are not observed, so null."""
    kind = "User" if user else "Organization"
    for d in FIXTURE_DIRS:
        for path in sorted((d / "repos").glob("*.json")):
            known = json.loads(path.read_text(encoding="utf-8")).get("owner")
            if isinstance(known, dict) and known.get("login") == login \
                    and known.get("type") in ("User", "Organization"):
                kind = known["type"]
    return {"login": login, "id": None, "node_id": None, "avatar_url": None,
            "gravatar_id": "", "url": f"{API}/users/{login}", "html_url": f"{WEB}/{login}",
            "type": kind, "user_view_type": "public", "site_admin": False}


def repo_answer(full_name: str, branch: str, lic: dict[str, Any] | None,
                owner: dict[str, Any]) -> dict[str, Any]:
    name = full_name.split("/", 1)[1]
    out: dict[str, Any] = {
        "id": None, "node_id": None, "name": name, "full_name": full_name, "private": False,
        "owner": owner, "html_url": f"{WEB}/{full_name}", "description": None, "fork": False,
        "url": f"{API}/repos/{full_name}", "git_url": f"git://github.com/{full_name}.git",
        "ssh_url": f"git@github.com:{full_name}.git",
        "clone_url": f"https://github.com/{full_name}.git", "homepage": None, "size": None,
        "stargazers_count": None, "watchers_count": None, "language": None,
        "has_issues": True, "has_projects": True, "has_downloads": True, "has_wiki": True,
        "has_pages": False, "has_discussions": False, "forks_count": None, "mirror_url": None,
        "archived": False, "disabled": False, "open_issues_count": None, "license": lic,
        "allow_forking": True, "is_template": False, "web_commit_signoff_required": False,
        "topics": [], "visibility": "public", "forks": None, "open_issues": None,
        "watchers": None, "default_branch": branch, "created_at": None, "updated_at": None,
        "pushed_at": None, "temp_clone_token": None, "network_count": None,
        "subscribers_count": None,
    }
    if owner.get("type") == "Organization":
        out["organization"] = owner
    return out


def _write(path: Path, payload: Any) -> None:
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _linked(sources: dict[str, Any], full_name: str, models: list[str]) -> None:
    linked = sources.setdefault("linked_from", {}).setdefault(full_name, [])
    linked.extend(m for m in models if m not in linked)


def record_unavailable(full_name: str, why: str, models: list[str]) -> None:
    sources = _load(OUT / "sources.json")
    sources.setdefault("unavailable", {})[full_name] = {"why": why}
    _linked(sources, full_name, models)
    _write(OUT / "sources.json", sources)
    print(f"{full_name}: recorded as unavailable ({why})")


def record_rename(asked: str, full_name: str, evidence: str, models: list[str]) -> None:
    """GitHub answers ``asked`` with ``full_name``: renames.json as the benchmark reads it,
    and why we know in sources.json."""
    if not evidence:
        raise Refused(f"{asked} -> {full_name}: say how the rename is known (--evidence)")
    renames = _load(OUT / "renames.json")
    renames[asked] = full_name
    _write(OUT / "renames.json", renames)
    sources = _load(OUT / "sources.json")
    sources.setdefault("renames", {})[asked] = {"to": full_name, "evidence": evidence}
    sources.get("unavailable", {}).pop(asked, None)
    _linked(sources, asked, models)
    _write(OUT / "sources.json", sources)
    print(f"{asked}: recorded as renamed to {full_name}")


def build(git_dir: Path, full_name: str, models: list[str], *, asked: str | None,
          evidence: str, license_override: str | None, user: bool) -> None:
    if (git_dir / ".git").is_dir():
        git_dir = git_dir / ".git"  # a snapshot that is a clone with a work tree
    if not (git_dir / "HEAD").is_file():
        raise Refused(f"{git_dir}: not a git directory (no HEAD)")
    tree, branch, commit = tree_answer(git_dir, full_name)
    spdx, lic_file = license_found(git_dir, tree)
    if license_override is not None:
        spdx = None if license_override == "none" else (
            "NOASSERTION" if license_override == "other" else license_override)
    lic = license_object(spdx)
    stem = full_name.replace("/", "__")
    owner = owner_block(full_name.split("/", 1)[0], user)
    _write(OUT / "trees" / f"{stem}.json", tree)
    _write(OUT / "repos" / f"{stem}.json", repo_answer(full_name, branch, lic, owner))
    sources = _load(OUT / "sources.json")
    sources.setdefault("repos", {})[full_name] = {
        "snapshot_commit": commit, "default_branch": branch, "entries": len(tree["tree"])}
    sources.get("unavailable", {}).pop(full_name, None)
    _linked(sources, full_name, models)
    _write(OUT / "sources.json", sources)
    if asked and asked.lower() != full_name.lower():
        record_rename(asked, full_name, evidence, models)
    missing = sum(1 for e in tree["tree"] if e["type"] == "blob" and e["size"] is None)
    print(f"{full_name}: {branch} @{commit[:10]}, {len(tree['tree'])} entries "
          f"({missing} without size), license {lic and lic['spdx_id']} "
          f"(from {lic_file or 'no license file'}: {spdx}), owner {owner['type']}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("git_dir", nargs="?")
    parser.add_argument("full_name", nargs="?")
    parser.add_argument("--linked-from", action="append", default=[], required=True)
    parser.add_argument("--asked")
    parser.add_argument("--evidence", default="")
    parser.add_argument("--license")
    parser.add_argument("--user", action="store_true")
    parser.add_argument("--unavailable")
    parser.add_argument("--why", default="no snapshot of that repository can be had")
    args = parser.parse_args(argv)
    try:
        if args.unavailable:
            if "/" not in args.unavailable:
                raise Refused(f"{args.unavailable!r}: expected OWNER/NAME")
            record_unavailable(args.unavailable, args.why, args.linked_from)
            return 0
        if not args.git_dir or not args.full_name or args.full_name.count("/") != 1:
            raise Refused("give GIT_DIR and OWNER/NAME (or --unavailable OWNER/NAME)")
        if args.git_dir == "-" and args.asked:
            # The new name already has a fixture: only the rename is recorded.
            record_rename(args.asked, args.full_name, args.evidence, args.linked_from)
            return 0
        build(Path(args.git_dir), args.full_name, args.linked_from, asked=args.asked,
              evidence=args.evidence, license_override=args.license, user=args.user)
    except Refused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
