"""Calendar feeds (iCalendar, RFC 5545) and the page of a person's private calendar link.

- `/communes/<code>/comite/agenda.ics`: the public meetings of the commune's committee and
  of its public working groups (cached for anonymous visitors, core/pagecache.py);
- `/agenda/<token>.ics`: a person's meetings (queries.calendars.person_meetings);
- `/agenda/<token>/comite/<code>.ics`: a committee's meetings that the link's owner may see;
- `/compte/agenda/`: the person's links: created (and shown once: only the token's hash
  is stored), replaced, or deleted.

A feed answers with an ETag (its content's hash) and 304 when the calendar app has it
already (If-None-Match); an unknown or revoked token is a 404. No Last-Modified: a feed
also changes when meetings leave it (a person leaves a committee, a meeting turns members
only) without any date moving, and If-Modified-Since would then answer 304 wrongly."""

import hashlib
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path, reverse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.permissions import require, site_url
from territories.models import Commune

from ..models import CalendarToken, Committee
from ..queries import calendars as queries
from ..services import calendars as services

TOKEN = r"(?P<token>[A-Za-z0-9_-]{20,100})"


def _committee_of(code):
    commune = get_object_or_404(Commune.objects.only("pk", "code", "name", "name_type"), code=code)
    committee = Committee.objects.filter(commune=commune).select_related("commune__department").first()
    if committee is None:
        raise Http404
    return committee


def committee_name(committee):
    commune = committee.commune
    return _("Follow-up committee — %(commune)s") % {
        "commune": f"{commune.display_name} ({commune.department.code})"
    }


def feed_response(request, meetings, *, name, private):
    body = services.feed_bytes(meetings, name=name, site_url=site_url(request))
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    response["X-Robots-Tag"] = "noindex"
    # A private feed stays out of shared caches and of the page cache.
    response["Cache-Control"] = "private, no-cache" if private else "public, max-age=300"
    return get_conditional_response(request, etag=etag, response=response)


@require_GET
def commune_feed(request, code):
    committee = _committee_of(code)
    return feed_response(
        request, queries.commune_meetings(committee.commune), name=committee_name(committee), private=False
    )


def _owner(token):
    owner = services.link_owner(token)
    if owner is None:
        raise Http404
    return owner


@require_GET
def person_feed(request, token):
    owner = _owner(token)
    name = _("My meetings — %(site)s") % {"site": settings.SITE_NAME}
    return feed_response(request, queries.person_meetings(owner), name=name, private=True)


@require_GET
def committee_feed(request, token, code):
    owner = _owner(token)
    committee = _committee_of(code)
    meetings = queries.committee_meetings(committee, owner)
    return feed_response(request, meetings, name=committee_name(committee), private=True)


# The person's links -----------------------------------------------------------------------------


def webcal(url):
    """The same address as webcal://, which calendar apps open as a subscription."""
    parts = urlsplit(url)
    return urlunsplit(("webcal", *parts[1:]))


def links(request, token, committees):
    """The private addresses a new token gives: the person's feed and their committees'."""
    site = site_url(request)
    personal = site + reverse("coconstruction:calendar_person", args=[token])
    feeds = []
    for committee in committees:
        url = site + reverse("coconstruction:calendar_committee", args=[token, committee.commune.code])
        feeds.append({"name": committee_name(committee), "url": url, "webcal": webcal(url)})
    return {"personal": personal, "personal_webcal": webcal(personal), "committees": feeds}


def public_feeds(request, committees):
    site = site_url(request)
    return [
        {
            "name": committee_name(committee),
            "url": site + reverse("coconstruction:calendar_commune", args=[committee.commune.code]),
        }
        for committee in committees
    ]


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    """The page of the person's private calendar link; POST "create" (a new link, replacing
    any other: shown on the answer, once) or "revoke"."""
    require(request, "coconstruction.manage_calendar_link")
    context = {"new_links": None}
    committees = queries.person_committees(request.user)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            if services.link_revoke(request.user):
                messages.success(request, _("Your private calendar link is deleted: it no longer works."))
            return redirect("coconstruction:calendar_settings")
        if action != "create":
            return redirect("coconstruction:calendar_settings")
        token = services.link_create(request.user)
        context["new_links"] = links(request, token, committees)
    context["link"] = CalendarToken.objects.filter(user=request.user).first()
    context["public_feeds"] = public_feeds(request, committees)
    response = render(request, "coconstruction/calendars/settings.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("communes/<str:code>/comite/agenda.ics", commune_feed, name="calendar_commune"),
    re_path(rf"^agenda/{TOKEN}\.ics$", person_feed, name="calendar_person"),
    re_path(
        rf"^agenda/{TOKEN}/comite/(?P<code>[0-9A-Za-z]{{1,9}})\.ics$",
        committee_feed,
        name="calendar_committee",
    ),
    path("compte/agenda/", calendar_settings, name="calendar_settings"),
]
