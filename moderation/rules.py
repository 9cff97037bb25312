import rules
from rules import is_authenticated

from actors.rules import is_moderator, is_partner_organization

# Partners are not moderated content: their records belong to the platform.
rules.add_perm("moderation.report", is_authenticated & ~is_partner_organization)
rules.add_perm("moderation.moderate", is_moderator & ~is_partner_organization)
