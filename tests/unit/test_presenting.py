"""One pass over every JSON answer: times at +08:00, codes with their labels (web/presenting.py)."""

from __future__ import annotations

import datetime as dt

from xinfang.platform.web.presenting import AsIs, present

LABELS = {"state": {"registered": "已登记"}, "status": {"done": "已生成"}}


def test_times_are_given_in_asia_shanghai():
    moment = dt.datetime(2026, 11, 27, 17, 30, tzinfo=dt.UTC)
    out = present({"at": moment, "created_at": moment.isoformat(), "z": "2026-11-27T17:30:00Z",
                   "on": "2026-11-27", "note": "2026-11-27T17:30:00+00:00 前后"}, LABELS)
    assert out["at"] == dt.datetime(2026, 11, 28, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert out["created_at"] == out["z"] == "2026-11-28T01:30:00+08:00"
    assert out["on"] == "2026-11-27" and out["note"].startswith("2026-11-27T17:30")  # dates, free text stay


def test_codes_get_their_labels_unless_given():
    out = present({"items": [{"state": "registered"}, {"state": "unknown"},
                             {"status": "done", "status_label": "自定"}]}, LABELS)
    assert out["items"] == [{"state": "registered", "state_label": "已登记"}, {"state": "unknown"},
                            {"status": "done", "status_label": "自定"}]


def test_an_answer_marked_as_is_is_left_alone():
    from litestar import Response

    from xinfang.platform.web.presenting import make_presenter

    signed = AsIs(at="2026-11-27T17:30:00+00:00", state="registered")
    after = make_presenter(LABELS)
    assert after(Response(signed, media_type="application/json")).content == signed
    assert after(Response({"state": "registered"}, media_type="application/json")).content["state_label"] == "已登记"
