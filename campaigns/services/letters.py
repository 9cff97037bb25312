"""The campaign's letter: its template checked, its text for a recipient, and the letter kit
(one letter per list covering every framework of the campaign, with its sender block, the
group's local paragraph, the bulletins to sign and, when it is emailed, the signature links
with their QR codes) as a page or as one PDF."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from core.concurrency import claim
from core.templatetags.dates import long_date

from ..models import LETTER_FIELDS
from .common import CampaignsError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from frameworks.models import Framework

    from ..models import CandidateList, Target

FIELD_PATTERN = re.compile(r"\{([a-z_]+)\}")
LOCAL_PARAGRAPH = "paragraphe_local"


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


def recipient_of(target: Target, candidate_list: CandidateList | None) -> str:
    if candidate_list is not None:
        return _("%(head)s, head of the list “%(list)s”") % {
            "head": candidate_list.head_name,
            "list": candidate_list.name,
        }
    return _("Madam Mayor or Sir Mayor of %(commune)s") % {"commune": target.commune.display_name}


def _frameworks_values(frameworks: list[Framework], site_url: str) -> dict[str, str]:
    """{referentiel}, {resume} and {lien_referentiel} for one framework or several."""
    if len(frameworks) == 1:
        [framework] = frameworks
        return {
            "referentiel": framework.title,
            "resume": framework.description,
            "lien_referentiel": site_url + framework.get_absolute_url(),
        }
    return {
        "referentiel": str(get_text_list([framework.title for framework in frameworks], _("and"))),
        "resume": "\n\n".join(f"{framework.title} : {framework.description}" for framework in frameworks),
        "lien_referentiel": "\n"
        + "\n".join(
            f"{framework.title} : {site_url}{framework.get_absolute_url()}" for framework in frameworks
        ),
    }


def _with_local_paragraph(template: str) -> str:
    """A template written without {paragraphe_local}: the group's paragraph comes before its
    last paragraph (the signature, as a letter ends)."""
    if "{%s}" % LOCAL_PARAGRAPH in template:
        return template
    paragraphs = template.rstrip().split("\n\n")
    if len(paragraphs) < 2:
        return template.rstrip() + "\n\n{%s}" % LOCAL_PARAGRAPH
    return "\n\n".join([*paragraphs[:-1], "{%s}" % LOCAL_PARAGRAPH, paragraphs[-1]])


def letter_text(
    *,
    target: Target,
    framework: Framework | None = None,
    frameworks: Iterable[Framework] | None = None,
    candidate_list: CandidateList | None = None,
    site_url: str = "",
) -> str:
    """The campaign's letter for a list (or the municipality), fields replaced: about every
    framework of the campaign unless `framework` (or `frameworks`) says which."""
    if frameworks is None:
        frameworks = [framework] if framework is not None else target.campaign.frameworks.order_by("title")
    commune = target.commune
    values = {
        "commune": commune.display_name,
        "adresse_mairie": commune.town_hall_address
        or _("Town hall of %(commune)s") % {"commune": commune.display_name},
        "destinataire": recipient_of(target, candidate_list),
        "liste": candidate_list.name if candidate_list else "",
        "groupe": target.group.name if target.group else _("the organisers of the campaign"),
        "campagne": target.campaign.title,
        "date": long_date(timezone.localdate()),
        LOCAL_PARAGRAPH: target.letter_paragraph.strip(),
        **_frameworks_values(list(frameworks), site_url),
    }
    text = FIELD_PATTERN.sub(
        lambda match: str(values.get(match.group(1), match.group(0))),
        _with_local_paragraph(target.campaign.letter_template),
    )
    # An empty field (no local paragraph) leaves no empty paragraph behind.
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text).strip()


@transaction.atomic
@transaction.atomic
def letter_settings_save(
    *,
    target: Target,
    letter_paragraph: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    version: int | None = None,
) -> Target:
    """The group's paragraph and contact for this commune's letters (and the Reply-To of the
    emails to its lists), unless they changed since `version` (ConcurrentEdit); the history
    keeps what they were."""
    claim(target, version)
    values = {
        "letter_paragraph": letter_paragraph.strip(),
        "contact_name": " ".join(contact_name.split()),
        "contact_email": contact_email.strip(),
        "contact_phone": " ".join(contact_phone.split()),
    }
    changed = [name for name, value in values.items() if getattr(target, name) != value]
    if changed:
        for name in changed:
            setattr(target, name, values[name])
        target.save(update_fields=changed)
    return target


def letter_paragraphs(text: str) -> list[str]:
    return [paragraph.strip("\n") for paragraph in text.split("\n\n") if paragraph.strip()]


def qr_svg(url: str) -> str:
    """The QR code of a link, as an inline SVG element (drawn by WeasyPrint and browsers)."""
    import segno

    svg = segno.make(url, error="m").svg_inline(
        scale=1, border=2, omitsize=True, svgclass="qr", title=_("QR code of the signature link")
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)


@dataclass
class Bulletin:
    """A bulletin to sign, attached to the letter: a framework, its items and levels, and the
    signature link of this list (with its QR code) when the letter is emailed."""

    framework: Framework
    sections: list = field(default_factory=list)
    url: str = ""
    qr: str = ""


def _bulletins(frameworks: list[Framework], links: dict[int, str]) -> list[Bulletin]:
    from frameworks.models import Item

    items = (
        Item.objects.filter(framework__in=frameworks)
        .select_related("section")
        .prefetch_related("levels")
        .order_by("framework_id", "position")
    )
    by_framework: dict[int, dict] = {framework.pk: {} for framework in frameworks}
    for item in items:
        by_framework[item.framework_id].setdefault(item.section, []).append(item)
    bulletins = []
    for framework in frameworks:
        url = links.get(framework.pk, "")
        bulletins.append(
            Bulletin(
                framework=framework,
                sections=list(by_framework[framework.pk].items()),
                url=url,
                qr=qr_svg(url) if url else "",
            )
        )
    return bulletins


def letter_context(
    *,
    target: Target,
    candidate_list: CandidateList | None = None,
    site_url: str = "",
    links: dict[int, str] | None = None,
) -> dict:
    """What the letter's page and PDF show: the addressee, the sender block, the place and
    date, the text, and the bulletins to sign (with the signature links, by framework pk)."""
    frameworks = list(target.campaign.frameworks.order_by("title"))
    text = letter_text(target=target, frameworks=frameworks, candidate_list=candidate_list, site_url=site_url)
    return {
        "target": target,
        "campaign": target.campaign,
        "commune": target.commune,
        "candidate_list": candidate_list,
        "frameworks": frameworks,
        "today": timezone.localdate(),
        "paragraphs": letter_paragraphs(text),
        "bulletins": _bulletins(frameworks, links or {}),
        "emailed": bool(links),
    }


def letter_pdf(**kwargs: object) -> bytes:
    """The letter and, on their own pages, the bulletins to sign: one PDF (letter_context's
    arguments)."""
    from ..pdf import render_pdf

    return render_pdf("campaigns/letter_pdf.html", letter_context(**kwargs))
