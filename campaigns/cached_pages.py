"""The campaigns' public pages kept by the page cache (core/pagecache.py), and what bumps
them: a commune in a campaign (its target, lists, interpellation log, invitations) shows on
the campaign's page and map, on the commune's page and in the campaigns' list; the
campaign itself (its name, slug, frameworks, organisers) shows on the pages of all its
communes: "national"."""

from core import pagecache


def target_scopes(target):
    return [f"campaign:{target.campaign.slug}", *pagecache.commune_scopes(target.commune), "campaigns"]


def campaign_scopes(kwargs):
    return [f"campaign:{kwargs['slug']}"]


def register():
    from .models import Campaign, CandidateList, SignatureInvitation, Step, Target

    pagecache.register_page("campaigns:campaigns", lambda kwargs: ["campaigns"])
    pagecache.register_page("campaigns:campaign", campaign_scopes)
    pagecache.register_page("campaigns:map_data", campaign_scopes)
    pagecache.register_model(Campaign, lambda campaign: [pagecache.NATIONAL])
    pagecache.register_model(Target, target_scopes)
    for model in (CandidateList, Step, SignatureInvitation):
        pagecache.register_model(model, lambda instance: target_scopes(instance.target))
