# The demo's `command` panel: a local program that reads the access token
# from $AUTHDASH_ACCESS_TOKEN (never from its arguments) and prints JSON.
# It never prints the token: only whether it has one, and its length.
token_state="no token"
if [ -n "${AUTHDASH_ACCESS_TOKEN:-}" ]; then
  token_state="received (${#AUTHDASH_ACCESS_TOKEN} characters, in the environment only)"
fi
host=$(uname -n 2>/dev/null | tr -cd 'A-Za-z0-9._-')
system=$(uname -sr 2>/dev/null | tr -cd 'A-Za-z0-9._ -')
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "unknown")
printf '{"title":"This machine","summary":"Fed by a local program (assets/demo/this-machine.sh), not by the API.","items":[{"label":"Host","value":"%s"},{"label":"System","value":"%s"},{"label":"Load (1, 5, 15 min)","value":"%s"},{"label":"Org","value":"%s"},{"label":"Access token","value":"%s"}]}\n' \
  "$host" "$system" "$load" "$1" "$token_state"
