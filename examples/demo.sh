#!/usr/bin/env bash
# The main job on the bundled examples, with no network: two throwaway git checkouts
# (strukt-system, the source of truth, and strukt-app, a consumer), a drift check,
# then a sync that commits the file onto the consumer's sync branch.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The Python that has schema-sync: $PYTHON when set, else the checkout's .venv (made by
# `bash scripts/setup`), else python3. Nothing is installed here: Debian's and Ubuntu's
# python3 refuse system-wide installs (PEP 668), and scripts/setup knows how to cope.
if [ -n "${PYTHON:-}" ]; then
  python=$PYTHON
elif [ -x "$here/../.venv/bin/python" ]; then
  python=$here/../.venv/bin/python
else
  python=python3
fi
# Asked from / so that a sync_action in the current directory does not answer for it.
if ! (cd / && "$python" -c "import sync_action, yaml, jsonschema") 2>/dev/null; then
  echo "demo: $python cannot run schema-sync: run 'bash scripts/setup' in $(cd "$here/.." && pwd) first" >&2
  exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/schema-sync-demo.XXXXXX")
export GIT_AUTHOR_NAME=demo GIT_AUTHOR_EMAIL=demo@example.com
export GIT_COMMITTER_NAME=demo GIT_COMMITTER_EMAIL=demo@example.com

commit() {  # commit the files of examples/$2 into the checkout $1
  cp -R "$here/$2/." "$work/$1/"
  git -C "$work/$1" add -A
  git -C "$work/$1" commit -q -m "$3"
}
for repo in strukt-system strukt-app; do git init -q -b main "$work/$repo"; done
commit strukt-app strukt-app "strukt-app at spec v1.0.0"
commit strukt-system strukt-app "spec v1.0.0"          # the source's history: v1.0.0 first,
commit strukt-system strukt-system "spec v1.1.0"       # then the current v1.1.0

cd "$work/strukt-system"
run() { printf '\n$ schema-sync %s\n' "$*"; "$python" -m sync_action "$@"; }

run validate schema/AIRTABLE_SPEC.yaml
run drift --peer-dir ../strukt-app --peer-repos STRUKT1/strukt-app --fail-on-drift false
run sync --peer-dir ../strukt-app --peer-repos STRUKT1/strukt-app
run sync --peer-dir ../strukt-app --peer-repos STRUKT1/strukt-app

printf '\nThe consumer now has a sync branch (its working tree is untouched):\n'
git -C ../strukt-app log --oneline main schema-sync/schema-AIRTABLE_SPEC-yaml
printf '\nReport of the last run (the second sync): %s\n' "$work/strukt-system/schema-drift-report/schema_drift_report.json"
