#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh:
#   deploy/restore.sh BACKUP_DIR/<time>
# into the database DATABASE_URL names, which must exist and be empty (create
# it first, docs/deploy.md "Restore"), and MEDIA_ROOT, whose files are
# replaced. Stop the web and worker services first. All or nothing on the
# database: one transaction, stopped at the first error.
set -euo pipefail

backup=${1:?usage: deploy/restore.sh BACKUP_DIR/<time>}
: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${MEDIA_ROOT:?MEDIA_ROOT is not set}"

(cd "$backup" && sha256sum --check --quiet SHA256SUMS)

tables=$(psql "$DATABASE_URL" -tAc \
  "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != "0" ]; then
  echo "The database is not empty ($tables tables): restore into a new, empty one." >&2
  exit 1
fi

# --no-owner: everything belongs to the role restoring it (the site's);
# --no-comments: only a superuser may comment the extensions.
pg_restore --no-owner --no-privileges --no-comments --exit-on-error \
  --single-transaction --dbname="$DATABASE_URL" "$backup/database.dump"

mkdir -p "$MEDIA_ROOT"
find "$MEDIA_ROOT" -mindepth 1 -delete
tar -C "$MEDIA_ROOT" -xzf "$backup/media.tar.gz"
echo "restored $backup"
