"""The campaign's letter: its template checked, and its text for a recipient."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..models import LETTER_FIELDS
from .common import CampaignsError

if TYPE_CHECKING:
    from frameworks.models import Framework

    from ..models import CandidateList, Target

FIELD_PATTERN = re.compile(r"\{([a-z_]+)\}")


def letter_check(template: str) -> None:
    unknown = sorted({name for name in FIELD_PATTERN.findall(template) if name not in LETTER_FIELDS})
    if unknown:
        raise CampaignsError(
            _("Unknown fields in the letter template: %(fields)s. Known fields: %(known)s.")
            % {
                "fields": ", ".join("{%s}" % name for name in unknown),
                "known": ", ".join("{%s}" % name for name in LETTER_FIELDS),
            }
        )


def letter_text(
    *, target: Target, framework: Framework, candidate_list: CandidateList | None = None, site_url: str = ""
) -> str:
    """The campaign's letter for a list (or the municipality), fields replaced."""
    commune = target.commune
    if candidate_list is not None:
        recipient = _("%(head)s, head of the list “%(list)s”") % {
            "head": candidate_list.head_name,
            "list": candidate_list.name,
        }
    else:
        recipient = _("Madam Mayor or Sir Mayor of %(commune)s") % {"commune": commune.display_name}
    values = {
        "commune": commune.display_name,
        "adresse_mairie": commune.town_hall_address
        or _("Town hall of %(commune)s") % {"commune": commune.display_name},
        "destinataire": recipient,
        "liste": candidate_list.name if candidate_list else "",
        "groupe": target.group.name if target.group else _("the organisers of the campaign"),
        "campagne": target.campaign.title,
        "referentiel": framework.title,
        "resume": framework.description,
        "lien_referentiel": site_url + framework.get_absolute_url(),
        "date": formats.date_format(timezone.localdate(), "DATE_FORMAT"),
    }
    return FIELD_PATTERN.sub(
        lambda match: str(values.get(match.group(1), match.group(0))), target.campaign.letter_template
    )
