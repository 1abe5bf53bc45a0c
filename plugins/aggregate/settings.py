"""The ``AGGREGATE`` setting: what one remote source may cost or claim, defaults in one place.

Read by ``invoke aggregate`` from the settings file (``pelicanconf.py`` / ``publishconf.py``) without
starting Pelican; unknown keys and bad values stop the command with a message naming the key. The
number of items kept per source is the registry's ``so_tin_moi_nguon`` (``site.yaml``), not a setting.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.problems import PortalError


@dataclass(frozen=True)
class Limits:
    """Typed ``AGGREGATE`` settings; tests shorten them. Times are seconds of wall-clock time."""

    connect_timeout: float = 5.0     # one TCP connect (each resolved address, each redirect hop)
    request_deadline: float = 10.0   # one attempt: connect + TLS + headers + body, every redirect hop included
    run_deadline: float = 120.0      # the whole collection step of one run, every source together
    workers: int = 8                 # sources fetched at the same time
    retries: int = 2                 # extra attempts after the first: connection failures and 5xx only
    backoff: float = 1.0             # seconds before the first retry, doubled each time
    max_bytes: int = 5_000_000       # one response body
    max_redirects: int = 3
    clock_skew: float = 900.0        # an item dated up to this far ahead of "now" is not held back
    max_records: int = 5000          # records kept from one source's export (thu-tuc, van-ban)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# Kinds of value: (what is expected, in Vietnamese; test).
POSITIVE_SECONDS = ("số giây lớn hơn 0", lambda v: _number(v) and v > 0)
SECONDS = ("số giây không âm", lambda v: _number(v) and v >= 0)
COUNT = ("số nguyên từ 1 trở lên", lambda v: _integer(v) and v >= 1)
NATURAL = ("số nguyên không âm", lambda v: _integer(v) and v >= 0)

# AGGREGATE key → (Limits field, kind of value).
KEYS = {
    "THOI_GIAN_CHO_KET_NOI": ("connect_timeout", POSITIVE_SECONDS),
    "THOI_HAN_MOI_YEU_CAU": ("request_deadline", POSITIVE_SECONDS),
    "THOI_HAN_MOI_LAN_TONG_HOP": ("run_deadline", POSITIVE_SECONDS),
    "SO_NGUON_TAI_CUNG_LUC": ("workers", COUNT),
    "SO_LAN_THU_LAI": ("retries", NATURAL),
    "CHO_TRUOC_KHI_THU_LAI": ("backoff", SECONDS),
    "DUNG_LUONG_TOI_DA": ("max_bytes", COUNT),
    "SO_LAN_CHUYEN_HUONG_TOI_DA": ("max_redirects", NATURAL),
    "LECH_DONG_HO_CHO_PHEP": ("clock_skew", SECONDS),
    "SO_BAN_GHI_TOI_DA_MOI_NGUON": ("max_records", COUNT),
}
DEFAULTS = {key: getattr(Limits(), name) for key, (name, _) in KEYS.items()}


class AggregateSettingsError(PortalError):
    """A wrong AGGREGATE setting."""


def read(settings: dict) -> Limits:
    """Typed limits from Pelican settings (a dict such as ``runpy.run_path('pelicanconf.py')``)."""
    given = settings.get("AGGREGATE") or {}
    unknown = sorted(set(given) - set(KEYS))
    if unknown:
        raise AggregateSettingsError(f"pelicanconf.py: AGGREGATE có khóa không được hỗ trợ: {', '.join(unknown)}. "
                                     f"Các khóa hợp lệ: {', '.join(KEYS)}.")
    values = {}
    for key, value in given.items():
        name, (expected, valid) = KEYS[key]
        if not valid(value):
            raise AggregateSettingsError(f"pelicanconf.py: AGGREGATE['{key}'] phải là {expected}, "
                                         f"đang là «{value}».")
        values[name] = value
    return Limits(**values)
