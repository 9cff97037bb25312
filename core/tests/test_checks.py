"""Our deployment checks: `manage.py check --deploy` warns about what would break in production."""

from django.core.checks import run_checks


def ids(**kwargs):
    return {message.id for message in run_checks(include_deployment_checks=True, **kwargs)}


def test_an_empty_site_url_is_reported_by_the_deploy_check(settings):
    settings.SITE_URL = ""
    assert "core.W001" in ids()


def test_a_site_url_satisfies_it(settings):
    settings.SITE_URL = "https://hospitalite.example.org"
    assert "core.W001" not in ids()


def test_the_ordinary_check_does_not_run_it(settings):
    settings.SITE_URL = ""
    assert "core.W001" not in {message.id for message in run_checks()}
