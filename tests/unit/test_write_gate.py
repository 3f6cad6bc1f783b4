"""The SQLite write gate: one writer at a time, handed over in arrival order, and a writer
that cannot get its turn within the budget is refused (503) rather than left waiting."""

from __future__ import annotations

import threading

import pytest

from xinfang.platform.db import DatabaseBusy, WriteGate, write_deadline


def test_writers_get_the_gate_in_arrival_order():
    gate = WriteGate(timeout=60)
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


def test_a_writer_past_its_budget_is_refused_and_leaves_the_queue():
    gate = WriteGate(timeout=0.05)
    gate.acquire()
    with pytest.raises(DatabaseBusy):
        gate.acquire()
    assert not gate._waiting
    gate.release()
    gate.acquire()  # free again: the refused writer took nothing with it
    gate.release()


def test_a_request_past_its_deadline_gets_a_free_gate_but_does_not_wait():
    gate = WriteGate(timeout=60)
    token = write_deadline.set(0.0)  # long past: a slow machine, or a long queue for a thread
    try:
        gate.acquire()  # free: taken, however late
        with pytest.raises(DatabaseBusy):
            gate.acquire()  # held: refused at once instead of waiting 60 s
    finally:
        write_deadline.reset(token)
    gate.release()
