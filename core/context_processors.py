from django.conf import settings


def site(request):
    return {"site_name": settings.SITE_NAME, "map_tile_url": settings.MAP_TILE_URL}
