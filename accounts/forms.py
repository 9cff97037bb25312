from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "language"]


class SignupForm(forms.Form):
    """What allauth's sign-up form asks on top of the email and password: the name people
    will see (invitations, validation queues and history name people, never "Membre")."""

    display_name = User._meta.get_field("display_name").formfield(
        required=True,
        label=_("Your name"),
        help_text=_(
            "Your first and last name, or the name you are known by in your group. Shown to the people you work with."
        ),
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password, to confirm"), widget=forms.PasswordInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This password is not right."))
        return password
