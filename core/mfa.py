"""Who must use two-factor authentication, whatever app gives them their role.

accounts enforces it (accounts.middleware) for platform staff; an upper app whose role
gives more rights adds its own predicate from its AppConfig.ready(), so that accounts
never imports it:

    mfa.require_for(is_partner_coordinator)     # actors/apps.py

    mfa.required_by_a_role(user)                # accounts/rules.py
"""

_REQUIREMENTS = []


def require_for(predicate):
    """`predicate(user)` is true for the users whose role requires two-factor authentication."""
    if predicate not in _REQUIREMENTS:
        _REQUIREMENTS.append(predicate)


def required_by_a_role(user):
    return any(predicate(user) for predicate in _REQUIREMENTS)
