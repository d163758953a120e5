"""A stand-in for the mail server of a worker process: each message becomes one file in
``TEST_MAIL_DIR``, so a test in another process counts what was sent.

With ``TEST_MAIL_PAUSE_FILE`` set, the first message waits (like a slow SMTP server) after writing that
file, which tells the test the worker is now in the middle of its task, holding the notice's row lock;
the test kills the worker there. Later messages find the file and go straight through.
"""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

PAUSE_SECONDS = 60


class FileMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        pause_file = os.environ.get("TEST_MAIL_PAUSE_FILE")
        if pause_file and not Path(pause_file).exists():
            Path(pause_file).write_text(str(os.getpid()))
            time.sleep(PAUSE_SECONDS)
        directory = Path(os.environ["TEST_MAIL_DIR"])
        for message in email_messages:
            (directory / f"{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)
