#!/usr/bin/env bash
# Regenerates languages/halext-sso.pot from the plugin's PHP files (GNU gettext's xgettext with
# WordPress's i18n functions as keywords). Strings the plugin borrows from WordPress core on
# purpose (no text domain: core translates them) are dropped from the template.
set -euo pipefail
cd "$(dirname "$0")/.."
xgettext --language=PHP --from-code=UTF-8 --add-comments=translators: \
  --keyword=__ --keyword=_e --keyword=esc_html__ --keyword=esc_html_e \
  --keyword=esc_attr__ --keyword=esc_attr_e --keyword=_x:1,2c --keyword=_n:1,2 \
  --package-name="Halext SSO" --package-version="$(sed -n 's/^ \* Version: *//p' halext-sso.php)" \
  --msgid-bugs-address="https://org.halext.org/" --sort-by-file --omit-header \
  -o - halext-sso.php includes/*.php \
  | msggrep --invert-match --msgid -e 'already registered. Please choose' -e 'The password field is empty' -o - - \
  > languages/halext-sso.pot.body
{
  printf '# Translation template of the Halext SSO WordPress plugin (text domain halext-sso).\n'
  printf '# Regenerate with languages/make-pot.sh.\n'
  printf 'msgid ""\nmsgstr ""\n"Project-Id-Version: Halext SSO\\n"\n"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"\n"Last-Translator: \\n"\n"Language-Team: \\n"\n"Language: \\n"\n"MIME-Version: 1.0\\n"\n'
  printf '"Content-Type: text/plain; charset=UTF-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n"X-Domain: halext-sso\\n"\n\n'
  cat languages/halext-sso.pot.body
} > languages/halext-sso.pot
rm languages/halext-sso.pot.body
echo "languages/halext-sso.pot: $(grep -c '^msgid "' languages/halext-sso.pot) entries"
