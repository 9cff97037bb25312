"""Helpers shared by the tests of frameworks: the shipped YAML files, edited copies of them,
and a signed bulletin that makes an item of a framework signed."""

import copy
from datetime import date
from pathlib import Path

import yaml

from actors.models import Organization
from frameworks.services import DATA_DIR
from territories.models import Commune

PACTE = "pacte-pour-la-transition"
SHIPPED = {
    PACTE: DATA_DIR / "pacte-pour-la-transition.yaml",
    "anvita-charte": DATA_DIR / "anvita-charte.yaml",
    "egm-charte-commune-accueillante": DATA_DIR / "egm-charte-commune-accueillante.yaml",
}


def read_yaml(path):
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def pacte_data():
    """The shipped Pacte, to edit."""
    return copy.deepcopy(read_yaml(SHIPPED[PACTE]))


def item_of(data, code):
    return next(item for item in data["items"] if item["code"] == code)


def write(tmp_path, name, data):
    path = Path(tmp_path) / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def commit(framework, commune_code="93066", *, user, campaign=None, code="26", list_name=None):
    """A paper bulletin of the item `code` signed by a list of the commune, in `campaign`
    (by default a new election campaign organised by the Pacte). Returns the campaign,
    the target, the list and the commitment."""
    from campaigns import services as campaigns

    if campaign is None:
        campaign = campaigns.campaign_create(
            user=user,
            title="Municipales 2026",
            kind="election",
            frameworks=[framework],
            organizers=[Organization.objects.get(slug=PACTE)],
        )
    target = campaigns.target_take_on(
        campaign=campaign, commune=Commune.objects.get(code=commune_code), group=None, user=user
    )
    candidate_list = campaigns.list_add(
        target=target, name=list_name or f"Liste {commune_code}", head_name="Camille Martin"
    )
    commitment = campaigns.paper_record(
        target=target,
        framework=framework,
        choices=[(framework.items.get(code=code), None, "")],
        signatory_name="Camille Martin",
        signatory_role="tête de liste",
        signed_on=date.today(),
        candidate_list=candidate_list,
    )
    return campaign, target, candidate_list, commitment
