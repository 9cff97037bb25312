"""Atom feeds of the published, visible updates: of a commune, of an item (in every
commune, with the local items that stand for it) and of a department. The latest
FEED_SIZE each, in one query (two for an item): entries are identified by their
permalink, dated by their publication, signed with their authors' public names, and
summarised by their text's sanitised Markdown (core.markdown)."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.markdown import render
from frameworks.models import Item
from territories.models import Commune, Department

from .events import authors, title
from .models import Update

FEED_SIZE = 50
# A commune's and its department's outlines are long texts a feed never shows.
HEAVY = (
    "commune__outline",
    "commune__town_hall_address",
    "commune__department__outline",
    "commune__department__bbox",
)


class UpdatesFeed(Feed):
    feed_type = Atom1Feed
    author_name = "Hospitalité"

    def updates(self, obj):
        raise NotImplementedError

    def items(self, obj):
        updates = (
            self.updates(obj)
            .public()
            .select_related(
                "commune__department",
                "item__framework",
                "created_by",
                "cosigned_by",
                "organization",
                "cosigner_organization",
            )
            .defer(*HEAVY)
            .order_by("-published_at", "-pk")
        )
        return list(updates[:FEED_SIZE])

    def language(self, obj):
        return get_language()

    def item_title(self, update):
        return f"{update.commune.display_name} ({update.commune.department.code}) — {title(update)}"

    def item_description(self, update):
        return render(update.text)

    def item_link(self, update):
        return update.get_absolute_url()

    def item_pubdate(self, update):
        return update.published_at

    def item_updateddate(self, update):
        return update.published_at

    def item_author_name(self, update):
        return authors(update)

    def item_categories(self, update):
        return [update.get_kind_display()]


class CommuneFeed(UpdatesFeed):
    def get_object(self, request, code):
        commune = (
            Commune.objects.select_related("department")
            .defer("outline", "town_hall_address", "department__outline", "department__bbox")
            .filter(code=code, is_active=True)
            .first()
        )
        if commune is None:
            raise Http404
        return commune

    def updates(self, commune):
        return Update.objects.filter(commune=commune)

    def title(self, commune):
        return _("Follow-up of the commitments of %(name)s (%(code)s)") % {
            "name": commune.display_name,
            "code": commune.department.code,
        }

    def subtitle(self, commune):
        return _("The updates of the municipality and of civil society, and their joint statements.")

    def link(self, commune):
        return reverse("followup:board", args=[commune.code])


class ItemFeed(UpdatesFeed):
    def get_object(self, request, item_id):
        item = Item.objects.select_related("framework").filter(pk=int(item_id)).first()
        if item is None:
            raise Http404
        return item

    def updates(self, item):
        local = list(item.local_items.values_list("pk", flat=True))
        return Update.objects.filter(item_id__in=[item.pk, *local])

    def title(self, item):
        return _("Follow-up of “%(item)s” in the communes") % {"item": f"{item.code}. {item.title}"}

    def subtitle(self, item):
        return item.framework.title

    def link(self, item):
        return item.get_absolute_url()


class DepartmentFeed(UpdatesFeed):
    def get_object(self, request, code):
        department = Department.objects.defer("outline", "bbox").filter(code=code.upper()).first()
        if department is None:
            raise Http404
        return department

    def updates(self, department):
        return Update.objects.filter(commune__department=department)

    def title(self, department):
        return _("Follow-up of the commitments in %(name)s (%(code)s)") % {
            "name": department.name,
            "code": department.code,
        }

    def subtitle(self, department):
        return _("The updates of the municipality and of civil society, and their joint statements.")

    def link(self, department):
        return department.get_absolute_url()
