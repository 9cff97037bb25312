"""Run a command against a throwaway PostgreSQL server, then remove it.

    python scripts/with_postgres.py [--port N] -- COMMAND [ARG...]

Creates a new cluster in a temporary folder with Debian's PostgreSQL server
binaries, listening on a Unix socket only (no TCP unless --port is given,
and then on 127.0.0.1 only), creates the database "hospitalite", runs
COMMAND with DATABASE_URL pointing at it, then stops the server and deletes
the folder, whatever the command's outcome. PostgreSQL refuses to run as
root: as root, the server runs as the "postgres" system user.
"""

import argparse
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote


def server_bin():
    for candidate in [os.environ.get("PG_BIN", "")] + sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), reverse=True
    ):
        if candidate and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    sys.exit("PostgreSQL server binaries not found: install Debian's postgresql package (make test does).")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=None, help="also listen on 127.0.0.1:PORT")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("a command is required")

    binaries = server_bin()
    root = Path(tempfile.mkdtemp(prefix="hospitalite-pg-"))
    data, socket_dir = root / "data", root / "socket"
    socket_dir.mkdir()
    run_as = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        for path in (root, socket_dir):
            os.chown(path, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    os.chmod(root, 0o755)
    port = args.port or 5432
    options = (
        f"-c listen_addresses='{'127.0.0.1' if args.port else ''}' -c port={port} "
        f"-c unix_socket_directories='{socket_dir}' -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=50"
    )
    quiet = {"stdout": subprocess.DEVNULL}
    started = False
    try:
        subprocess.run(
            run_as
            + [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            **quiet,
        )
        subprocess.run(
            run_as
            + [
                str(binaries / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(root / "server.log"),
                "-o",
                options,
                "-w",
                "start",
            ],
            check=True,
            **quiet,
        )
        started = True
        subprocess.run(
            [
                str(binaries / "createdb"),
                "-h",
                str(socket_dir),
                "-p",
                str(port),
                "-U",
                "postgres",
                "hospitalite",
            ],
            check=True,
        )
        env = dict(os.environ)
        env["DATABASE_URL"] = f"postgres://postgres@{quote(str(socket_dir), safe='')}:{port}/hospitalite"
        env["PGHOST"], env["PGPORT"] = str(socket_dir), str(port)
        return subprocess.run(command, env=env).returncode
    finally:
        if started:
            subprocess.run(
                run_as + [str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                **quiet,
            )
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
