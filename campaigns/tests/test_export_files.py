"""The campaign exports built off the request path (campaigns/export_files.py): files
built once per version of the data by the task (inline here, or left queued with a dummy
backend standing for the worker), served with ETag, Last-Modified, 304 and gzip; the
previous version marked stale while the next is built, 503 when none exists, and
downloads and filtered builds rate-limited per IP."""

import csv
import gzip
import io
import os

import openpyxl
import pytest
from django.test import Client
from django_tasks import task_backends

from campaigns import export_files, tasks
from core import pagecache

from .helpers import add_list, fr, paper

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def worker(settings):
    """A task worker that has not run yet: tasks wait in the dummy backend."""
    settings.TASKS = DUMMY_TASKS
    task_backends["default"].clear()
    yield task_backends["default"]
    task_backends["default"].clear()


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE = True


def url(campaign, fmt="csv", query=""):
    return campaign.get_absolute_url() + f"export.{fmt}" + (f"?{query}" if query else "")


def body(response):
    return b"".join(response.streaming_content)


def csv_rows(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def built_files(campaign):
    folder = export_files.campaign_folder(campaign.pk)
    return sorted(os.listdir(folder)) if folder.exists() else []


def queued(worker):
    return [(result.kwargs["campaign_id"], result.kwargs["values"]) for result in worker.results]


def change(target, name):
    """A write to the campaign (a new list), committed: the page cache's scopes are bumped."""
    add_list(target, name=name, head_name="Jeanne Barret", email=f"{len(name)}@example.org")
    pagecache.flush()


# Serving -------------------------------------------------------------------------------------


def test_built_once_then_served_as_a_file_with_etag_and_304(campaign, first, page_cache, monkeypatch):
    paper(first.target, candidate_list=first)
    builds = []
    real_write = export_files._write
    monkeypatch.setattr(export_files, "_write", lambda *args: builds.append(1) or real_write(*args))
    response = Client().get(url(campaign))
    assert response.status_code == 200 and len(builds) == 1
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{campaign.slug}.csv"'
    assert response["Cache-Control"] == "public, no-cache" and "X-Export-Stale" not in response
    content = body(response)
    assert content.startswith("\ufeff".encode())
    assert [row["signataire"] for row in csv_rows(content)] == ["Marie Curie"]
    version = export_files.current_version(campaign)
    assert built_files(campaign) == [
        f"all-{version}.{suffix}" for suffix in ("csv", "csv.gz", "xlsx", "xlsx.gz")
    ]
    etag, modified = response["ETag"], response["Last-Modified"]
    assert etag == f'"{version}-all.csv"' and int(response["Content-Length"]) == len(content)

    again = Client().get(url(campaign))
    assert body(again) == content and again["ETag"] == etag and len(builds) == 1  # the same file
    assert Client().get(url(campaign), HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert Client().get(url(campaign), HTTP_IF_MODIFIED_SINCE=modified).status_code == 304

    workbook = body(Client().get(url(campaign, "xlsx")))
    assert len(builds) == 1  # built with the CSV, in the same pass
    rows = list(openpyxl.load_workbook(io.BytesIO(workbook)).active.iter_rows(values_only=True))
    assert rows[1][11] == "Marie Curie"


def test_gzipped_files_sent_as_built_to_clients_accepting_it(campaign, first, page_cache):
    plain = body(Client().get(url(campaign)))
    response = Client().get(url(campaign), HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    assert response["ETag"].endswith('.csv.gz"')  # never the plain file's validator
    assert gzip.decompress(body(response)) == plain
    workbook = body(Client().get(url(campaign, "xlsx")))
    assert workbook.startswith(b"PK")  # a workbook is a zip
    packed = Client().get(url(campaign, "xlsx"), HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip" and packed["ETag"].endswith('.xlsx.gz"')
    assert gzip.decompress(body(packed)) == workbook  # not compressed again by GZipMiddleware


def test_a_change_makes_a_new_version_and_removes_the_old_one(campaign, first, page_cache):
    old = Client().get(url(campaign))
    old_version = export_files.current_version(campaign)
    Client().get(url(campaign, "xlsx"))
    assert export_files.current_version(campaign) == old_version  # nothing changed
    change(first.target, "Nouvelle liste")
    assert export_files.current_version(campaign) != old_version
    new = Client().get(url(campaign))
    assert new["ETag"] != old["ETag"]
    assert Client().get(url(campaign), HTTP_IF_NONE_MATCH=old["ETag"]).status_code == 200
    assert "Nouvelle liste" in {row["liste"] for row in csv_rows(body(new))}
    assert not any(old_version in name for name in built_files(campaign))
    assert len(built_files(campaign)) == 4  # no temporary file left


# With a task worker --------------------------------------------------------------------------


def test_nothing_built_yet_answers_503_and_queues_one_build(campaign, first, worker):
    response = Client().get(url(campaign))
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert fr("The export is being prepared…") in html
    assert "L’export est en cours de préparation…" in html
    assert "Il sera prêt dans environ 10\u00a0secondes\u00a0: téléchargez-le alors de nouveau." in html
    assert "Retour à la campagne «\u00a0Municipales 2026\u00a0»" in html
    assert f'href="{url(campaign)}"' in html  # download again
    Client().get(url(campaign, "xlsx"))
    assert queued(worker) == [(campaign.pk, {})]  # one build for both formats and both requests

    export_files.build(campaign.pk, {}, worker.results[0].kwargs["version"])  # the worker runs it
    response = Client().get(url(campaign, "xlsx"))
    assert response.status_code == 200 and "X-Export-Stale" not in response


def test_the_previous_version_is_served_marked_while_the_next_is_built(
    campaign, first, worker, page_cache, settings
):
    settings.EXPORTS_BUILD_ON_CHANGE = False  # the downloads queue the builds
    tasks.build_campaign_export.call(campaign_id=campaign.pk, values={})
    change(first.target, "Liste tardive")
    response = Client().get(url(campaign))
    assert response.status_code == 200 and response["X-Export-Stale"] == "1"
    assert "Liste tardive" not in {row["liste"] for row in csv_rows(body(response))}
    Client().get(url(campaign))
    assert len(queued(worker)) == 1  # queued once

    tasks.build_campaign_export.call(**worker.results[0].kwargs)
    fresh = Client().get(url(campaign))
    assert "X-Export-Stale" not in fresh and fresh["ETag"] != response["ETag"]
    assert "Liste tardive" in {row["liste"] for row in csv_rows(body(fresh))}
    # A later change queues the next build (the flag went when the build started).
    change(first.target, "Liste du soir")
    Client().get(url(campaign))
    assert len(queued(worker)) == 2


def test_a_change_queues_the_build_with_a_worker(campaign, first, worker, page_cache, settings):
    change(first.target, "Liste A")
    assert queued(worker) == [(campaign.pk, {})]  # EXPORTS_BUILD_ON_CHANGE: on with a worker
    change(first.target, "Liste B")
    assert len(queued(worker)) == 1  # one waits already
    settings.EXPORTS_BUILD_ON_CHANGE = False
    worker.clear()
    export_files.build(campaign.pk, {})
    change(first.target, "Liste C")
    assert queued(worker) == []


def test_a_filtered_export_is_built_for_its_filters(campaign, several_targets, worker):
    response = Client().get(url(campaign, query="departement=974"))
    assert response.status_code == 503
    [(campaign_id, values)] = queued(worker)
    assert values == {"departement": "974"}
    tasks.build_campaign_export.call(**worker.results[0].kwargs)
    rows = csv_rows(body(Client().get(url(campaign, query="departement=974"))))
    assert [row["code_insee"] for row in rows] == ["97411"]
    assert Client().get(url(campaign, query="departement=93")).status_code == 503  # not built yet
    whole = export_files.filters_key({})
    assert whole == "all" and export_files.filters_key(values) != whole


@pytest.fixture
def several_targets(campaign, group, member):
    from .helpers import take_on

    return [take_on(campaign, code, group=group, user=member) for code in ("93066", "97411")]


# Rate limits ---------------------------------------------------------------------------------


def test_downloads_are_rate_limited_per_ip_but_not_304(
    campaign, first, page_cache, settings, django_assert_num_queries
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "campaign_export": "2/m/ip"}
    first_response = Client().get(url(campaign))
    assert first_response.status_code == 200
    etag = first_response["ETag"]
    for _ in range(3):
        assert Client().get(url(campaign), HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert Client().get(url(campaign, "xlsx")).status_code == 200
    limited = Client().get(url(campaign))
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    assert "Trop de téléchargements" in limited.content.decode()
    assert "trop souvent. Réessayez dans 60\u00a0secondes." in limited.content.decode()
    assert 'href="/campagnes/municipales-2026/"' in limited.content.decode()
    # Over the limit, even a conditional request is refused at once (no query, no file).
    with django_assert_num_queries(0):
        assert Client().get(url(campaign), HTTP_IF_NONE_MATCH=etag).status_code == 429
    assert Client(REMOTE_ADDR="192.0.2.9").get(url(campaign)).status_code == 200  # another address


def test_builds_of_filtered_exports_are_rate_limited_per_ip(campaign, first, worker, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "campaign_export_build": "2/m/ip"}
    assert Client().get(url(campaign, query="departement=93")).status_code == 503
    assert Client().get(url(campaign, query="departement=75")).status_code == 503
    assert Client().get(url(campaign, query="departement=69")).status_code == 429
    assert Client().get(url(campaign)).status_code == 503  # the whole export: one build at most anyway
    assert len(queued(worker)) == 3


# Files ---------------------------------------------------------------------------------------


def test_filtered_exports_kept_are_bounded_and_leftovers_removed(campaign, first, monkeypatch):
    monkeypatch.setattr(export_files, "MAX_VARIANTS", 2)
    folder = export_files.campaign_folder(campaign.pk)
    folder.mkdir(parents=True)
    leftover = folder / ".building-abc.csv"
    leftover.write_bytes(b"half")
    os.utime(leftover, (1, 1))
    for department in ("93", "75", "69"):
        assert Client().get(url(campaign, query=f"departement={department}")).status_code == 200
    names = built_files(campaign)
    keys = {name.partition("-")[0] for name in names}
    assert len(names) == 8 and export_files.filters_key({"departement": "93"}) not in keys
    assert not leftover.exists()


def test_untracked_versions_follow_the_time_without_the_page_cache(campaign, settings, monkeypatch):
    assert export_files.current_version(campaign) != export_files.current_version(campaign)  # inline: fresh
    settings.EXPORTS_UNTRACKED_SECONDS = 300
    monkeypatch.setattr(export_files.time, "time", lambda: 3000.0)
    version = export_files.current_version(campaign)
    assert export_files.current_version(campaign) == version
    monkeypatch.setattr(export_files.time, "time", lambda: 3300.0)
    assert export_files.current_version(campaign) != version


def test_a_removed_campaign_builds_nothing(campaign):
    missing = campaign.pk + 1000
    assert export_files.build(missing, {}) is None
    assert not export_files.campaign_folder(missing).exists()


def test_a_503_while_building_is_not_logged_as_an_error(campaign, worker, caplog):
    with caplog.at_level("INFO"):
        assert Client().get(url(campaign)).status_code == 503
    assert not [record for record in caplog.records if record.levelname == "ERROR"]
    assert any("being built" in record.getMessage() for record in caplog.records)
