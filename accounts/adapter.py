from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model
from django.utils import translation

from core.emails import email_message_enqueue


class AccountAdapter(DefaultAccountAdapter):
    """allauth's emails go through the task queue, like all of ours, in the
    recipient's language when they have an account."""

    def send_mail(self, template_prefix, email, context):
        user = context.get("user") or get_user_model().objects.filter(email__iexact=email).first()
        language = getattr(user, "language", None) or translation.get_language()
        with translation.override(language):
            message = self.render_mail(template_prefix, email, context)
        email_message_enqueue(message)
