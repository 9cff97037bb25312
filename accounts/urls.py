from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("compte/profil/", views.profile, name="profile"),
    path("compte/mes-donnees/", views.my_data, name="my_data"),
    path("compte/mes-donnees/export.json", views.export, name="export"),
    path("compte/supprimer/", views.delete, name="delete"),
    path("confidentialite/", views.privacy, name="privacy"),
]
