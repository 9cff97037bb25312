"""User accounts: an email address, a public name, a language. Nothing more."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.concurrency import version_field


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("public name"),
        max_length=80,
        blank=True,
        help_text=_("Shown next to your contributions. Leave empty to show “Membre”."),
    )
    language = models.CharField(
        _("language of emails"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_staff = models.BooleanField(_("platform staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined on"), default=timezone.now)
    version = version_field()  # of the profile's form

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.public_name

    @property
    def public_name(self):
        return self.display_name or str(_("Member"))

    def get_full_name(self):
        return self.public_name

    def get_short_name(self):
        return self.public_name


def public_name(user):
    """How a contributor is shown; "compte supprimé" once the account is gone."""
    if user is None:
        return str(_("deleted account"))
    return user.public_name


def user_display(user):
    """How allauth names a user in its messages: their public name, else their email."""
    return user.display_name or user.email
