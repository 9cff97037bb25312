"""PDF documents (letters and bulletins) rendered from HTML by WeasyPrint.

Nothing is fetched while rendering: the stylesheet is inline and the URL fetcher
refuses every request.
"""

from django.template.loader import render_to_string


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"no external resources in PDF documents: {url}")


def html_to_pdf(html):
    from weasyprint import HTML  # imported here: it loads Pango, which only PDF views need

    return HTML(string=html, url_fetcher=_no_fetch, base_url="about:blank").write_pdf()


def render_pdf(template, context):
    return html_to_pdf(render_to_string(template, context))
