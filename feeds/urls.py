from django.urls import path

from . import push_views, views

app_name = "feeds"
urlpatterns = [
    path("", views.home, name="home"),
    path("feed/since/", views.since, name="since"),
    path("feed/read/", views.mark_read, name="mark_read"),
    path("feed/badges/", views.badges, name="badges"),
    path("following/", views.following, name="following"),
    path("s/<int:subject_id>/feed/", views.subject_feed, name="subject_feed"),
    path("s/<int:subject_id>/post/", views.post_create, name="post_create"),
    path("s/<int:subject_id>/follow/", views.follow, name="follow"),
    path("s/<int:subject_id>/unfollow/", views.unfollow, name="unfollow"),
    path("s/<int:subject_id>/followers/", views.followers, name="followers"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("posts/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:post_id>/delete/", views.post_delete, name="post_delete"),
    path("posts/<int:post_id>/history/", views.post_history, name="post_history"),
    path("posts/<int:post_id>/comments/", views.comment_create, name="comment_create"),
    path("posts/<int:post_id>/react/", views.react, name="react"),
    path("posts/<int:post_id>/forward/", views.forward, name="forward"),
    path("files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("files/<int:attachment_id>/thumb/", views.attachment_thumb, name="attachment_thumb"),
    path("suggest/people/", views.mention_suggest, name="mention_suggest"),
    path("suggest/subjects/", views.subject_suggest, name="subject_suggest"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/settings/", views.preferences, name="preferences"),
    path("notifications/push/subscribe/", push_views.push_subscribe, name="push_subscribe"),
    path("notifications/push/unsubscribe/", push_views.push_unsubscribe, name="push_unsubscribe"),
    path("search/", views.search, name="search"),
]
