"""Time to render the PDF documents of campaigns: a letter and a signed bulletin.

Works on the campaign database of campaign_map.py (built by it when missing or stale:
var/bench-campaigns.sqlite3). For --runs renders each (after one warm-up render), prints the
median and the slowest, and the PDF's size. Baselines, measured in the same run: rendering
the same HTML template to a string (what the print view costs before the browser), so the
ratio is the price of WeasyPrint. Letters are rendered in the request; bulletins by the
task worker (the confirmation email).
"""

import argparse
import statistics
import time

from _common import add_database_arguments, print_context, ratio, setup_django, table
from campaign_map import BIG, campaign_database


def timed(function, runs):
    function()  # warm-up: fonts, templates
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(parser)
    parser.add_argument("--runs", type=int, default=10, help="renders of each document (default 10)")
    args = parser.parse_args()
    args.communes, args.others = 5000, 2000  # campaign_map.py's defaults: the same database
    url, _runs = campaign_database(args)
    setup_django(url)

    from django.template.loader import render_to_string
    from django.utils import translation

    from campaigns import services
    from campaigns.pdf import html_to_pdf
    from commitments.models import Commitment
    from commitments.queries import commitment_for_document

    print_context("PDF documents of campaigns (WeasyPrint)", url)
    translation.activate("fr")
    commitment = (
        Commitment.objects.filter(target__campaign__slug=BIG, candidate_list__isnull=False)
        .order_by("-pk")
        .first()
    )
    commitment = commitment_for_document(commitment.pk)
    target, framework = commitment.target, commitment.framework
    text = services.letter_text(target=target, framework=framework, candidate_list=commitment.candidate_list)
    letter = {
        "target": target,
        "commune": target.commune,
        "framework": framework,
        "candidate_list": commitment.candidate_list,
        "paragraphs": [paragraph for paragraph in text.split("\n\n") if paragraph.strip()],
    }
    bulletin = {"commitment": commitment, "items": list(commitment.items.all())}

    rows = []
    for name, template, context in (
        ("letter", "campaigns/letter_pdf.html", letter),
        (f"bulletin ({len(bulletin['items'])} items)", "campaigns/bulletin_pdf.html", bulletin),
    ):
        html_median, html_max, html = timed(lambda t=template, c=context: render_to_string(t, c), args.runs)
        pdf_median, pdf_max, pdf = timed(lambda h=html: html_to_pdf(h), args.runs)
        rows.append(
            [
                name,
                f"{html_median:.1f}",
                f"{pdf_median:.0f}",
                f"{pdf_max:.0f}",
                f"{len(pdf) / 1024:.1f}",
                ratio(pdf_median, html_median),
            ]
        )
    print(
        table(
            rows,
            ["document", "HTML ms (baseline)", "PDF ms median", "PDF ms max", "PDF KiB", "× baseline"],
        )
    )
    print(f"{args.runs} renders each after a warm-up; PDF ms: WeasyPrint from the rendered HTML.")


if __name__ == "__main__":
    main()
