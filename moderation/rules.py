import rules
from rules import is_authenticated

from actors.rules import is_moderator

rules.add_perm("moderation.report", is_authenticated)
rules.add_perm("moderation.moderate", is_moderator)
