#!/usr/bin/env bash
# Re-extract the interface strings into the gettext catalogues, then check the
# Simplified Chinese one (the default interface language) is complete.
#
#   scripts/update_messages.sh            # extract + check
#   scripts/update_messages.sh --check    # only check, extract nothing
#
# Safe to re-run. Exits non-zero, listing the entries, when zh_Hans has
# untranslated or fuzzy messages or a placeholder mismatch. English needs no
# msgstrs: the msgids are English and Django falls back to them.
# Compiled .mo files are build output (see `make messages`); none are written here.
set -euo pipefail

cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
ZH_PO=onewindow/locale/zh_Hans/LC_MESSAGES/django.po

for tool in msgattrib msgfmt xgettext; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found (apt-get install gettext)" >&2; exit 2; }
done

if [[ "${1:-}" != "--check" ]]; then
  mkdir -p onewindow/locale
  "$PY" manage.py makemessages -l zh_Hans -l en \
    --ignore='.venv/*' --ignore='var/*' --ignore='node_modules/*' --ignore='test-results/*' \
    --no-obsolete -v 1
fi

[[ -f "$ZH_PO" ]] || { echo "error: $ZH_PO is missing" >&2; exit 1; }

status=0
untranslated="$(msgattrib --untranslated --no-obsolete "$ZH_PO")"
if [[ -n "$untranslated" ]]; then
  echo "Untranslated zh_Hans messages in $ZH_PO:" >&2
  printf '%s\n' "$untranslated" | msgattrib --no-wrap --no-location - 2>/dev/null | grep '^msgid ' | grep -v '^msgid ""$' >&2 \
    || printf '%s\n' "$untranslated" >&2
  status=1
fi

fuzzy="$(msgattrib --only-fuzzy --no-obsolete "$ZH_PO")"
if [[ -n "$fuzzy" ]]; then
  echo "Fuzzy zh_Hans messages in $ZH_PO (check the translation, then delete the '#, fuzzy' line):" >&2
  printf '%s\n' "$fuzzy" | msgattrib --no-wrap --no-location - 2>/dev/null | grep '^msgid ' | grep -v '^msgid ""$' >&2 \
    || printf '%s\n' "$fuzzy" >&2
  status=1
fi

# Placeholders (%(name)s, {name}) and header sanity.
if ! msgfmt --check --output-file=/dev/null "$ZH_PO"; then
  echo "msgfmt --check failed for $ZH_PO" >&2
  status=1
fi

if [[ $status -eq 0 ]]; then
  echo "zh_Hans: $(msgfmt --statistics --output-file=/dev/null "$ZH_PO" 2>&1)"
fi
exit $status
