from django.urls import path

from . import views

app_name = "subjects"
urlpatterns = [
    path("s/<int:subject_id>/", views.subject_page, name="subject"),
    path("s/<int:subject_id>/sharing/", views.sharing, name="sharing"),
]
