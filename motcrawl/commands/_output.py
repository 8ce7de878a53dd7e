"""Shared by the project commands: output that a closed pipe cannot turn into a traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any


def quiet_on_closed_pipe(run: Callable[..., None]) -> Callable[..., None]:
    """``scrapy classify ... | head``: stop quietly when the reader goes away."""

    @wraps(run)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            run(*args, **kwargs)
            sys.stdout.flush()
        except BrokenPipeError:
            # Python flushes stdout again at exit; point it at /dev/null first.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    return wrapper
