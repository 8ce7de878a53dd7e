"""The network guard (tests/netguard, wired in tests/conftest.py): a test that resolves or
connects to a host that is not the loopback fails, in this process and in the crawls and
other processes it starts, and no real name lookup happens on the way."""

from __future__ import annotations

import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.crawl_support import ROOT, crawl_env
from tests.netguard import guard

CASES = Path(guard.__file__).with_name("outside_host_cases.py")


@pytest.mark.parametrize(("host", "allowed"), [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True),
    ("::ffff:127.0.0.1", True), ("localhost", True), ("LOCALHOST.", True),
    ("api.localhost", True), (b"127.0.0.1", True), (None, True), ("", True),
    ("huggingface.co", False), ("api.github.com", False), ("localhost.example.com", False),
    ("10.0.0.1", False), ("192.0.2.1", False), ("0.0.0.0", False), ("::", False),
    ("2001:db8::1", False), ("128.0.0.1", False), (b"example.com", False), (80, False),
])
def test_what_counts_as_the_loopback(host: object, allowed: bool) -> None:
    assert guard.is_loopback(host) is allowed


def test_the_guard_is_on_in_this_process() -> None:
    assert guard.installed()
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr",
                 "create_connection"):
        assert guard.real(getattr(socket, name)) is not getattr(socket, name), name


def test_twisted_resolves_through_the_guard() -> None:
    """Twisted's resolver keeps the getaddrinfo it saw at import: the guard came first."""
    import inspect

    from twisted.internet._resolver import GAIResolver

    default = inspect.signature(GAIResolver.__init__).parameters["getaddrinfo"].default
    assert guard.real(default) is not default


def test_a_lookup_is_refused_before_any_resolver_runs() -> None:
    asked: list[object] = []

    def resolver(host: object, *args: object) -> list[object]:
        asked.append(host)
        return []

    guarded = guard._guarded(resolver, "resolve")
    with guard.expecting_refusals() as refused, pytest.raises(guard.NetworkRefused):
        guarded("example.com", 443)
    assert asked == []  # the real resolver never saw the name: no DNS query
    assert len(refused) == 1 and "'example.com'" in refused[0]
    assert guarded("127.0.0.1", 443) == [] and asked == ["127.0.0.1"]


@pytest.mark.parametrize("reach", [
    lambda: socket.getaddrinfo("example.com", 443),
    lambda: socket.gethostbyname("example.com"),
    lambda: socket.create_connection(("example.com", 443), timeout=0.5),
    lambda: socket.socket().connect(("192.0.2.1", 80)),
    lambda: socket.socket(socket.AF_INET6).connect_ex(("2001:db8::1", 80, 0, 0)),
    lambda: socket.socket(type=socket.SOCK_DGRAM).sendto(b"x", ("192.0.2.1", 53)),
], ids=["getaddrinfo", "gethostbyname", "create_connection", "connect", "connect_ex",
        "sendto"])
def test_each_way_out_is_refused_and_recorded(reach) -> None:
    with guard.expecting_refusals() as refused, pytest.raises(guard.NetworkRefused):
        reach()
    assert len(refused) == 1


def test_the_loopback_is_not_refused() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=5):
            pass
    assert socket.getaddrinfo("localhost", 80)
    assert guard.refusals() == []


def test_tests_reaching_outside_fail_in_process_and_in_child_crawls(tmp_path: Path) -> None:
    """A separate pytest session runs tests/netguard/outside_host_cases.py: every test that
    reaches an outside host fails (though each swallows the error it got), in this
    process or in a `scrapy crawl` child; the loopback-only one passes."""
    report = tmp_path / "report.xml"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", f"--junitxml={report}",
         str(CASES.relative_to(ROOT))],
        cwd=ROOT, env=crawl_env(tmp_path / "home"), capture_output=True, text=True,
        timeout=300, check=False)
    assert report.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    outcomes = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        failure = case.find("failure")
        outcomes[case.get("name")] = failure.get("message", "") if failure is not None else None
    assert outcomes["test_loopback_only"] is None, outcomes
    expected = {
        "test_resolves_an_outside_name": "'example.com'",
        "test_connects_to_an_outside_address": "'192.0.2.1'",
        "test_in_process_crawl_reaches_an_outside_host": "'api.github.com'",
        "test_subprocess_crawl_reaches_an_outside_host": "'api.github.com'",
    }
    for name, host in expected.items():
        message = outcomes[name]
        assert message is not None, f"{name} passed: the guard did not fail it"
        assert "network guard:" in message and host in message, (name, message)
    child = outcomes["test_subprocess_crawl_reaches_an_outside_host"]
    assert "(pid " in child
    assert proc.returncode == 1
