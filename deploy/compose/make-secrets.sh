#!/usr/bin/env bash
# Writes random values for every secret compose.yaml names into deploy/compose/secrets/ (git-ignored); keeps
# the ones that exist. Production takes them from its secret manager instead.
set -euo pipefail
dir=$(cd "$(dirname "$0")" && pwd)/secrets; mkdir -p "$dir"; chmod 700 "$dir"
rand() { python3 -c 'import secrets; print(secrets.token_urlsafe(32), end="")'; }
put() { [ -s "$dir/$1" ] || { printf '%s' "$2" > "$dir/$1"; chmod 600 "$dir/$1"; }; }
for n in SECRET_KEY WEBHOOK_SECRET INTERNAL_API_TOKEN TYPESENSE_API_KEY SUPERSET_ADMIN_PASSWORD POSTGRES_PASSWORD \
         MINIO_ROOT_PASSWORD STRIPE_SECRET_KEY; do put "$n" "$(rand)"; done
put S3_ACCESS_KEY_ID marketplace
put S3_SECRET_ACCESS_KEY "$(cat "$dir/MINIO_ROOT_PASSWORD")"  # MinIO's root account (single-tenant dev)
put DATA_ENCRYPTION_KEY "$(python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode(), end="")')"
put DATABASE_URL "postgresql+psycopg://marketplace:$(cat "$dir/POSTGRES_PASSWORD")@postgres:5432"
put AUTH_JWT_PRIVATE_KEY "$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null)"
echo "secrets in $dir"
