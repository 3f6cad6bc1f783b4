"""The document kinds the plugin registers, and how a document names its campaign.

Kept apart so the auto-tick task can recognise the closing report without importing the
document builders.
"""

from __future__ import annotations

PLAN_KIND = "petition_month_plan"
ANNEX_KIND = "petition_month_annex"
NOTICE_KIND = "petition_month_reception_notice"
SUMMARY_KIND = "petition_month_summary"
KINDS = (PLAN_KIND, ANNEX_KIND, NOTICE_KIND, SUMMARY_KIND)


def campaign_ref(campaign_id: int) -> str:
    """Stored in each document's inputs: which campaign it was generated from."""
    return f"petition_month:{campaign_id}"
