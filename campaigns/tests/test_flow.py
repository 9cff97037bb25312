import re

import pytest
from django.core import mail

from tests.support import browser, make_group, make_partner_coordinator, make_user

from .helpers import PACTE, framework, partner

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("media_root", "immediate_tasks")
def test_flow(django_capture_on_commit_callbacks):
    coordinator = make_partner_coordinator("coord@example.org", partner=PACTE)
    c = browser(coordinator)
    r = c.get("/campagnes/nouvelle/")
    assert r.status_code == 200, r.content[:3000]
    pacte = framework()
    pacte_partner = partner()
    r = c.post(
        "/campagnes/nouvelle/",
        {
            "title": "Municipales 2026",
            "kind": "election",
            "frameworks": [pacte.pk],
            "organizers": [pacte_partner.pk],
            "first_round": "2026-03-15",
            "mandate_start": 2026,
            "mandate_end": 2032,
            "is_open": "on",
            "letter_template": "",
        },
    )
    assert r.status_code == 302, r.content.decode()[:5000]
    url = r["Location"]
    member = make_user("member@example.org")
    group = make_group(coordinator=member)
    m = browser(member)
    r = m.post(url + "suivre/", {"commune": "93066", "group": group.pk})
    assert r.status_code == 302, r.content.decode()[-3000:]
    turl = r["Location"]
    r = m.post(
        turl + "listes/",
        {"name": "Saint-Denis Ensemble", "head_name": "Marie Curie", "email": "tete@example.org"},
    )
    assert r.status_code == 302
    r = m.get(turl)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Saint-Denis Ensemble" in html
    lst = group.campaign_targets.get().lists.get()
    r = m.get(turl + f"lettre/?liste={lst.pk}")
    assert r.status_code == 200
    r = m.get(turl + f"lettre.pdf?liste={lst.pk}")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    r = m.post(
        turl + "journal/",
        {"kind": "letter", "date": "2026-01-10", "candidate_list": lst.pk, "notes": "Remise en main propre"},
    )
    assert r.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        r = m.post(
            turl + "invitations/",
            {"candidate_list": lst.pk, "framework": pacte.pk, "email": "tete@example.org"},
        )
    assert r.status_code == 302
    body = mail.outbox[-1].body
    token_url = re.search(r"http\S+/signer/\S+/", body).group(0)
    path = token_url.split("testserver")[-1]
    anon = browser()
    r = anon.get(path)
    assert r.status_code == 200, r.content.decode()[:3000]
    items = {i.code: i for i in pacte.items.all()}
    data = {
        "signatory_name": "Marie Curie",
        "signatory_role": "tête de liste",
        "terms": "on",
        f"item_{items['26'].pk}": "on",
        f"item_{items['07'].pk}": "on",
        f"level_{items['07'].pk}": items["07"].levels.first().pk,
        f"comment_{items['26'].pk}": "Oui",
    }
    r = anon.post(path, data)  # the summary, before the final « Signer »
    assert r.status_code == 200 and 'name="confirm"' in r.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = anon.post(path, {**data, "confirm": "1"})
    assert r.status_code == 200, r.content.decode()[:3000]
    assert "Merci" in r.content.decode() or "Thank" in r.content.decode()
    assert any(m_.attachments for m_ in mail.outbox)
    r = m.post(turl + "resultat/", {"candidate_list": lst.pk})
    assert r.status_code == 302
    r = anon.get(url)
    assert r.status_code == 200
    r = anon.get(url + "carte.json")
    assert r.json()["points"]
    r = anon.get("/communes/93066/")
    assert "Municipales 2026" in r.content.decode()
    r = anon.get("/referentiels/pacte-pour-la-transition/engagements/26/")
    assert "Saint-Denis" in r.content.decode()
    for fmt in ("csv", "xlsx"):
        r = anon.get(url + f"export.{fmt}")
        assert r.status_code == 200
    r = m.get(turl + "historique/")
    assert r.status_code == 200
    r = m.get(turl + "bulletin-papier/")
    assert r.status_code == 200
    r = m.get(turl + "deliberation/")
    assert r.status_code == 200
    r = c.get(url + "import/")
    assert r.status_code == 200
    r = c.get(url + "modifier/")
    assert r.status_code == 200
    r = anon.get("/referentiels/")
    assert r.status_code == 200
    r = anon.get("/campagnes/")
    assert r.status_code == 200
