from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path, re_path

from core.uploads import serve

from .api import api

# The admin: staff only, through allauth's login (so two-factor authentication applies).
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Hospitalité — administration"

# A database that cannot be reached gets a 503 page with Retry-After, not a 500 (core/errors.py).
handler500 = "core.errors.server_error"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("compte/", include("allauth.urls")),
    # Before core's /fichiers/: followup serves its evidence files (/fichiers/preuves/…) itself,
    # once it has checked that their update is visible.
    path("", include("followup.urls")),
    path("", include("coconstruction.urls")),
    re_path(r"^fichiers/(?P<path>[A-Za-z0-9_\-/]+\.(?:png|jpg|jpeg|webp|pdf))$", serve, name="uploaded_file"),
    path("", include("pages.urls")),
    path("", include("territories.urls")),
    path("", include("accounts.urls")),
    path("", include("actors.urls")),
    path("", include("frameworks.urls")),
    path("", include("moderation.urls")),
    path("", include("campaigns.urls")),
    path("", include("notifications.urls")),
]
