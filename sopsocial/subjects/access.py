from django.http import Http404

from .models import Subject
from .selectors import visible_subjects


def access_subject(member, subject_id):
    """The subject if the member may see it; missing and not-yours are the same 404."""
    try:
        return visible_subjects(member).select_related("tenant").get(pk=subject_id)
    except (Subject.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
