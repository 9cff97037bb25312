from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("signaler/<str:app_label>/<str:model>/<int:object_id>/", views.report, name="report"),
    path("moderation/", views.queue, name="queue"),
    path("moderation/<str:app_label>/<str:model>/<int:object_id>/", views.decide, name="decide"),
]
