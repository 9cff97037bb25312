from django.conf import settings


def site(request):
    return {"site_name": "Hospitalité", "map_tile_url": settings.MAP_TILE_URL}
