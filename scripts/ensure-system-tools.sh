#!/usr/bin/env bash
# Installs what the browser tests need from Debian: Chromium, Java for the Nu HTML Checker, and
# nginx with its brotli_static module for the deployment test (tests/test_deploy_nginx.py).
# As root (CI, fresh machines) it installs them; otherwise it says in one line how to.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
ls /usr/lib/nginx/modules/ngx_http_brotli_static_module.so >/dev/null 2>&1 || missing+=(libnginx-mod-http-brotli-static)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "The browser tests need ${missing[*]}: run 'sudo apt-get install -y ${missing[*]}' and try again." >&2
  exit 1
fi
echo "Installing ${missing[*]} with apt-get (once per machine)…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
# Debian starts nginx as a service where it can; the tests run their own on a free port instead.
if [[ " ${missing[*]} " == *" nginx "* ]] && command -v service >/dev/null 2>&1; then
  service nginx stop >/dev/null 2>&1 || true
fi
