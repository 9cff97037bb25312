from django.urls import path, re_path

from . import views

app_name = "territories"

DEPARTMENT = r"(?P<code>(?:\d{2,3}|2[abAB]))"

urlpatterns = [
    re_path(r"^communes/(?P<code>[0-9][0-9AB][0-9]{3})/$", views.commune_detail, name="commune"),
    re_path(rf"^departements/{DEPARTMENT}/$", views.department_detail, name="department"),
    re_path(
        rf"^departements/{DEPARTMENT}/communes\.geojson$",
        views.department_communes,
        name="department_communes",
    ),
    re_path(r"^regions/(?P<code>\d{2})/$", views.region_detail, name="region"),
    path("regions/", views.region_list, name="regions"),
    path("recherche/", views.search, name="search"),
    path("carte/", views.national_map, name="map"),
    path("carte/departements.geojson", views.department_outlines, name="department_outlines"),
    path("carte/regions.geojson", views.region_outlines, name="region_outlines"),
    path("sources/", views.sources, name="sources"),
]
