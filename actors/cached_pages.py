"""What bumps the cached pages (core/pagecache.py) when organisations change: a group's
name shows on communes', campaigns' and items' pages ("national"); a verified municipal
contact on its commune's page."""

from core import pagecache


def register():
    from .models import MunicipalContact, Organization

    pagecache.register_model(Organization, lambda organization: [pagecache.NATIONAL])
    pagecache.register_model(MunicipalContact, lambda contact: pagecache.commune_scopes(contact.commune))
