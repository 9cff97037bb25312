"""What bumps the cached pages (core/pagecache.py) when a commitment changes: the commune's
page, its campaign's pages (campaigns' Target, by attribute: no import upwards), and the
items' pages and home page figures ("framework-activity")."""

from core import pagecache


def commitment_scopes(commitment):
    target = commitment.target
    return [
        f"campaign:{target.campaign.slug}",
        *pagecache.commune_scopes(target.commune),
        "campaigns",
        pagecache.ACTIVITY,
    ]


def mandate_scopes(mandate):
    scopes = [*pagecache.commune_scopes(mandate.commune), pagecache.ACTIVITY]
    if mandate.campaign_id:
        scopes += [f"campaign:{mandate.campaign.slug}", "campaigns"]
    return scopes


def declaration_scopes(declaration):
    return [*pagecache.commune_scopes(declaration.commune), pagecache.ACTIVITY]


def register():
    from .models import Commitment, CommitmentItem, Declaration, DeclarationItem, MandateCommitment

    pagecache.register_model(Commitment, commitment_scopes)
    pagecache.register_model(CommitmentItem, lambda row: commitment_scopes(row.commitment))
    pagecache.register_model(MandateCommitment, mandate_scopes)
    pagecache.register_model(Declaration, declaration_scopes)
    pagecache.register_model(DeclarationItem, lambda row: declaration_scopes(row.declaration))
