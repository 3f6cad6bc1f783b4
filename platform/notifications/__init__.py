"""Notices to a node or a person: deadline reminders and 督办 (supervision) notices."""
