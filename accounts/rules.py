"""Who must do what with accounts."""

import rules

from actors.rules import is_partner_coordinator


@rules.predicate
def mfa_required(user):
    """Platform staff and partner coordinators must use two-factor authentication."""
    return bool(user.is_authenticated and (user.is_staff or is_partner_coordinator(user)))


# A signed-in user manages their own account only (the views act on request.user).
rules.add_perm("accounts.change_own_account", rules.is_authenticated)
rules.add_perm("accounts.delete_own_account", rules.is_authenticated)
