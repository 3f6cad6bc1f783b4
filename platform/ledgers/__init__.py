"""Working ledgers of screening and backlog resolution (seed 001, annexes 1 and 2)."""
