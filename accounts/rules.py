"""Who must do what with accounts."""

import rules

from actors.rules import is_partner_coordinator


@rules.predicate
def mfa_required(user):
    """Platform staff and partner coordinators must use two-factor authentication."""
    return bool(user.is_authenticated and (user.is_staff or is_partner_coordinator(user)))
