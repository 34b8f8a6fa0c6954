"""Standard 5-field cron schedules (minute hour day-of-month month day-of-week), as CronJob uses them
(robfig/cron's standard parser: ``*``, ``a-b``, ``a,b``, ``*/n``, ``a-b/n``, names of months and days,
and the macros ``@hourly``, ``@daily``/``@midnight``, ``@weekly``, ``@monthly``, ``@yearly``/``@annually``).
Day-of-month and day-of-week are ORed when both are restricted, as in cron."""

from __future__ import annotations

import datetime as dt

__all__ = ["CronError", "Schedule", "parse_schedule"]

MACROS = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
          "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"}
NAMES = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
         "sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


class CronError(ValueError):
    """A schedule that does not parse."""


def _field(text: str, lo: int, hi: int) -> set[int]:
    out: set[int] = set()
    for part in text.lower().split(","):
        step = 1
        if "/" in part:
            part, s = part.split("/", 1)
            if not s.isdigit() or int(s) == 0:
                raise CronError(f"bad step {s!r}")
            step = int(s)
        if part in ("*", "?"):
            a, b = lo, hi
        elif "-" in part:
            x, y = part.split("-", 1)
            a, b = _value(x), _value(y)
        else:
            a = _value(part)
            b = hi if step > 1 else a
        if not lo <= a <= hi or not lo <= b <= hi or a > b:
            raise CronError(f"{part!r} out of range {lo}-{hi}")
        out |= set(range(a, b + 1, step))
    return out


def _value(x: str) -> int:
    if x in NAMES:
        return NAMES[x]
    if not x.isdigit():
        raise CronError(f"bad value {x!r}")
    return int(x)


class Schedule:
    """A parsed schedule; ``next_after`` gives the next firing time."""

    def __init__(self, fields: list[set[int]], dom_star: bool, dow_star: bool) -> None:
        self.minutes, self.hours, self.dom, self.months, self.dow = fields
        self.dow = {d % 7 for d in self.dow}
        self.dom_star, self.dow_star = dom_star, dow_star

    def _day_ok(self, d: dt.datetime) -> bool:
        dom_ok, dow_ok = d.day in self.dom, (d.isoweekday() % 7) in self.dow
        if self.dom_star or self.dow_star:
            return dom_ok and dow_ok
        return dom_ok or dow_ok

    def next_after(self, t: dt.datetime) -> dt.datetime:
        """The first firing time strictly after ``t`` (whole minutes)."""
        d = (t + dt.timedelta(minutes=1)).replace(second=0, microsecond=0)
        for _ in range(366 * 5):
            if d.month in self.months and self._day_ok(d):
                for h in sorted(self.hours):
                    if h < d.hour:
                        continue
                    for m in sorted(self.minutes):
                        cand = d.replace(hour=h, minute=m)
                        if cand >= d:
                            return cand
            d = (d + dt.timedelta(days=1)).replace(hour=0, minute=0)
        raise CronError("no firing time within five years")


def parse_schedule(expr: str) -> Schedule:
    """Parse ``expr``; CronError with a short reason when it is not a valid schedule."""
    text = MACROS.get(expr.strip(), expr.strip())
    parts = text.split()
    if len(parts) != 5:
        raise CronError(f"expected 5 fields, got {len(parts)}")
    fields = [_field(p, lo, hi) for p, (lo, hi) in zip(parts, RANGES, strict=True)]
    return Schedule(fields, parts[2] in ("*", "?"), parts[4] in ("*", "?"))
