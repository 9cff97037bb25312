from django.urls import include, path

from .views import calendars, committees, discussions, meetings, workgroups

app_name = "coconstruction"

urlpatterns = [
    path("", include(committees.urlpatterns)),
    path("", include(meetings.urlpatterns)),
    path("", include(calendars.urlpatterns)),
    path("", include(workgroups.urlpatterns)),
    path("", include(discussions.urlpatterns)),
]
