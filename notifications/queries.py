"""Reads of following, each in one query: a person's subscriptions (their page), whether
they follow a target (the follow buttons of the commune, item and group pages)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from .models import Subscription
from .services import Target, is_followable, target_field

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User

# What the button's URL calls each kind of target, and how it names one.
URL_KINDS = {"commune": "commune", "item": "engagement", "organization": "groupe"}


def subscriptions_of(user: User) -> dict[str, list[Subscription]]:
    """The person's subscriptions by kind ("commune", "item", "organization"), each sorted by name."""
    rows = (
        Subscription.objects.filter(user=user)
        .select_related("commune__department", "item__framework", "organization")
        .defer(
            "commune__outline",
            "commune__town_hall_address",
            "commune__department__outline",
            "commune__department__bbox",
        )
    )
    by_kind: dict[str, list[Subscription]] = {kind: [] for kind in Subscription.TARGETS}
    for row in rows:
        row.url_kind, row.key = URL_KINDS[row.kind], target_key(row.target)  # for its unfollow button
        by_kind[row.kind].append(row)
    by_kind["commune"].sort(key=lambda row: (row.commune.name, row.commune.code))
    by_kind["item"].sort(key=lambda row: (row.item.framework.title, row.item.position, row.item_id))
    by_kind["organization"].sort(key=lambda row: row.organization.name.lower())
    return by_kind


def target_key(target: Target) -> str:
    """How the follow URLs name a target: a commune's INSEE code, an item's id, a group's slug."""
    field = target_field(target)
    if field == "commune":
        return target.code
    if field == "organization":
        return target.slug
    return str(target.pk)


def follow_panel(target: Target, request: HttpRequest) -> dict | None:
    """The follow button of a page: follow or stop following (signed in), or sign in first."""
    if not is_followable(target):
        return None
    field = target_field(target)
    user = request.user
    following = user.is_authenticated and Subscription.objects.filter(user=user, **{field: target}).exists()
    return {
        "kind": field,
        "url_kind": URL_KINDS[field],
        "key": target_key(target),
        "following": following,
        "signed_in": user.is_authenticated,
        "next": request.get_full_path(),
        "login_url": redirect_to_login(request.get_full_path()).url,
        "subscriptions_url": reverse("notifications:subscriptions"),
    }
