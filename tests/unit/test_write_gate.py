"""The write gate: one writer at a time, handed over in arrival order; a request predicted to
wait too long is refused at once (503) rather than after a timeout, and an admitted writer
gives up only at the backstop."""

from __future__ import annotations

import contextvars
import threading
import time

import pytest

from xinfang.platform.db import (
    HOLD_WEIGHT,
    ROW_PERMITS,
    DatabaseBusy,
    KeyedGates,
    WriteGate,
    _hold,
    _release_all,
    request_arrival,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _queue(gate: WriteGate, n: int) -> list[threading.Thread]:
    """``n`` writers outside any request (jobs: never refused at the door) queued behind the holder."""
    threads = []
    for _ in range(n):
        t = threading.Thread(target=lambda: (gate.acquire(), gate.release()))
        t.start()
        threads.append(t)
        while len(gate._waiting) < len(threads):  # wait until this writer is queued
            threading.Event().wait(0.001)
    return threads


def _as_request(arrived: float):
    return request_arrival.set(arrived)


def _held_after(recent: float, admit_wait: float, backstop: float = 60, permits: int = 1) -> tuple[WriteGate, FakeClock]:
    """A gate on a fake clock that has seen one hold of ``recent`` seconds and is held again."""
    clock = FakeClock()
    gate = WriteGate(admit_wait=admit_wait, backstop=backstop, permits=permits, clock=clock)
    gate.acquire()
    clock.now += recent
    gate.release()
    gate.acquire()
    return gate, clock


def _refused_at_once(gate: WriteGate, arrived: float) -> DatabaseBusy:
    token = _as_request(arrived)
    try:
        with pytest.raises(DatabaseBusy) as refused:
            gate.acquire()
    finally:
        request_arrival.reset(token)
    return refused.value


def test_writers_get_the_gate_in_arrival_order():
    gate = WriteGate(admit_wait=60, backstop=60)
    gate.acquire()
    order, queued = [], []

    def writer(n: int) -> None:
        gate.acquire()
        order.append(n)
        gate.release()

    threads = []
    for n in range(5):
        t = threading.Thread(target=writer, args=(n,))
        t.start()
        threads.append(t)
        while len(gate._waiting) < n + 1:  # wait until this writer is queued
            threading.Event().wait(0.001)
        queued.append(n)
    gate.release()
    for t in threads:
        t.join(30)
    assert order == queued == [0, 1, 2, 3, 4]


def test_the_gate_measures_its_hold_time_as_a_running_average():
    clock = FakeClock()
    gate = WriteGate(admit_wait=1.0, backstop=60, clock=clock)
    gate.acquire()
    clock.now += 0.2
    gate.release()
    assert gate.hold_estimate == pytest.approx(0.2)
    gate.acquire()
    clock.now += 1.2
    gate.release()
    assert gate.hold_estimate == pytest.approx(0.2 + HOLD_WEIGHT * (1.2 - 0.2))


def test_a_request_is_admitted_while_the_predicted_wait_is_within_the_limit_and_refused_at_once_past_it():
    gate, clock = _held_after(0.2, admit_wait=1.0)
    threads = _queue(gate, 4)
    # the holder's 0.2 s and 4 × 0.2 s for those queued: 1.0 s, within the limit
    assert gate.predicted_wait() == pytest.approx(1.0)
    threads += _queue(gate, 1)
    assert gate.predicted_wait() == pytest.approx(1.2)
    refused = _refused_at_once(gate, clock())  # would wait 1.2 s: told at once, nothing queued
    assert refused.retry_after == 1
    assert len(gate._waiting) == 5
    gate.release()  # the queued jobs take and let go of it in turn
    for t in threads:
        t.join(30)
    assert not gate._granted


def test_a_holder_past_the_usual_hold_counts_as_long_again_as_it_has_held():
    gate, clock = _held_after(0.1, admit_wait=0.4)
    clock.now += 0.5  # a long import holding on
    assert gate.predicted_wait() == pytest.approx(0.5)
    _refused_at_once(gate, clock())
    gate.release()


def test_a_request_that_reaches_the_queue_late_is_still_admitted_within_the_limit():
    gate, clock = _held_after(0.2, admit_wait=1.0, backstop=5.0)  # predicted wait for the next: 0.2 s
    token = _as_request(clock() - 30)  # arrived 30 s ago (a slow machine): refusing now would be late too
    try:
        # a thread of its own carries the request's context, as a handler's thread does
        waiter = threading.Thread(target=contextvars.copy_context().run, args=(lambda: (gate.acquire(),
                                                                                          gate.release()),))
        waiter.start()
        give_up = time.monotonic() + 30
        while not gate._waiting and waiter.is_alive() and time.monotonic() < give_up:
            threading.Event().wait(0.001)
        assert gate._waiting, "refused instead of queued"
    finally:
        request_arrival.reset(token)
    gate.release()
    waiter.join(30)
    assert not gate._granted


def test_an_admitted_writer_gives_up_at_the_backstop_and_leaves_the_queue():
    gate = WriteGate(admit_wait=30, backstop=0.05)
    gate.acquire()  # held, and holding on past every prediction
    token = _as_request(time.monotonic())
    try:
        with pytest.raises(DatabaseBusy, match="admitted"):
            gate.acquire()
    finally:
        request_arrival.reset(token)
    assert not gate._waiting
    gate.release()
    gate.acquire()  # free again: the refused writer took nothing with it
    gate.release()


def test_jobs_outside_a_request_are_never_refused_at_the_door():
    clock = FakeClock()
    gate = WriteGate(admit_wait=0.001, backstop=60, clock=clock)
    gate.acquire()
    clock.now += 10  # a predicted wait far over the limit
    threads = _queue(gate, 1)  # queued all the same
    gate.release()
    threads[0].join(30)
    assert not threads[0].is_alive() and not gate._granted


def test_a_gate_with_two_permits_lets_two_through_and_divides_the_wait_between_them():
    gate, _ = _held_after(0.4, admit_wait=1.0, permits=2)
    gate.acquire()  # both permits taken, nobody queued
    assert gate.predicted_wait() == pytest.approx(0.4 / 2)
    threads = _queue(gate, 3)
    assert gate.predicted_wait() == pytest.approx((0.4 + 3 * 0.4) / 2)
    gate.release()
    gate.release()
    for t in threads:
        t.join(30)
    assert not gate._granted and not gate._waiting


def test_keyed_gates_queue_per_key_and_a_transaction_takes_each_once():
    gates = KeyedGates(admit_wait=60, backstop=60)
    assert gates["a"] is gates["a"] and gates["a"] is not gates["b"]
    assert gates["a"].permits == ROW_PERMITS
    first, second, other = {}, {}, {}
    _hold(first, gates["a"])
    _hold(first, gates["a"])  # the same transaction again (several matters of one county): no self-deadlock
    assert first["xinfang_write_gates"] == [gates["a"]] and len(gates["a"]._granted) == 1
    _hold(other, gates["b"])  # another key: not queued behind the first
    for _ in range(ROW_PERMITS - 1):
        _hold(second, gates["a"])
    threads = _queue(gates["a"], 1)  # the same key, its permits taken: queued
    _release_all(first)
    threads[0].join(30)
    assert not threads[0].is_alive()
    _release_all(second)
    _release_all(other)
    assert not gates["a"]._granted and not gates["b"]._granted
