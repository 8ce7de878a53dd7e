"""Loaded at start-up by every Python process the tests start (this folder is on their
PYTHONPATH, see tests/crawl_support.py): the network guard of tests/netguard/guard.py."""

import importlib.util
import os
import sys

if True:  # this folder is on a process's PYTHONPATH only when a test started it
    _path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "guard.py")
    _spec = importlib.util.spec_from_file_location("motcrawl_netguard", _path)
    if _spec and _spec.loader:
        _guard = importlib.util.module_from_spec(_spec)
        sys.modules["motcrawl_netguard"] = _guard
        _spec.loader.exec_module(_guard)
        _guard.install()
