"""Onboarding by team: what a person who joins a team starts following."""

from django.db import models

from sopsocial.subjects.models import Subject
from sopsocial.tenancy.models import Team, Tenant


class TeamDefaultFollow(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="default_follows")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "subject"], name="team_default_follow_unique")]

    def __str__(self):
        return f"{self.team_id} follows {self.subject_id} by default"
