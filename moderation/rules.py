import rules
from rules import is_authenticated

from actors.rules import is_moderator, is_partner_organization

from .services import is_own_content

# Partners are not moderated content: their records belong to the platform. Nobody
# reports their own content (what they wrote, the group they coordinate).
rules.add_perm(
    "moderation.report", is_authenticated & ~is_partner_organization & ~rules.predicate(is_own_content)
)
rules.add_perm("moderation.moderate", is_moderator & ~is_partner_organization)
