"""督办 by hand: a county or township office supervises a matter or a unit in its subtree."""
