"""Acknowledgements first: the background gives way to webhooks in hand, within a budget."""

from __future__ import annotations

import threading

from bot.precedence import AcknowledgementsFirst, GiveWayBudget


class FakeClock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_budget_fills_at_its_share_up_to_its_cap_and_drains_while_waiting() -> None:
    budget = GiveWayBudget(share=0.5, at_most=0.5, credit=0.5, updated_at=0.0)
    assert budget.lasts() == 1.0  # it still fills at half a second a second while it drains
    budget.advance(0.6, waiting=True)
    assert round(budget.credit, 3) == 0.2
    budget.advance(1.2, waiting=True)
    assert budget.credit == 0.0 and budget.lasts() == 0.0  # spent: nothing waits now
    budget.advance(1.6, waiting=False)
    assert round(budget.credit, 3) == 0.2
    budget.advance(60.0, waiting=False)
    assert budget.credit == 0.5  # never more than its cap


def test_under_webhooks_without_end_the_background_waits_half_the_time() -> None:
    budget = GiveWayBudget(share=0.5, at_most=0.5, credit=0.5, updated_at=0.0)
    waited = 0.0
    for step in range(1, 10_001):  # 100 s in 10 ms steps; a webhook always in hand
        now = step * 0.01
        waiting = budget.lasts() > 0
        budget.advance(now, waiting)
        waited += 0.01 if waiting else 0.0
    assert 45.0 <= waited <= 55.5


def test_with_no_webhook_in_hand_the_background_goes_at_once() -> None:
    clock = FakeClock()
    precedence = AcknowledgementsFirst(clock)
    assert precedence.give_way() == 0.0
    with precedence.acknowledging():
        pass
    clock.now += 0.5  # long after the last one ended
    assert precedence.give_way() == 0.0 and precedence.waiting == 0


def test_the_background_waits_for_the_webhook_in_hand_and_goes_when_it_is_answered() -> None:
    clock = FakeClock()
    precedence = AcknowledgementsFirst(clock, quiet=0.0, at_most=60.0)
    waited: list[float] = []
    webhook = precedence.acknowledging()
    webhook.__enter__()
    lane = threading.Thread(target=lambda: waited.append(precedence.give_way()))
    lane.start()
    assert precedence.wait_for_waiting(1, timeout=5)
    clock.now += 0.02
    webhook.__exit__(None, None, None)
    lane.join(timeout=5)
    assert [round(w, 6) for w in waited] == [0.02] and precedence.waiting == 0


def test_just_after_a_webhook_the_background_waits_for_the_quiet_moment_only() -> None:
    clock = FakeClock()
    precedence = AcknowledgementsFirst(clock, quiet=0.01)
    with precedence.acknowledging():
        pass
    clock.now += 0.01  # the quiet moment has passed by the time the lane asks
    assert precedence.give_way() == 0.0


def test_a_webhook_that_never_ends_holds_the_background_no_longer_than_the_budget() -> None:
    precedence = AcknowledgementsFirst(quiet=0.0, share=0.5, at_most=0.02)
    with precedence.acknowledging():
        waited = precedence.give_way()  # the budget runs out: it goes anyway
        assert 0.04 <= waited < 5.0
        assert precedence.give_way() < 0.04  # and the next has only what filled since
