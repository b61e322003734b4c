"""gunicorn's settings that the Procfile's command line does not give; gunicorn reads this file from the directory
it starts in (docs/deploy.md, "What runs").

Threads, not one request per process: while PostgreSQL hangs, a request that needs it waits up to its deadlines
(portland_site/database), and with sync workers every cached article, static file and /healthz queued behind
those. With threads, the requests that need no database are answered by the threads left free. Each thread keeps
its own database connection.
"""

import os

worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
