"""The home page's key figures: communes engaged, local groups, campaigns (three counts)."""

from actors.models import Organization
from campaigns.models import Campaign
from commitments.models import Declaration, MandateCommitment


def home_figures() -> dict[str, int]:
    """How many communes are engaged (a commitment for the mandate on the platform, or a
    confirmed declaration of one made elsewhere), how many local groups are public, and how
    many campaigns there are."""
    mandate = MandateCommitment.objects.filter(commitment__withdrawn_at__isnull=True).values("commune")
    declared = Declaration.objects.filter(status=Declaration.Status.CONFIRMED).values("commune")
    return {
        # A UNION drops the duplicates: each commune once, read from the two small tables.
        "communes": mandate.order_by().union(declared.order_by()).count(),
        "groups": Organization.objects.public().filter(kind=Organization.Kind.LOCAL_GROUP).count(),
        "campaigns": Campaign.objects.count(),
    }
