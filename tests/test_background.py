"""One background run per key, shared by its waiters, each within its own deadline (app/background.py)."""

from __future__ import annotations

import threading

import pytest

from app import background, deadline
from app.background import SharedRuns
from app.errors import QueryTimeout, RequestCancelled, StillComputing

FREE = deadline.UNBOUNDED


def held(answer: int, calls: list[int], gate: threading.Event):
    def work() -> int:
        calls.append(answer)
        assert gate.wait(10)
        return answer

    return work


def test_requests_for_one_key_share_one_run() -> None:
    runs: SharedRuns[int] = SharedRuns()
    calls: list[int] = []
    gate = threading.Event()
    first, started_first = runs.start("k", held(1, calls, gate), FREE, "test")
    second, started_second = runs.start("k", held(2, calls, gate), FREE, "test")
    other, _ = runs.start("other", held(3, calls, gate), FREE, "test")
    gate.set()
    assert (started_first, started_second) == (True, False) and second is first
    assert first.result(5) == 1 and other.result(5) == 3 and sorted(calls) == [1, 3]


def test_a_waiter_out_of_time_gets_a_timeout_and_the_next_the_answer() -> None:
    runs: SharedRuns[int] = SharedRuns(kept=4)
    gate = threading.Event()
    calls: list[int] = []
    run, _ = runs.start("k", held(7, calls, gate), FREE, "test")
    late = pytest.raises(QueryTimeout, match=r"counting took more than the 0.05 s budget .*the count goes on")
    with deadline.within(deadline.Deadline(0.05, "request_time_budget")), late:
        background.wait(run, "counting", "the count goes on")
    gate.set()
    again, started = runs.start("k", held(8, calls, gate), FREE, "test")
    with deadline.within(deadline.Deadline(5.0)):
        assert background.wait(again, "counting", "the count goes on") == 7
    assert not started and calls == [7]


def test_a_waiter_whose_client_left_stops_waiting() -> None:
    runs: SharedRuns[int] = SharedRuns()
    gate = threading.Event()
    run, _ = runs.start("k", held(1, [], gate), FREE, "test")
    limit = deadline.Deadline(60.0)
    limit.cancel("the client went away")
    with deadline.within(limit), pytest.raises(RequestCancelled, match="client went away"):
        background.wait(run, "counting", "the count goes on")
    gate.set()
    assert run.result(5) == 1


def test_a_failed_run_reaches_its_waiters_and_the_next_request_starts_again() -> None:
    runs: SharedRuns[int] = SharedRuns(kept=4)
    attempts: list[str] = []

    def flaky() -> int:
        attempts.append("tried")
        if len(attempts) == 1:
            raise RuntimeError("the server went away")
        return 5

    failed, _ = runs.start("k", flaky, FREE, "test")
    with pytest.raises(RuntimeError, match="went away"):
        background.wait(failed, "counting", "the count goes on")
    retried, started = runs.start("k", flaky, FREE, "test")
    assert started and background.wait(retried, "counting", "the count goes on") == 5 and len(attempts) == 2


def test_the_run_works_under_its_own_budget_not_the_request_s() -> None:
    runs: SharedRuns[float] = SharedRuns()
    budget = deadline.Deadline(123.0, "prepare_time_budget")
    with deadline.within(deadline.Deadline(1.0)):
        run, _ = runs.start("k", lambda: deadline.current().seconds, budget, "test")
        assert run.result(5) == 123.0


def test_finished_answers_are_kept_up_to_kept_and_forgotten_at_zero() -> None:
    kept: SharedRuns[int] = SharedRuns(kept=2)
    for key in range(3):
        kept.start(key, lambda key=key: key, FREE, "test")[0].result(5)
    assert [kept.start(key, lambda: -1, FREE, "test")[1] for key in (2, 1)] == [False, False]
    assert kept.start(0, lambda: -1, FREE, "test")[1]  # the oldest went first
    forgetting: SharedRuns[int] = SharedRuns()
    forgetting.start("k", lambda: 1, FREE, "test")[0].result(5)
    again, started = forgetting.start("k", lambda: 2, FREE, "test")
    assert started and again.result(5) == 2


def test_past_the_deadline_a_run_that_goes_on_is_a_202_and_a_failed_one_its_error() -> None:
    """`wait_or_later`: the answer if it comes in time; else, while the run goes on, a 202 with
    `Retry-After`; a run that failed (here: out of its own budget) raises its own error."""
    runs: SharedRuns[int] = SharedRuns(kept=1)
    gate, calls = threading.Event(), []
    job, _ = runs.start("slow", held(7, calls, gate), FREE, "test-slow")
    with deadline.within(deadline.Deadline(0.2, "request_time_budget")), pytest.raises(StillComputing) as later:
        background.wait_or_later(job, "the slow step", "it goes on")
    assert later.value.status == 202 and later.value.retry_after >= 1 and "it goes on" in later.value.message
    gate.set()
    with deadline.within(deadline.Deadline(10.0, "request_time_budget")):
        assert background.wait_or_later(job, "the slow step", "it goes on") == 7

    def out_of_time() -> int:
        raise QueryTimeout("the step ran past its budget")

    failed, _ = runs.start("failed", out_of_time, FREE, "test-failed")
    with deadline.within(deadline.Deadline(10.0, "request_time_budget")), pytest.raises(QueryTimeout) as error:
        background.wait_or_later(failed, "the failing step", "it goes on")
    assert error.value.status == 504 and "ran past its budget" in error.value.message
