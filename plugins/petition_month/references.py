"""The document kinds the plugin registers, and how a document names its campaign.

Kept apart so the auto-tick task can recognise the closing report without importing the
document builders.
"""

from __future__ import annotations

PREFIX = "petition_month_"  # every document kind of the plugin: PREFIX + the route's key
PLAN_KIND = PREFIX + "plan"
ANNEX_KIND = PREFIX + "annex"  # the layout the four annexes share; each is its own kind (annex1 …)
NOTICE_KIND = PREFIX + "reception_notice"
SUMMARY_KIND = PREFIX + "summary"
KINDS = (PLAN_KIND, *(f"{ANNEX_KIND}{n}" for n in range(1, 5)), NOTICE_KIND, SUMMARY_KIND)


def campaign_ref(campaign_id: int) -> str:
    """Stored in each document's inputs: which campaign it was generated from."""
    return f"petition_month:{campaign_id}"
