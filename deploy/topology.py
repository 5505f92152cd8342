"""Every process of the production deployment, declared once: compose and Kubernetes manifests are rendered from it.

`python -m deploy.render` writes deploy/compose/compose.yaml and deploy/k8s/**; `--check` fails when a checked-in
manifest differs from what this table renders (CI runs that check). One image (deploy/Dockerfile) runs every
workload of ours; only its command differs. Stateful stores use their projects' own images.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

IMAGE = "ghcr.io/marketplace/app"
PORT = 8000
METRICS_PORT = 9100  # workers without an HTTP API expose /metrics here (a container port named "metrics")
SECRETS_MOUNT = "/run/secrets/marketplace"

# Services with a database of their own, in the order `mkt db upgrade` migrates them (mkt/composition.py agrees:
# tests/unit/test_deploy_manifests.py checks it).
SERVICES: tuple[str, ...] = ("auth", "catalog", "profiles", "vendors", "inventory", "cart", "coupons", "orders",
                             "payments", "shipping", "reviews", "notifications", "tracking", "backoffice", "search",
                             "serving")

# What every process of ours may read; each workload also gets only the secrets it names below.
CONFIG: dict[str, str] = {
    "ENV": "prod",
    "SECRETS_DIR": SECRETS_MOUNT,
    "STACK_DIR": "/tmp/marketplace",
    "KAFKA_BOOTSTRAP_SERVERS": "kafka:9092",
    "REDIS_URL": "redis://redis:6379/0",
    "CLICKHOUSE_URL": "http://clickhouse:8123",
    "CLICKHOUSE_DATABASE": "warehouse",
    "TYPESENSE_URL": "http://typesense:8108",
    "MLFLOW_TRACKING_URI": "http://mlflow:5000",
    "DAGSTER_URL": "http://dagster-webserver:3000",
    "SUPERSET_URL": "http://superset:8088",
    "SMTP_HOST": "smtp",
    "SMTP_PORT": "1025",
    "GATEWAY_URL": f"http://gateway:{PORT}",
    "PUBLIC_BASE_URL": "https://shop.example.com",
    "ALLOWED_ORIGINS": "https://shop.example.com",
    "JWKS_URL": f"http://auth:{PORT}/v1/auth/jwks",
    "SERVICE_URLS": json.dumps({s: f"http://{s}:{PORT}" for s in SERVICES}, separators=(",", ":")),
    "WEB_API_BASE_URL": f"http://gateway:{PORT}",
    "STORAGE_BACKEND": "s3",
    "S3_ENDPOINT_URL": "http://minio:9000",
    "S3_BUCKET": "marketplace-media",
    "LOG_LEVEL": "INFO",
}

# Secret names are the environment variable names: files of these names in SECRETS_DIR (pydantic-settings).
DB = ("DATABASE_URL", "INTERNAL_API_TOKEN")
SECRET_NAMES: tuple[str, ...] = (
    "DATABASE_URL", "INTERNAL_API_TOKEN", "SECRET_KEY", "AUTH_JWT_PRIVATE_KEY", "WEBHOOK_SECRET", "STRIPE_SECRET_KEY",
    "DATA_ENCRYPTION_KEY", "TYPESENSE_API_KEY", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "SUPERSET_ADMIN_PASSWORD",
    "POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD",
)


@dataclass(frozen=True)
class Workload:
    """One process kind of ours. kind: api (HTTP, probed, autoscaled), worker (no port), job (runs to completion)."""
    name: str
    command: tuple[str, ...]
    kind: str = "api"
    secrets: tuple[str, ...] = DB
    replicas: int = 2
    max_replicas: int = 6
    cpu: str = "250m"
    memory: str = "512Mi"
    public: bool = False
    # blue/green instead of a rolling update: the gateway is what every client meets, so a bad build must never
    # serve a share of traffic; it is switched over whole once the new colour is ready (deploy/k8s/bluegreen.sh).
    blue_green: bool = False
    env: dict[str, str] = field(default_factory=dict)
    # Persistent volumes (claim name → mount path) shared by the workloads naming the same claim.
    claims: tuple[tuple[str, str], ...] = ()


def _serve(name: str) -> tuple[str, ...]:
    return ("mkt", "serve", name, "--host", "0.0.0.0", "--port", str(PORT))


_SERVICE_SECRETS: dict[str, tuple[str, ...]] = {
    "auth": (*DB, "AUTH_JWT_PRIVATE_KEY"),
    "payments": (*DB, "WEBHOOK_SECRET", "STRIPE_SECRET_KEY"),
    "vendors": (*DB, "DATA_ENCRYPTION_KEY", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"),
    "catalog": (*DB, "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"),
    "search": (*DB, "TYPESENSE_API_KEY"),
    "shipping": (*DB, "SECRET_KEY"),
    # Phones, street lines and shipping addresses are encrypted at rest (kernel/encrypted_columns.py).
    "orders": (*DB, "DATA_ENCRYPTION_KEY"),
    "profiles": (*DB, "DATA_ENCRYPTION_KEY"),
}
# Dagster's run/event storage: SQLite in a volume the webserver and daemon share (ReadWriteMany). dagster-postgres
# would be the better store, but its newest release (0.29.27) pins dagster 1.13.27 and we pin 1.13.28.
_DAGSTER = {"DAGSTER_HOME": "/dagster-home"}
_DAGSTER_HOME = (("dagster-home", "/dagster-home"),)
_BIG = {"orders", "payments", "catalog", "search", "serving", "cart"}

WORKLOADS: tuple[Workload, ...] = (
    Workload("gateway", _serve("gateway"), secrets=("INTERNAL_API_TOKEN",), replicas=3, max_replicas=12, public=True,
             blue_green=True),
    Workload("web", _serve("web"), secrets=("SECRET_KEY",), public=True),
    *(Workload(s, _serve(s), secrets=_SERVICE_SECRETS.get(s, DB), max_replicas=10 if s in _BIG else 4,
               memory="1Gi" if s in ("serving", "search") else "512Mi") for s in SERVICES),
    # One consumer per partition at most: the domain topics have 6 partitions (deploy/local/kafka_topics.py).
    Workload("streams-worker", ("mkt", "streams", "worker", "-l", "info"), kind="worker", secrets=(), replicas=2,
             max_replicas=6, cpu="500m", memory="1Gi",
             env={"STREAMS_METRICS_PORT": str(METRICS_PORT), "STREAMS_METRICS_HOST": "0.0.0.0"}),
    Workload("dagster-webserver", ("dagster-webserver", "-h", "0.0.0.0", "-p", "3000", "-m", "pipelines.definitions"),
             secrets=("DATABASE_URL",), replicas=1, max_replicas=1, memory="1Gi", env=_DAGSTER, claims=_DAGSTER_HOME),
    Workload("dagster-daemon", ("dagster-daemon", "run", "-m", "pipelines.definitions"), kind="worker",
             secrets=("DATABASE_URL",), replicas=1, max_replicas=1, cpu="1", memory="4Gi", env=_DAGSTER,
             claims=_DAGSTER_HOME),
    Workload("mlflow", ("sh", "-c", 'export AWS_ACCESS_KEY_ID="$(cat $SECRETS_DIR/S3_ACCESS_KEY_ID)" '
                                    'AWS_SECRET_ACCESS_KEY="$(cat $SECRETS_DIR/S3_SECRET_ACCESS_KEY)"; exec mlflow server --host 0.0.0.0 --port 5000 --backend-store-uri '
                                    '"$(cat $SECRETS_DIR/DATABASE_URL)/mlflow" --artifacts-destination '
                                    's3://mlflow-artifacts --serve-artifacts'),
             secrets=("DATABASE_URL", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"), replicas=1, max_replicas=2,
             env={"MLFLOW_S3_ENDPOINT_URL": "http://minio:9000"}),
    # Runs before every rollout (compose: the services wait for it; Kubernetes: deploy/k8s/rollout.sh).
    Workload("migrate", ("sh", "-c", "python -m deploy.ensure_databases mlflow superset && mkt db upgrade && "
                                     "mkt warehouse migrate && mkt features apply"), kind="job",
             # The key too: the migrations that encrypt columns rewrite the rows already stored.
             secrets=("DATABASE_URL", "DATA_ENCRYPTION_KEY"), replicas=1, max_replicas=1),
    Workload("dashboards-import", ("mkt", "dashboards", "import"), kind="job", secrets=("SUPERSET_ADMIN_PASSWORD",),
             replicas=1, max_replicas=1),
)

PORTS = {"mlflow": 5000, "dagster-webserver": 3000}


def port_of(w: Workload) -> int:
    return PORTS.get(w.name, PORT)


def probe_paths(w: Workload) -> tuple[str, str]:
    """(liveness, readiness) paths: our services' kernel routes, or the tool's own health endpoint."""
    return {"mlflow": ("/health", "/health"),
            "dagster-webserver": ("/server_info", "/server_info")}.get(w.name, ("/healthz", "/readyz"))


@dataclass(frozen=True)
class Store:
    """A stateful part run from its project's image (compose, and the k8s `infra` component for a self-contained
    cluster; production overlays point CONFIG at managed or operator-run stores instead)."""
    name: str
    image: str
    port: int
    data: str
    command: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    health: tuple[str, ...] = ()
    memory: str = "1Gi"


STORES: tuple[Store, ...] = (
    # WAL archiving on, so a base backup plus the archive restores to any point in time (deploy/RUNBOOK.md).
    Store("postgres", "postgres:16.6", 5432, "/var/lib/postgresql/data",
          command=("postgres", "-c", "wal_level=replica", "-c", "archive_mode=on", "-c",
                   "archive_command=test ! -f /archive/%f && cp %p /archive/%f", "-c", "max_connections=400"),
          env={"POSTGRES_USER": "marketplace", "POSTGRES_PASSWORD_FILE": "/run/secrets/POSTGRES_PASSWORD"},
          health=("pg_isready", "-U", "marketplace"), memory="2Gi"),
    Store("kafka", "apache/kafka:3.9.0", 9092, "/var/lib/kafka/data",
          env={"KAFKA_NODE_ID": "1", "KAFKA_PROCESS_ROLES": "broker,controller",
               "KAFKA_LISTENERS": "PLAINTEXT://:9092,CONTROLLER://:9093",
               "KAFKA_ADVERTISED_LISTENERS": "PLAINTEXT://kafka:9092",
               "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
               "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
               "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@kafka:9093", "KAFKA_NUM_PARTITIONS": "6",
               "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1", "KAFKA_LOG_DIRS": "/var/lib/kafka/data"},
          health=("/opt/kafka/bin/kafka-topics.sh", "--bootstrap-server", "localhost:9092", "--list"), memory="2Gi"),
    Store("clickhouse", "clickhouse/clickhouse-server:24.8", 8123, "/var/lib/clickhouse",
          health=("wget", "-qO-", "http://localhost:8123/ping"), memory="4Gi"),
    Store("redis", "redis:7.4", 6379, "/data", command=("redis-server", "--appendonly", "yes"),
          health=("redis-cli", "ping"), memory="512Mi"),
    Store("typesense", "typesense/typesense:27.1", 8108, "/data",
          command=("sh", "-c", "exec typesense-server --data-dir /data --api-port 8108 "
                               "--api-key \"$(cat /run/secrets/TYPESENSE_API_KEY)\""),
          health=("curl", "-fs", "http://localhost:8108/health")),
    # A directory made in a fresh single-drive data dir is a bucket: the two the deployment uses exist at first start.
    Store("minio", "minio/minio:RELEASE.2024-12-18T13-15-44Z", 9000, "/data",
          command=("sh", "-c", "mkdir -p /data/mlflow-artifacts /data/marketplace-media && MINIO_ROOT_PASSWORD="
                               "\"$(cat /run/secrets/MINIO_ROOT_PASSWORD)\" exec minio server /data"),
          env={"MINIO_ROOT_USER": "marketplace"},
          health=("mc", "ready", "local")),
    Store("superset", "apache/superset:4.1.1", 8088, "/app/superset_home",
          health=("curl", "-fs", "http://localhost:8088/health")),
    Store("smtp", "axllent/mailpit:v1.21", 1025, "/data", health=()),
)
STORE_SECRETS = {"postgres": ("POSTGRES_PASSWORD",), "typesense": ("TYPESENSE_API_KEY",),
                 "minio": ("MINIO_ROOT_PASSWORD",)}
