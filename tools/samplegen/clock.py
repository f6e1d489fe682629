"""Dates of the sample world, as day numbers and minute timestamps, and their Jira spellings.

Day numbers count days since ``epoch``; timestamps count minutes since ``epoch`` (0 = midnight UTC).
Both are plain ints so that the issue plan can hold them in ``array`` columns.
"""

from __future__ import annotations

from datetime import date, timedelta

from tools.samplegen.catalog import MONTHS

MINUTES_PER_DAY = 1440


class Clock:
    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self.epoch = date(as_of.year - 17, 1, 1)
        self.founded = date(as_of.year - 14, 3, 5)
        self.jira_start = date(as_of.year - 3, 1, 2)
        self.as_of_day = self.day(as_of)
        self.last_minute = self.as_of_day * MINUTES_PER_DAY - 1  # last minute before as_of
        # Rendering a million issues formats the same few thousand days over and over.
        self._spellings: dict[int, tuple[str, str]] = {}

    def day(self, d: date) -> int:
        return (d - self.epoch).days

    def date_of(self, day: int) -> date:
        return self.epoch + timedelta(days=day)

    def _spell(self, day: int) -> tuple[str, str]:
        hit = self._spellings.get(day)
        if hit is None:
            x = self.date_of(day)
            hit = (f"{x.day}/{MONTHS[x.month - 1]}/{x.year % 100:02d}", x.isoformat())
            self._spellings[day] = hit
        return hit

    def jira_date(self, day: int) -> str:
        """Jira CSV's date: ``3/Jan/24``."""
        return self._spell(day)[0]

    def jira_dt(self, t: int) -> str:
        """Jira CSV's date and time: ``3/Jan/24 9:05 AM``."""
        d, m = divmod(t, MINUTES_PER_DAY)
        h, mi = divmod(m, 60)
        return f"{self._spell(d)[0]} {h % 12 or 12}:{mi:02d} {'AM' if h < 12 else 'PM'}"

    def iso_dt(self, t: int, second: int) -> str:
        """Jira REST's timestamp: ``2024-01-03T09:05:41.000+0000`` (timestamps carry no seconds)."""
        d, m = divmod(t, MINUTES_PER_DAY)
        h, mi = divmod(m, 60)
        return f"{self._spell(d)[1]}T{h:02d}:{mi:02d}:{second:02d}.000+0000"
