#!/usr/bin/env bash
# The main job on the bundled examples, with no network: two throwaway git checkouts
# (strukt-system, the source of truth, and strukt-app, a consumer), a drift check,
# then a sync that commits the file onto the consumer's sync branch.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=${PYTHON:-python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/schema-sync-demo.XXXXXX")
export GIT_AUTHOR_NAME=demo GIT_AUTHOR_EMAIL=demo@example.com
export GIT_COMMITTER_NAME=demo GIT_COMMITTER_EMAIL=demo@example.com

for repo in strukt-system strukt-app; do
  git init -q -b main "$work/$repo"
  cp -R "$here/$repo/." "$work/$repo/"
  git -C "$work/$repo" add -A
  git -C "$work/$repo" commit -q -m "initial $repo"
done

cd "$work/strukt-system"
run() { printf '\n$ schema-sync %s\n' "$*"; "$python" -m sync_action "$@"; }

run validate schema/AIRTABLE_SPEC.yaml
run drift --peer-dir ../strukt-app --peer-repos STRUKT1/strukt-app --fail-on-drift false
run sync --peer-dir ../strukt-app --peer-repos STRUKT1/strukt-app
run sync --peer-dir ../strukt-app --peer-repos STRUKT1/strukt-app

printf '\nThe consumer now has a sync branch (its working tree is untouched):\n'
git -C ../strukt-app log --oneline main schema-sync/schema-AIRTABLE_SPEC-yaml
printf '\nReport: %s\n' "$work/strukt-system/schema-drift-report/schema_drift_report.json"
