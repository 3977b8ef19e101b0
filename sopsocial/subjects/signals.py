"""Signals other apps listen to without the core importing them (imports point from the apps to the core).

Both are sent inside the sharing action's transaction, so what receivers write commits or rolls back
with the share itself.
"""

from django.dispatch import Signal

# sender=Subject; kwargs: subject, partner, member (who shared or unshared it)
subject_shared = Signal()
subject_unshared = Signal()
