"""The notification sender `make production-check` configures: appends each delivered
notice's id to the file named by XINFANG_CHECK_DELIVERIES, so the check can count how
often each notice went out (a notice delivered twice is a job that ran twice)."""

from __future__ import annotations

import fcntl
import os

from xinfang.platform.senders import Outgoing


class FileSender:
    name = "production-check"

    def send(self, message: Outgoing) -> str:
        with open(os.environ["XINFANG_CHECK_DELIVERIES"], "a", encoding="ascii") as out:
            fcntl.flock(out, fcntl.LOCK_EX)  # two worker processes append to one file
            out.write(f"{message.notification_id}\n")
        return f"提醒 {message.notification_id} 已记录"
