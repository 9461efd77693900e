"""Parses per second of every source-plan date string, against dateutil and strptime baselines."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from dateutil import parser as dateutil_parser

# Run as a script: make the repository (scheduler, tests) importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scheduler.thaidate import parse_date, parse_period, parse_periods
from tests.support.source_plan import (
    PERIODS,
    SEVERAL_PERIODS,
    SINGLE_DATES,
)

ROUNDS = 5
REPEATS = 200


def _cases() -> list[tuple[Callable[[str], object], str, list[date]]]:
    """(parser, Thai text, the dates it names) for every readable source-plan string."""
    cases: list[tuple[Callable[[str], object], str, list[date]]] = []
    cases += [(parse_date, text, [day]) for _, text, day in SINGLE_DATES]
    cases += [(parse_period, text, list(period)) for _, text, period in PERIODS]
    cases += [
        (parse_periods, text, [day for period in periods for day in period])
        for _, text, periods in SEVERAL_PERIODS
    ]
    return cases


def _rate(work: Callable[[], None], strings: int) -> float:
    """Best strings-per-second over ROUNDS runs of work (which parses REPEATS × strings)."""
    best = min(_timed(work) for _ in range(ROUNDS))
    return strings * REPEATS / best


def _timed(work: Callable[[], None]) -> float:
    """Seconds one call of work takes."""
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    """Measure and print the three rates and their ratios."""
    cases = _cases()
    # The same dates written the C.E. way, one string per date, for the baselines.
    english = [[f"{d.day} {d:%b %Y}" for d in days] for _, _, days in cases]
    iso = [[d.isoformat() for d in days] for _, _, days in cases]

    def thai() -> None:
        for _ in range(REPEATS):
            for parse, text, _ in cases:
                parse(text)

    def dateutil() -> None:
        for _ in range(REPEATS):
            for texts in english:
                for text in texts:
                    dateutil_parser.parse(text)

    def strptime() -> None:
        for _ in range(REPEATS):
            for texts in iso:
                for text in texts:
                    datetime.strptime(text, "%Y-%m-%d")

    thai_rate = _rate(thai, len(cases))
    dateutil_rate = _rate(dateutil, len(cases))
    strptime_rate = _rate(strptime, len(cases))
    print(f"{len(cases)} source-plan strings × {REPEATS}, best of {ROUNDS} rounds")
    print(f"thaidate (Thai B.E. text, periods)        {thai_rate:>10,.0f} strings/s")
    print(f"dateutil.parser.parse (same dates, C.E.)  {dateutil_rate:>10,.0f} strings/s")
    print(f"datetime.strptime (same dates, ISO)       {strptime_rate:>10,.0f} strings/s")
    print(f"thaidate / dateutil = {thai_rate / dateutil_rate:.2f}×")
    print(f"thaidate / strptime = {thai_rate / strptime_rate:.2f}×")


if __name__ == "__main__":
    main()
