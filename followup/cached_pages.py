"""What bumps the cached pages (core/pagecache.py) when the follow-up changes: an update or
an item's state shows on the commune's page and on the item's page ("framework-activity");
a barometer's rating also in the department's and region's aggregates."""

from core import pagecache


def commune_activity(row):
    return [*pagecache.commune_scopes(row.commune), pagecache.ACTIVITY]


def rating_scopes(rating):
    return [*pagecache.area_scopes(rating.commune), pagecache.ACTIVITY]


def register():
    from .models import Barometer, Evidence, ItemState, Rating, Update

    pagecache.register_model(Update, commune_activity)
    pagecache.register_model(ItemState, commune_activity)
    pagecache.register_model(Evidence, lambda evidence: commune_activity(evidence.update))
    pagecache.register_model(Rating, rating_scopes)
    pagecache.register_model(Barometer, lambda barometer: [pagecache.NATIONAL])
