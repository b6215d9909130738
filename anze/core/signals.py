"""What core announces to the apps above it (it never imports them): the audit trail listens to these.

- `object_denied(sender=model, user, lookup, action)`: `get_restricted_or_404()` refused an object that
  exists but lies outside the user's scope (answered 404).
- `request_denied(sender=None, user, path, reason)`: the API refused a request (not signed in, no right).

Receivers run in the request, synchronously; an error in one fails the request, as a failed audit write must.
"""

from django.dispatch import Signal

object_denied = Signal()
request_denied = Signal()
