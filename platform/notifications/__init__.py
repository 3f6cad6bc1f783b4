"""Notices to a node or a person: deadline reminders, 督办, repeats, assignments; in-app, then
handed to the deployment's sender (platform/senders.py)."""
