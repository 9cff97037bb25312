"""The frameworks' public pages kept by the page cache (core/pagecache.py). A framework's
texts show on many pages (campaigns, communes' commitments): any change bumps "national";
what communes committed to or posted on an item bumps "framework-activity" (the item pages'
panels, from the apps above)."""

from core import pagecache


def register():
    from .models import Framework, Item, Level, Section, Theme

    pagecache.register_page("frameworks:frameworks")
    for name in ("framework", "framework_version", "item", "item_version"):
        pagecache.register_page(f"frameworks:{name}", lambda kwargs: [pagecache.ACTIVITY])
    for model in (Theme, Framework, Section, Item, Level):
        pagecache.register_model(model, lambda instance: [pagecache.NATIONAL])
