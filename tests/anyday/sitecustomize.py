"""Loaded (through PYTHONPATH) by every Python process of `make test-any-day`, which runs the suite
under libfaketime with a real monotonic clock (FAKETIME_DONT_FAKE_MONOTONIC=1).

Debian's libfaketime 0.9.10 mishandles ``clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)``, which
Python 3.11's ``time.sleep`` uses: it raises EINVAL (libfaketime issue #426). Faking the monotonic
clock instead hangs every timed lock wait (``sem_clockwait``, issue #390). So, under faketime only,
``time.sleep`` waits on a lock with a timeout, which measures real monotonic time and works.
"""

import os

if os.environ.get("FAKETIME"):
    import threading
    import time

    def _sleep(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        lock = threading.Lock()
        lock.acquire()
        lock.acquire(timeout=seconds)

    time.sleep = _sleep
