from django.core.management.base import BaseCommand, CommandError

from frameworks.services import FrameworksLoadError, frameworks_load


class Command(BaseCommand):
    help = "Load the frameworks of commitment from YAML files (default: frameworks/data/*.yaml)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="YAML files to load instead of frameworks/data/*.yaml")

    def handle(self, *args, paths, **options):
        try:
            report = frameworks_load(paths or None)
        except FrameworksLoadError as error:
            raise CommandError(str(error)) from error
        for label, names in (
            ("created", report.created),
            ("updated", report.updated),
            ("unchanged", report.unchanged),
        ):
            for name in names:
                self.stdout.write(f"{label}: {name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.created)} created, {len(report.updated)} updated, {len(report.unchanged)} unchanged."
            )
        )
