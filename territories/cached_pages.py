"""The territories' pages kept by the page cache (core/pagecache.py), and what bumps them.

Territories change only through the official-data import (one transaction that ends with an
ImportRun, which bumps "national") and the admin: every write bumps "national".
"""

from core import pagecache


def commune_scopes(kwargs):
    return [f"commune:{kwargs['code']}"]


def department_scopes(kwargs):
    return [f"department:{kwargs['code'].upper()}"]


def region_scopes(kwargs):
    return [f"region:{kwargs['code']}"]


def register():
    from .models import Commune, CommuneWord, Department, Epci, ImportRun, PostalCode, Region

    pagecache.register_page("territories:commune", commune_scopes)
    pagecache.register_page("territories:department", department_scopes)
    pagecache.register_page("territories:department_communes", department_scopes)
    pagecache.register_page("territories:region", region_scopes)
    for name in ("regions", "search", "map", "department_outlines", "region_outlines", "sources"):
        pagecache.register_page(f"territories:{name}")
    # The public API's search and commune (JSON), per query.
    pagecache.register_page("api:communes_search")
    pagecache.register_page("api:commune_detail")
    for model in (Region, Department, Epci, Commune, CommuneWord, PostalCode, ImportRun):
        pagecache.register_model(model, lambda instance: [pagecache.NATIONAL])
