"""信访秩序集中整治 (seed 000, action 5): the petition-order campaign, lawful by construction.

Every behaviour it records rests on a clause of the 信访工作条例 (Art. 26 items 一–六 or
Art. 20), every response follows Art. 47, and the person's own petition matters are never
touched. docs/order_campaign.md says what it does and what it refuses to do.
"""
