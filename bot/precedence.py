"""Acknowledgements first: background work gives way while LINE waits for a webhook's 200."""

# The webhook's threads, the inbox's lanes and the courier's threads share one interpreter
# lock. Under a burst, every event a lane processes and every answer a courier sends takes the
# lock from the webhooks LINE is waiting on, and the acknowledgement's tail grows (measured in
# docs/performance.md). So before each event and each delivery the background asks to go, and
# waits while a webhook is in hand or ended a moment ago (the next is likely on its way) — but
# only within a budget, so a steady stream of webhooks can slow the background, never starve it.

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# A webhook ended this recently: under a burst the client's next one is on its way.
QUIET_SECONDS = 0.01
# In the long run the background waits at most this share of the time …
GIVE_WAY_SHARE = 0.5
# … and its budget holds at most this much (a wait at a stretch: AT_MOST / (1 - SHARE)).
GIVE_WAY_AT_MOST = 0.5
SPENT_BELOW = 0.001  # a budget of less than a millisecond is spent (no waits of crumbs)


@dataclass
class GiveWayBudget:
    """How long the background may still wait: a budget that fills and drains with time.

    It fills at `share` seconds a second (up to `at_most`) and drains at one second a second
    while something waits, so waiting takes at most `share` of the time in the long run.
    """

    share: float
    at_most: float
    credit: float
    updated_at: float

    def advance(self, now: float, waiting: bool) -> None:
        """Account for the time since the last update, spent waiting or not."""
        elapsed = max(0.0, now - self.updated_at)
        drained = elapsed if waiting else 0.0
        self.credit = max(0.0, min(self.at_most, self.credit + elapsed * self.share - drained))
        self.updated_at = now

    def lasts(self) -> float:
        """Seconds of waiting left from now (the budget still fills while it drains)."""
        if self.credit < SPENT_BELOW:
            return 0.0
        if self.share >= 1.0:
            return math.inf
        return self.credit / (1.0 - self.share)


class AcknowledgementsFirst:
    """Webhooks in hand go before the inbox's events and the courier's answers."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        quiet: float = QUIET_SECONDS,
        share: float = GIVE_WAY_SHARE,
        at_most: float = GIVE_WAY_AT_MOST,
    ) -> None:
        self._clock = clock
        self._quiet = quiet
        self._lock = threading.Lock()
        # Two conditions on one lock: waking the waiters only when they may go on (the last
        # webhook in hand answered), not each time one more of them starts to wait.
        self._answered = threading.Condition(self._lock)
        self._joined = threading.Condition(self._lock)  # another thread gives way (tests)
        self._in_hand = 0  # webhooks being handled now
        self._last_ended = -math.inf  # when the latest one was answered
        self._waiting = 0  # background threads giving way now
        self._budget = GiveWayBudget(share, at_most, credit=at_most, updated_at=clock())

    @contextmanager
    def acknowledging(self) -> Iterator[None]:
        """Around a webhook's handling: the background gives way until it is answered."""
        with self._lock:
            self._in_hand += 1
        try:
            yield
        finally:
            with self._lock:
                self._in_hand -= 1
                self._last_ended = self._clock()
                if not self._in_hand:
                    self._answered.notify_all()

    @property
    def waiting(self) -> int:
        """How many background threads are giving way now."""
        with self._lock:
            return self._waiting

    def wait_for_waiting(self, count: int, timeout: float) -> bool:
        """Block until `count` threads are giving way (tests use this); False on timeout."""
        with self._lock:
            return self._joined.wait_for(lambda: self._waiting >= count, timeout=timeout)

    def give_way(self) -> float:
        """Wait while webhooks are in hand or just answered, within the budget; seconds waited."""
        with self._lock:
            started = now = self._clock()
            self._budget.advance(now, waiting=self._waiting > 0)
            pause = self._pause(now)
            if pause <= 0:
                return 0.0
            self._waiting += 1
            self._joined.notify_all()
            try:
                while pause > 0:
                    self._answered.wait(pause)
                    now = self._clock()
                    self._budget.advance(now, waiting=True)
                    pause = self._pause(now)
            finally:
                self._waiting -= 1
            return now - started

    def _pause(self, now: float) -> float:
        """How long to wait before looking again; 0 means go now."""
        left = self._budget.lasts()
        if left <= 0:
            return 0.0
        if self._in_hand:
            return left  # acknowledging() wakes the waiters once none is in hand
        quiet_for = self._last_ended + self._quiet - now
        return min(left, quiet_for) if quiet_for > 0 else 0.0
