"""A calendar year the operator can load in tests (both the calendar API and the deadline tests)."""

from __future__ import annotations

# INVENTED TEST DATA — not the real 2027 notice: 元旦 1–3 January off, Saturday 9 January
# a make-up workday.
INVENTED_2027 = {
    "title": "(测试用虚构数据)国务院办公厅关于2027年部分节假日安排的通知",
    "document_number": "测试〔2026〕1号",
    "holidays": [{"date": "2027-01-01", "name": "元旦"}, {"date": "2027-01-02", "name": "元旦"},
                 {"date": "2027-01-03", "name": "元旦"}],
    "workdays": [{"date": "2027-01-09", "name": "元旦"}],
}
