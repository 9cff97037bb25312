"""Who may follow: anyone with an account (the targets themselves are public: an active
commune, an item, a validated and visible local group)."""

import rules
from rules import is_authenticated

rules.add_perm("notifications.follow", is_authenticated)
rules.add_perm("notifications.manage_subscriptions", is_authenticated)
