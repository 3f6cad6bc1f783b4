"""The petitioner's side (条例第十八、二十一条): 网上信访 submission, progress lookup with a
查询码, evaluation of opinions, and public verification of documents — no login."""
