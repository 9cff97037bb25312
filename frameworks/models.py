"""Frameworks of commitment (référentiels): the Pacte, the charters… as versioned data.

A framework is identified by its slug and version. Loading a new version creates new
rows and leaves older versions (and the commitments signed on them) untouched.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import tracked_history

# The theme taxonomy shared by every app (frameworks, practices, welcome map…). The rows
# are created by a data migration; their labels are translated here.
THEMES = {
    "access_to_rights": _("access to rights"),
    "first_welcome": _("first welcome"),
    "shelter_housing": _("shelter and housing"),
    "health": _("health"),
    "language_learning": _("language learning"),
    "schooling_children": _("schooling and children"),
    "training_employment": _("training and employment"),
    "social_links_culture": _("social links and culture"),
    "participation_citizenship": _("participation and citizenship"),
    "anti_discrimination_awareness": _("fight against discrimination and awareness"),
    "food": _("food aid"),
    "mobility": _("mobility"),
    # The transition themes of the Pacte (housing, participation, employment and mobility
    # are the welcome themes above).
    "energy_climate": _("energy, climate and buildings"),
    "food_agriculture": _("food and agriculture"),
    "biodiversity_water": _("biodiversity, water and soils"),
    "waste_sobriety": _("waste and sobriety"),
    "economy_finance": _("economy, public purchasing and finance"),
    "digital": _("digital"),
    "solidarity": _("solidarity and inclusion"),
}

# Named groupings of themes. The first two split the taxonomy for theme filters; the
# others are lenses that later pages (diagnostics, welcome map) use.
THEME_GROUPS = {
    "welcome": (
        _("Welcome"),
        (
            "access_to_rights",
            "first_welcome",
            "shelter_housing",
            "health",
            "language_learning",
            "schooling_children",
            "training_employment",
            "social_links_culture",
            "participation_citizenship",
            "anti_discrimination_awareness",
            "food",
            "mobility",
        ),
    ),
    "transition": (
        _("Transition"),
        (
            "energy_climate",
            "food_agriculture",
            "biodiversity_water",
            "waste_sobriety",
            "economy_finance",
            "digital",
            "solidarity",
        ),
    ),
    "anvita_dimensions": (
        _("The six dimensions of a welcoming territory (ANVITA)"),
        (
            "access_to_rights",
            "shelter_housing",
            "health",
            "language_learning",
            "training_employment",
            "social_links_culture",
        ),
    ),
}
FILTER_GROUPS = ("welcome", "transition")


def theme_group(code):
    """The codes and label of a named grouping of themes."""
    label, codes = THEME_GROUPS[code]
    return {"code": code, "label": label, "themes": [(theme, THEMES[theme]) for theme in codes]}


class Theme(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["position", "name"]

    def __str__(self):
        return str(self.label)

    @property
    def label(self):
        return THEMES.get(self.code, self.name)


class FrameworkQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)


class Framework(models.Model):
    slug = models.SlugField(_("identifier"), max_length=80)
    version = models.CharField(_("version"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    short_title = models.CharField(_("short title"), max_length=40)
    publisher = models.ForeignKey(
        "actors.Organization",
        on_delete=models.PROTECT,
        related_name="frameworks",
        verbose_name=_("publisher"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    source_url = models.URLField(_("official text"), max_length=500)
    description = models.TextField(_("description"))
    is_complete = models.BooleanField(
        _("complete"),
        default=True,
        help_text=_("False when the platform holds only part of the official text's items."),
    )
    missing_codes = models.CharField(_("items not yet on the platform"), max_length=500, blank=True)
    is_current = models.BooleanField(_("current version"), default=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="local_versions",
        verbose_name=_("local version of"),
        help_text=_("The national framework version that this local version adapts."),
    )
    published_online_at = models.DateTimeField(_("published online on"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    content_hash = models.CharField(max_length=64, editable=False)
    loaded_at = models.DateTimeField(_("loaded on"), auto_now=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["title", "-year"]
        constraints = [models.UniqueConstraint(fields=["slug", "version"], name="unique_framework_version")]
        indexes = [models.Index(fields=["slug", "is_current"], name="framework_current")]

    def __str__(self):
        return f"{self.title} ({self.version})"

    def get_absolute_url(self):
        if self.is_current:
            return reverse("frameworks:framework", args=[self.slug])
        return reverse("frameworks:framework_version", args=[self.slug, self.version])

    @property
    def missing(self):
        return [code for code in self.missing_codes.split(",") if code]

    @property
    def is_local(self):
        return self.parent_id is not None


class Section(models.Model):
    class Kind(models.TextChoices):
        PRINCIPLE = "principle", _("principle")
        CHAPTER = "chapter", _("chapter")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("code"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="unique_section_code")]

    def __str__(self):
        return self.title


class Item(models.Model):
    class Confidence(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        SINGLE_SOURCE = "single_source", _("single source")
        INFERRED = "inferred", _("inferred")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"))
    themes = models.ManyToManyField(Theme, blank=True, related_name="items", verbose_name=_("themes"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    confidence = models.CharField(
        _("confidence"), max_length=15, choices=Confidence.choices, default=Confidence.CONFIRMED
    )
    sources = models.JSONField(_("sources"), default=list, blank=True)
    national_items = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="local_items",
        verbose_name=_("national items it stands for"),
    )

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="unique_item_code")]

    def __str__(self):
        return f"{self.code}. {self.title}"

    def get_absolute_url(self):
        framework = self.framework
        if framework.is_current:
            return reverse("frameworks:item", args=[framework.slug, self.code])
        return reverse("frameworks:item_version", args=[framework.slug, framework.version, self.code])

    @property
    def to_confirm(self):
        return self.confidence != self.Confidence.CONFIRMED


class Level(models.Model):
    """An ambition level a signatory may choose for an item."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="levels")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("ambition level")
        verbose_name_plural = _("ambition levels")
        ordering = ["item", "position"]
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="unique_level_code")]

    def __str__(self):
        return self.title


class FrameworkDraft(models.Model):
    """The next version of a framework (or a new local version), edited in the browser.

    `data` has the very format of the files of frameworks/data/ and is checked by the
    same code as `load_frameworks`. `revision` grows with every save: a save made from
    an older revision is refused (no silent overwrite)."""

    slug = models.SlugField(_("identifier"), max_length=80)
    base = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="drafts", verbose_name=_("drafted from")
    )
    publisher = models.ForeignKey(
        "actors.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("publisher")
    )
    data = models.JSONField(_("content"))
    revision = models.PositiveIntegerField(_("revision"), default=1)
    change = models.CharField(_("change"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("last edited by"),
    )
    updated_at = models.DateTimeField(_("last edited on"), default=timezone.now)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    published_framework = models.ForeignKey(
        Framework, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = tracked_history()

    class Meta:
        verbose_name = _("framework draft")
        verbose_name_plural = _("framework drafts")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=models.Q(published_at__isnull=True), name="one_open_draft"
            )
        ]

    def __str__(self):
        return str(self.data.get("title") or self.slug)
