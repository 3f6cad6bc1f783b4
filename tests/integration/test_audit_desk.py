"""The supervisor's audit desk over HTTP (both databases): the log in Chinese with refused
attempts, filtered by action, person and day; the export link carries the filters; the chain
check explained; another county's records never shown."""

from __future__ import annotations

import pytest

from tests.integration.page_requests import get_page
from xinfang.platform import clock

pytestmark = pytest.mark.today(2026, 11, 16)


def test_desk_lists_filters_and_verifies(client, demo):
    # a refused write by the supervisor (read-only) lands in the county's chain
    refused = client.post("/api/campaigns", json={"type": "petition_month", "title": "x", "scope_node_ids": [1],
                                                  "starts_on": "2026-11-16"}, headers=demo.headers("xx_supervisor"))
    assert refused.status_code == 403
    page = get_page(client, demo, "xx_supervisor", "/audit")
    assert page.status_code == 200 and "审计日志" in page.text and "北京时间" in page.text
    assert "导出Excel" in page.text and "校验完整性" in page.text
    only_refused = get_page(client, demo, "xx_supervisor", "/audit?action=refused")
    assert "被拒绝的操作" in only_refused.text and 'class="refused"' in only_refused.text
    assert "/api/campaigns" in only_refused.text
    assert "action=refused" in only_refused.text, "the export link carries the filter"
    today = clock.today().isoformat()
    assert "共0条记录" not in get_page(client, demo, "xx_supervisor", f"/audit?since={today}&until={today}").text
    assert "共0条记录" in get_page(client, demo, "xx_supervisor", "/audit?since=2001-01-01&until=2001-01-02").text
    bad = get_page(client, demo, "xx_supervisor", f"/audit?since={today}&until=2001-01-01")
    assert bad.status_code == 400 and "截止日期不能早于起始日期" in bad.text
    verified = get_page(client, demo, "xx_supervisor", "/audit/verify")
    assert verified.status_code == 200 and "审计日志完整，未发现篡改" in verified.text and "西峡县" in verified.text
    assert "晋江市" not in verified.text and "晋江市" not in page.text
    # who holds no audit:read gets no desk
    assert get_page(client, demo, "xx_by_officer", "/audit").status_code == 403
