"""The SMTP server down for a while (ten minutes by default): the emails wait in the task
queue and go out once it is back; none is lost, none is sent twice.

    .venv/bin/python bench/smtp_down.py [--down-seconds 600] [--emails 200]

A fresh SQLite file in a temporary folder (migrated), the database task backend
(`TASKS_BACKEND=django_tasks_db.DatabaseBackend`) and `manage.py db_worker` in a child
process, sending through Django's SMTP backend to a small SMTP sink written here (a
thread on 127.0.0.1 that accepts every message and counts them by Message-ID and
recipient; Python 3.11 has no smtpd and aiosmtpd is not installed). The sink's port is
closed at first: connections are refused, as with a server down. Then:

1. --emails emails are queued (core.emails.email_send, the moderation decision);
   the worker tries them; each failure queues the email again later (core.tasks:
   30 s, then doubled up to 10 min between attempts, for a day).
2. After --down-seconds, the sink starts on the same port; the script waits until every
   email arrived (or until the longest retry delay has passed twice).

Printed: the queue while the server is down (tasks waiting, attempts so far, tasks
failed), then the emails received, distinct, lost and duplicated, how long after the
server came back the last one arrived, and the task rows by status.
"""

import argparse
import email
import os
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from _common import (
    MANAGE,
    PYTHON,
    base_env,
    free_port,
    log,
    manage,
    print_context,
    setup_django,
    sqlite_url,
    table,
)

# --- an SMTP sink --------------------------------------------------------------------------------


class _Handler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 sink ESMTP")
        recipients = []
        while line := self.rfile.readline():
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb in ("HELO", "NOOP", "MAIL"):
                self.reply("250 OK")
            elif verb == "RSET":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                self.server.sink.record(b"".join(data), recipients)
                recipients = []
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Not implemented")


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class SmtpSink:
    """An SMTP server on 127.0.0.1:port that keeps (message id, recipient, subject) of
    every message; start() and stop() as often as needed (stopped: connection refused)."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.messages = []
        self.lock = threading.Lock()
        self.server = None

    def record(self, data, recipients):
        message = email.message_from_bytes(data)
        with self.lock:
            for recipient in recipients:
                self.messages.append((message.get("Message-ID"), recipient, message.get("Subject", "")))

    def count(self):
        with self.lock:
            return len(self.messages)

    def start(self):
        self.server = _Server(("127.0.0.1", self.port), _Handler)
        self.server.sink = self
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def duplicates(self):
        """Recipients who got the same email (by recipient + subject) more than once."""
        with self.lock:
            counts = Counter((recipient, subject) for _id, recipient, subject in self.messages)
        return {key: number for key, number in counts.items() if number > 1}


# --- the worker ------------------------------------------------------------------------------------


def worker_env(database_url, sink_port, **extra):
    return base_env(
        DATABASE_URL=database_url,
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=sink_port,
        EMAIL_TIMEOUT=10,
        **extra,
    )


def start_worker(env, log_path):
    """`manage.py db_worker` in a child process (its log appended to log_path)."""
    command = [PYTHON, MANAGE, "db_worker", "--interval", "0.2", "--no-startup-delay", "-v", "1"]
    with open(log_path, "a") as handle:
        return subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT)


def stop_worker(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def task_statuses():
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    connection.close()
    return Counter(DBTaskResult.objects.values_list("status", flat=True))


def queue_state():
    """(waiting, deferred, failed, highest attempt) of the email tasks."""
    from django.db import connection
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    connection.close()
    tasks = DBTaskResult.objects.filter(task_path="core.tasks.send_email")
    waiting = tasks.filter(status="READY")
    attempts = [row.get("attempt", 1) for row in waiting.values_list("args_kwargs__kwargs", flat=True)]
    return (
        waiting.count(),
        waiting.filter(run_after__gt=timezone.now(), run_after__year__lt=9999).count(),
        tasks.filter(status="FAILED").count(),
        max(attempts, default=0),
    )


# --- main --------------------------------------------------------------------------------------------


def run(args, folder):
    database_url = sqlite_url(Path(folder) / "smtp.sqlite3")
    log("Migrating a fresh SQLite file…")
    manage("migrate", "--no-input", "-v0", env=base_env(DATABASE_URL=database_url))
    os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    setup_django(database_url)
    from core.emails import email_send
    from core.tasks import RETRY_MAX

    sink = SmtpSink()
    print_context(f"SMTP server down for {args.down_seconds} s, {args.emails} emails queued", database_url)
    context = {"content": "Accueil", "hidden": True, "reason": "Bench", "url": "http://127.0.0.1/"}
    for index in range(args.emails):
        email_send(
            template="moderation/emails/decision",
            to=f"person{index}@example.org",
            context={**context, "content": f"Contenu {index}"},
        )
    worker = start_worker(worker_env(database_url, sink.port), Path(folder) / "worker.log")
    rows = []
    try:
        began = time.monotonic()
        next_sample = 0
        while (elapsed := time.monotonic() - began) < args.down_seconds:
            if elapsed >= next_sample:
                rows.append([f"{elapsed:.0f} s", "down", *queue_state(), sink.count()])
                next_sample += max(10, args.down_seconds / 6)
            time.sleep(1)
        sink.start()
        back = time.monotonic()
        log("SMTP server back; waiting for the emails…")
        deadline = back + 2 * RETRY_MAX + 60
        while time.monotonic() < deadline and sink.count() < args.emails:
            time.sleep(1)
        last = time.monotonic() - back
        time.sleep(3)  # anything sent twice would arrive now
        rows.append([f"{time.monotonic() - began:.0f} s", "up", *queue_state(), sink.count()])
    finally:
        stop_worker(worker)
        sink.stop()
    print(
        table(
            rows,
            ["time", "SMTP", "tasks waiting", "of which deferred", "failed", "max attempt", "received"],
            "llrrrrr",
        )
    )
    print()
    received = {(recipient, subject) for _id, recipient, subject in sink.messages}
    duplicates = sink.duplicates()
    print(
        f"Emails queued: {args.emails}; received: {sink.count()}; distinct: {len(received)}; "
        f"lost: {args.emails - len(received)}; sent twice: {len(duplicates)}"
    )
    print(f"Last email received {last:.0f} s after the SMTP server came back")
    print("Task rows by status: " + ", ".join(f"{k} {v}" for k, v in sorted(task_statuses().items())))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--down-seconds", type=int, default=600, help="how long the server is down (600)")
    parser.add_argument("--emails", type=int, default=200, help="emails queued (200)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hospitalite-smtp-") as folder:
        run(args, folder)


if __name__ == "__main__":
    sys.exit(main())
