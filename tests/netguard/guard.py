"""Refuse every name lookup and connection that is not for the loopback.

Patched before any lookup happens: ``socket.getaddrinfo``, ``gethostbyname``,
``gethostbyname_ex``, ``gethostbyaddr``, ``create_connection`` and the
``connect``/``connect_ex``/``sendto`` methods of ``socket.socket``. A refused
call raises :class:`NetworkRefused` (an ``OSError``, so code that handles
network errors sees an ordinary one) *without* calling the real function: no
DNS query leaves the machine. The host is also appended to the file named by
``MOTCRAWL_NETGUARD_LOG`` (read at each refusal, so a subprocess inherits the
parent's file), because the code under test may swallow the error: the test
session reads that file after each test and fails the test.

Allowed: 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z), ``localhost`` and its
subdomains, no host at all (``getaddrinfo(None, port)`` for binding), and
every non-IP socket family (Unix sockets, netlink).

Plain module with no import outside the standard library: ``site/sitecustomize.py``
loads it by file path in every Python process the tests start.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

LOG_ENV = "MOTCRAWL_NETGUARD_LOG"
_MARK = "_motcrawl_netguard"


class NetworkRefused(socket.gaierror):
    """A test tried to reach a host that is not the loopback."""


def is_loopback(host: object) -> bool:
    """True for hosts a test may reach: loopback addresses and ``localhost``."""
    if host is None:
        return True
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip().rstrip(".").lower()
    if name in ("", "localhost") or name.endswith(".localhost"):
        return True
    name = name.strip("[]").split("%", 1)[0]  # [::1], fe80::1%eth0
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


def record(host: object, what: str) -> None:
    """Append one refusal to the session's log file (if the session set one)."""
    path = os.environ.get(LOG_ENV)
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"{what} {host!r} (pid {os.getpid()})\n")
    except OSError:
        pass


def refuse(host: object, what: str) -> NetworkRefused:
    record(host, what)
    return NetworkRefused(socket.EAI_NONAME,
                          f"network guard: {what} {host!r} refused (tests reach 127.0.0.1 only)")


def _check(host: object, what: str) -> None:
    if not is_loopback(host):
        raise refuse(host, what)


def _address_host(sock: socket.socket, address: Any) -> object | None:
    """The host of an IP socket's address, None for other families."""
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return None
    if isinstance(address, tuple) and address:
        return address[0]
    return address


def _guarded(real: Callable[..., Any], what: str) -> Callable[..., Any]:
    def lookup(host: object, *args: Any, **kwargs: Any) -> Any:
        _check(host, what)
        return real(host, *args, **kwargs)

    setattr(lookup, _MARK, real)
    lookup.__name__ = getattr(real, "__name__", what)
    return lookup


def _guarded_method(real: Callable[..., Any], what: str,
                    address_arg: int = 0) -> Callable[..., Any]:
    def method(self: socket.socket, *args: Any, **kwargs: Any) -> Any:
        if len(args) > address_arg:
            host = _address_host(self, args[address_arg])
            if host is not None and host != "":
                _check(host, what)
        return real(self, *args, **kwargs)

    setattr(method, _MARK, real)
    method.__name__ = getattr(real, "__name__", what)
    return method


def _create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
    _check(address[0] if isinstance(address, tuple) else address, "connect to")
    return _real_create_connection(address, *args, **kwargs)


_real_create_connection = socket.create_connection
_LOOKUPS = ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr")


def installed() -> bool:
    return hasattr(socket.getaddrinfo, _MARK)


def install() -> None:
    """Patch the socket module (once per process; later calls do nothing)."""
    global _real_create_connection
    if installed():
        return
    for name in _LOOKUPS:
        setattr(socket, name, _guarded(getattr(socket, name), "resolve"))
    _real_create_connection = socket.create_connection
    setattr(_create_connection, _MARK, _real_create_connection)
    socket.create_connection = _create_connection  # type: ignore[assignment]
    cls = socket.socket
    cls.connect = _guarded_method(cls.connect, "connect to")  # type: ignore[method-assign]
    cls.connect_ex = _guarded_method(cls.connect_ex, "connect to")  # type: ignore[method-assign]
    # sendto(data, address) and sendto(data, flags, address): the address is the last argument.
    real_sendto = cls.sendto

    def sendto(self: socket.socket, *args: Any) -> Any:
        if args:
            host = _address_host(self, args[-1])
            if host is not None and host != "":
                _check(host, "send to")
        return real_sendto(self, *args)

    setattr(sendto, _MARK, real_sendto)
    cls.sendto = sendto  # type: ignore[method-assign]


def real(function: Callable[..., Any]) -> Callable[..., Any]:
    """The unguarded function behind a guarded one (for the guard's own tests)."""
    return getattr(function, _MARK, function)


def refusals(path: str | os.PathLike[str] | None = None) -> list[str]:
    """The refusals logged so far (one line each)."""
    path = path or os.environ.get(LOG_ENV)
    if not path or not Path(path).exists():
        return []
    return [line for line in Path(path).read_text(encoding="utf-8").splitlines() if line]


def clear(path: str | os.PathLike[str] | None = None) -> None:
    path = path or os.environ.get(LOG_ENV)
    if path:
        Path(path).write_text("", encoding="utf-8")


@contextmanager
def expecting_refusals() -> Iterator[list[str]]:
    """For the guard's own tests: collect the refusals made inside, then forget them
    (so they do not fail the test that provoked them on purpose)."""
    before = len(refusals())
    seen: list[str] = []
    try:
        yield seen
    finally:
        seen.extend(refusals()[before:])
        lines = refusals()[:before]
        path = os.environ.get(LOG_ENV)
        if path:
            Path(path).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
