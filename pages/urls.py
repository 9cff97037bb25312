from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("compte/", views.my_space, name="my_space"),
    path("compte/ma-commune/", views.my_commune, name="my_commune"),
]
