"""The time-stamping authority: with a TSA URL configured, signatures carry an RFC 3161 timestamp (PAdES B-T)."""

from __future__ import annotations

from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper

# Seconds to wait for the TSA's answer; a TSA answers in well under a second when it is up.
DEFAULT_TIMEOUT = 10


def timestamper(url: str, *, timeout: int = DEFAULT_TIMEOUT) -> TimeStamper:
    """A client of the TSA at `url` (RFC 3161 over HTTP: POST application/timestamp-query)."""
    return HTTPTimeStamper(url, timeout=timeout)
