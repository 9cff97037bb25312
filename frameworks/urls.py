from django.urls import path, re_path

from . import views

app_name = "frameworks"

CODE = r"(?P<code>[A-Za-z0-9._-]{1,20})"
VERSION = r"(?P<version>[A-Za-z0-9._-]{1,20})"

urlpatterns = [
    path("referentiels/", views.framework_list, name="frameworks"),
    path("referentiels/<slug:slug>/", views.framework_detail, name="framework"),
    re_path(rf"^referentiels/(?P<slug>[-\w]+)/engagements/{CODE}/$", views.item_detail, name="item"),
    re_path(
        rf"^referentiels/(?P<slug>[-\w]+)/versions/{VERSION}/$",
        views.framework_detail,
        name="framework_version",
    ),
    re_path(
        rf"^referentiels/(?P<slug>[-\w]+)/versions/{VERSION}/engagements/{CODE}/$",
        views.item_detail,
        name="item_version",
    ),
]
