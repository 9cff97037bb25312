from allauth.account.adapter import DefaultAccountAdapter

from core.emails import email_message_enqueue


class AccountAdapter(DefaultAccountAdapter):
    """allauth's emails go through the task queue, like all of ours."""

    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        email_message_enqueue(message)
