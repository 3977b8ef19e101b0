"""Process pages under /t/<slug>/: each area (cycle calendar, tasks, My work, meetings and decisions,
people and teams) keeps its routes in its own block below."""

from django.urls import path  # noqa: F401  (each area's block adds its paths)

app_name = "process"
urlpatterns: list = []
