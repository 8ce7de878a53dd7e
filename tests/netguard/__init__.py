"""The tests' network guard: no test, and no process a test starts, reaches past the loopback."""
