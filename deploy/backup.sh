#!/usr/bin/env bash
# A backup of PartyQuality: the database (pg_dump, custom format) and the
# uploaded and generated files (MEDIA_ROOT), in BACKUP_DIR/<UTC time>/ with
# their checksums. Backups older than BACKUP_KEEP_DAYS (14) are deleted.
#
# Reads DATABASE_URL, MEDIA_ROOT and BACKUP_DIR from the environment
# (partyquality.env: the systemd unit partyquality-backup.service passes it).
# The database is dumped as one consistent snapshot while the site runs; a
# file uploaded during the backup may be missing from it (docs/deploy.md).
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${MEDIA_ROOT:?MEDIA_ROOT is not set}"
: "${BACKUP_DIR:?BACKUP_DIR is not set}"

stamp=$(date -u +%Y%m%d-%H%M%S)
dest="$BACKUP_DIR/$stamp"
partial="$dest.partial"
mkdir -p "$partial"
trap 'rm -rf "$partial"' ERR

pg_dump --format=custom --no-owner --no-privileges \
  --dbname="$DATABASE_URL" --file="$partial/database.dump"
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -czf "$partial/media.tar.gz" .
(cd "$partial" && sha256sum database.dump media.tar.gz >SHA256SUMS)
mv "$partial" "$dest"

find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '20*' \
  -mtime +"${BACKUP_KEEP_DAYS:-14}" -exec rm -rf {} +
echo "backup written: $dest ($(du -sh "$dest" | cut -f1))"
