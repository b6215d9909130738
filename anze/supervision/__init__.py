"""督办: reminders, escalation, 督办 cases, notices and circulars, delivered on the channels people read."""
