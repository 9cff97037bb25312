from django.core.management.base import BaseCommand, CommandError

from frameworks.services import FrameworksLoadError, frameworks_load


class Command(BaseCommand):
    help = (
        "Load the frameworks of commitment from YAML files (default: frameworks/data/*.yaml). "
        "A version published online since is kept unless --overwrite-online."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="YAML files to load instead of frameworks/data/*.yaml")
        parser.add_argument(
            "--overwrite-online",
            action="store_true",
            help="replace versions published online by the files' content (within the signed-text rules)",
        )

    def handle(self, *args, paths, overwrite_online, **options):
        try:
            report = frameworks_load(paths or None, overwrite_online=overwrite_online)
        except FrameworksLoadError as error:
            raise CommandError(str(error)) from error
        for label, names in (
            ("created", report.created),
            ("updated", report.updated),
            ("unchanged", report.unchanged),
        ):
            for name in names:
                self.stdout.write(f"{label}: {name}")
        for name in report.kept:
            self.stdout.write(
                self.style.WARNING(
                    f"kept: {name} was published online after its file: download its YAML from the "
                    "framework's page to refresh the file, or pass --overwrite-online."
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.created)} created, {len(report.updated)} updated, {len(report.unchanged)} unchanged"
                + (f", {len(report.kept)} kept (published online)." if report.kept else ".")
            )
        )
