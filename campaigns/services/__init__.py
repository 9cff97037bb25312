"""Writes of campaigns: campaigns, targets, lists, the interpellation log, letters,
signature invitations, signed commitments, withdrawals, refusals and election results.

Each function checks what it must, writes in one transaction, and either returns its
result or raises CampaignsError with a message for people. The modules of this package
hold one sub-domain each; callers use this package (`from campaigns import services`,
then `services.campaign_create(...)`).
"""

from commitments.services import withdraw_get

from .bulletins import (
    adopted_on_check,
    commitment_withdraw,
    deliberation_record,
    paper_record,
    sign_online,
)
from .campaigns import (
    campaign_create,
    campaign_update,
    default_letter_text,
    target_refresh,
    target_take_on,
    user_groups,
)
from .common import CampaignsError
from .imports import import_job_check, import_job_queue, import_job_run
from .invitations import invitation_cancel, invitation_get, invitation_send, kit_frameworks, kit_send
from .letters import letter_check, letter_context, letter_pdf, letter_settings_save, letter_text
from .lists import list_add, list_delete, list_update, mark_elected
from .refusals import decline_online
from .steps import public_reason_clean, step_add, step_delete, step_update

__all__ = [
    "CampaignsError",
    "adopted_on_check",
    "campaign_create",
    "campaign_update",
    "commitment_withdraw",
    "decline_online",
    "default_letter_text",
    "deliberation_record",
    "import_job_check",
    "import_job_queue",
    "import_job_run",
    "invitation_cancel",
    "invitation_get",
    "invitation_send",
    "kit_frameworks",
    "kit_send",
    "letter_check",
    "letter_context",
    "letter_pdf",
    "letter_settings_save",
    "letter_text",
    "list_add",
    "list_delete",
    "list_update",
    "mark_elected",
    "paper_record",
    "public_reason_clean",
    "sign_online",
    "step_add",
    "step_delete",
    "step_update",
    "target_refresh",
    "target_take_on",
    "user_groups",
    "withdraw_get",  # commitments.services'
]
