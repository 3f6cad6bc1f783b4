"""The dispute intake room (矛盾纠纷受理室, seed 002): register, triage, dispatch, return."""
