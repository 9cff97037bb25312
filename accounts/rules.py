"""Who must do what with accounts."""

import rules

from core import mfa


@rules.predicate
def mfa_required(user):
    """Platform staff must use two-factor authentication, and so must the roles that the
    apps above register in core.mfa (actors: partner coordinators)."""
    return bool(user.is_authenticated and (user.is_staff or mfa.required_by_a_role(user)))


# A signed-in user manages their own account only (the views act on request.user).
rules.add_perm("accounts.change_own_account", rules.is_authenticated)
rules.add_perm("accounts.delete_own_account", rules.is_authenticated)
