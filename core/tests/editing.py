"""Two browsers on one edit form: what the tests of every edit form share
(core.concurrency's rule: the second save gets the conflict, nothing is overwritten)."""

import re
from html import unescape

from django.utils import translation
from django.utils.translation import gettext

VERSION = re.compile(r'<input type="hidden" name="version" value="(\d+)"')


def version_in(response) -> str:
    """The version the page's edit form carries (its only `version` field)."""
    versions = VERSION.findall(response.content.decode())
    assert len(versions) == 1, versions
    return versions[0]


def conflict_text(what: str) -> str:
    """The conflict's message as French users read it (HTML-escaped as the page shows it)."""
    with translation.override("fr"):
        return gettext(
            "Someone else changed %(what)s while you were editing it: here are the current values. "
            "What you typed is kept in the form: check it, then save again."
        ) % {"what": gettext(what)}


def text_of(response) -> str:
    return unescape(response.content.decode())


def both_save(first, second, url, first_data, second_data, *, page=None):
    """Both browsers open the form (at `page`, else `url`), then both send it: the first's
    answer and the second's, the second's sent on the version both read."""
    read = version_in(first.get(page or url))
    assert version_in(second.get(page or url)) == read
    return (
        first.post(url, {**first_data, "version": read}),
        second.post(url, {**second_data, "version": read}),
    )


def assert_conflict(response, what, *, current, typed, kept=None):
    """The form again: the message, the current values beside what the user typed, the
    form on the current version (sending it again saves it knowingly). `kept`: the sent
    values as the fields hold them, when they differ from how the table shows them."""
    assert response.status_code == 200
    text = text_of(response)
    assert conflict_text(what) in text
    assert "Les valeurs actuelles, à côté de ce que vous avez saisi" in text
    table = text.split('class="conflict"', 1)[1].split("</table>", 1)[0]
    for value in current:
        assert value in table, value
    for value in typed:
        assert value in table, value
    for value in typed if kept is None else kept:  # still in the form's fields, as sent
        assert f'value="{value}"' in text or f"{value}</textarea>" in text, value
    return version_in(response)
