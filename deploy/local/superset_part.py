"""Superset, the analysts' dashboards over the warehouse, from its own venv (STACK_DIR/tools-superset, made by
deploy/local/install.sh): it pins SQLAlchemy 1.4 and clickhouse-connect < 1.0, which the app's venv cannot hold.

Its config file is written from the settings on every start (SECRET_KEY, SQLite metadata DB under STACK_DIR); the
metadata DB is migrated, the admin created and the roles synced once per Superset version and admin name (like
Dagster's `instance migrate`), and once it serves, the `warehouse` database connection is (re)imported, so it always
points at CLICKHOUSE_URL / CLICKHOUSE_DATABASE. Dashboards themselves are loaded by `mkt dashboards import`.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from deploy.local.parts import BIND, Part, host_port, http_get
from kernel.settings import StackSettings, superset_settings

SUPERSET_VERSION = "6.1.0"

CONFIG_TEMPLATE = '''# Written by deploy/local/superset_part.py at each `mkt stack up`: edit the settings instead.
SECRET_KEY = {secret!r}
SQLALCHEMY_DATABASE_URI = {metadata_uri!r}
# Local stack: plain HTTP on 127.0.0.1, no HTTPS redirects or CSP from Talisman.
TALISMAN_ENABLED = False
RATELIMIT_STORAGE_URI = "memory://"
# The REST API (mkt dashboards import, tests) logs in with a JWT; form posts still carry CSRF tokens.
WTF_CSRF_ENABLED = True
ROW_LIMIT = 10000
SQLLAB_TIMEOUT = 60
SUPERSET_WEBSERVER_TIMEOUT = 60
'''


def tools_venv(settings: StackSettings) -> Path:
    return Path(settings.stack_dir) / "tools-superset"


def superset_bin(settings: StackSettings) -> Path:
    return tools_venv(settings) / "bin" / "superset"


class SupersetPart(Part):
    name = "superset"
    # ~3 s on a quiet machine; 40 s was seen with the 2 cores shared by several test runs.
    start_timeout = 180.0
    description = "Superset 6.1 (dashboards/), its own venv, SQLite metadata"

    def __init__(self, settings: StackSettings):
        host, port = host_port(settings.superset_url, 8088)
        super().__init__(settings, host, port)

    @property
    def config_path(self) -> Path:
        return self.dir / "superset_config.py"

    @property
    def marker(self) -> Path:
        return self.dir / "initialized"

    def missing(self) -> str | None:
        if not superset_bin(self.settings).exists():
            return f"superset not installed in {tools_venv(self.settings)} (run deploy/local/install.sh)"
        return None

    def env(self) -> dict[str, str]:
        return {"SUPERSET_CONFIG_PATH": str(self.config_path), "PYTHONUNBUFFERED": "1", "DO_NOT_TRACK": "true",
                "SUPERSET_LOAD_EXAMPLES": "no", "FLASK_APP": "superset.app:create_app()"}

    def write_config(self) -> None:
        # Superset's key signs sessions and encrypts stored DB passwords: derived from SECRET_KEY, never the same.
        secret = hashlib.sha256(f"superset:{self.settings.secret_key}".encode()).hexdigest()
        text = CONFIG_TEMPLATE.format(secret=secret, metadata_uri=f"sqlite:///{self.dir / 'superset.db'}")
        if not self.config_path.exists() or self.config_path.read_text() != text:
            self.config_path.write_text(text)

    def _cli(self, *args: str) -> None:
        subprocess.run([str(superset_bin(self.settings)), *args], env={**os.environ, **self.env()}, cwd=self.dir,
                       check=True, capture_output=True, timeout=300)

    def prepare(self) -> None:
        super().prepare()
        self.write_config()
        stamp = f"{SUPERSET_VERSION} {superset_settings().admin_user}\n"
        if self.marker.exists() and self.marker.read_text() == stamp:
            return
        self._cli("db", "upgrade")
        admin = superset_settings()
        # create-admin leaves an existing user alone (exit 0), so a re-run after a crash is harmless.
        self._cli("fab", "create-admin", "--username", admin.admin_user, "--password", admin.admin_password,
                  "--firstname", "Marketplace", "--lastname", "Admin", "--email", "superset-admin@marketplace.local")
        self._cli("init")
        self.marker.write_text(stamp)

    def command(self) -> list[str]:
        return [str(superset_bin(self.settings)), "run", "-h", BIND, "-p", str(self.port), "--with-threads"]

    def ready(self) -> bool:
        status, body = http_get(f"http://{self.host}:{self.port}/health")
        return status == 200 and body.strip() == b"OK"

    def after_up(self) -> str | None:
        from dashboards.bundle import database_bundle, database_uri
        from dashboards.superset_api import SupersetApi, SupersetError

        # The import takes seconds: done again only when the URI, the admin's credentials or the metadata DB (its
        # file's inode) changed since the last one.
        stamp_path = self.dir / "warehouse-connection"
        admin = f"{superset_settings().admin_user}:{superset_settings().admin_password}"
        stamp = (f"{database_uri(self.settings)} {(self.dir / 'superset.db').stat().st_ino} "
                 f"{hashlib.sha256(admin.encode()).hexdigest()[:16]}")
        if stamp_path.exists() and stamp_path.read_text() == stamp:
            return None
        try:
            api = SupersetApi.login(self.settings)
        except SupersetError:
            # SUPERSET_ADMIN_PASSWORD changed since the admin was created: the settings win.
            self._cli("fab", "reset-password", "--username", superset_settings().admin_user,
                      "--password", superset_settings().admin_password)
            api = SupersetApi.login(self.settings)
        with api:
            api.import_bundle(database_bundle(self.settings), self.settings)
        stamp_path.write_text(stamp)
        return f"database 'warehouse' -> {database_uri(self.settings)}"

