from django.http import Http404

from sopsocial.tenancy.models import Membership

from .models import Subject
from .selectors import visible_subjects


def access_subject(member: Membership, subject_id: int | str) -> Subject:
    """The subject if the member may see it; missing and not-yours are the same 404."""
    try:
        return visible_subjects(member).select_related("tenant").get(pk=subject_id)
    except (Subject.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
