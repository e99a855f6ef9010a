#!/usr/bin/env bash
# Writes the tokens and JWKS documents the C token tests use into OUTDIR, one file each, made
# fresh on every run with the openssl command-line tool (so valid tokens are valid *now* and
# nothing signed is committed). Keys: the throwaway test keys in halext-core/tests/token_data.
#
#   tests/c/make-token-fixtures.sh OUTDIR      (scripts/test-c.sh runs it; the C tests read
#                                              OUTDIR from HALEXT_C_FIXTURES)
#
# HS256 tokens use the secret written to OUTDIR/secret; Halext-shaped ones have exactly the
# server's bytes (python-jose: {"alg":"HS256","typ":"JWT"} and {"sub":...,"exp":...}).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
OUT="$1"
KEYS="$(cd "$(dirname "$0")/../../halext-core/tests/token_data" && pwd)"
mkdir -p "$OUT"

SECRET="c-test-secret-0123456789-c-test-secret-01"
OTHER="another-secret-0123456789-another-secret-"
NOW="$(date +%s)"
FUTURE=$((NOW + 3600))

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
hex() { od -An -v -tx1 | tr -d ' \n'; }
unhex() { printf '%b' "$(sed 's/../\\x&/g')"; }

# hs ALG KEYFILE HEADER CLAIMS: an HMAC-signed token (key = the bytes of KEYFILE).
hs() {
  local md input
  case "$1" in HS256) md=sha256 ;; HS384) md=sha384 ;; HS512) md=sha512 ;; esac
  input="$(printf %s "$3" | b64url).$(printf %s "$4" | b64url)"
  printf '%s.%s' "$input" "$(printf %s "$input" \
    | openssl dgst -"$md" -mac HMAC -macopt "hexkey:$(hex < "$2")" -binary | b64url)"
}
# rs PRIVATE_PEM HEADER CLAIMS: an RS256 token.
rs() {
  local input
  input="$(printf %s "$2" | b64url).$(printf %s "$3" | b64url)"
  printf '%s.%s' "$input" "$(printf %s "$input" | openssl dgst -sha256 -sign "$KEYS/$1" -binary | b64url)"
}
rsa_jwk() { # PUBLIC_PEM KID
  local n
  n="$(openssl rsa -pubin -in "$KEYS/$1" -noout -modulus | cut -d= -f2 | tr 'A-F' 'a-f' | unhex | b64url)"
  printf '{"kty":"RSA","kid":"%s","n":"%s","e":"AQAB"}' "$2" "$n"
}
ec_jwk() { # P-256 PUBLIC_PEM KID  (the last 64 bytes of the SPKI DER are X || Y)
  local xy
  xy="$(openssl pkey -pubin -in "$KEYS/$1" -outform DER | tail -c 64 | hex)"
  printf '{"kty":"EC","crv":"P-256","kid":"%s","x":"%s","y":"%s"}' "$2" \
    "$(printf %s "${xy:0:64}" | unhex | b64url)" "$(printf %s "${xy:64:64}" | unhex | b64url)"
}

printf %s "$SECRET" > "$OUT/secret"
printf %s "$OTHER" > "$OUT/other_secret"
H='{"alg":"HS256","typ":"JWT"}'
put() { printf '%s' "$2" > "$OUT/$1"; }

put valid          "$(hs HS256 "$OUT/secret" "$H" "{\"sub\":\"alice\",\"exp\":$FUTURE}")"
put expired        "$(hs HS256 "$OUT/secret" "$H" "{\"sub\":\"alice\",\"exp\":$((NOW - 10))}")"
put bad_signature  "$(hs HS256 "$OUT/other_secret" "$H" "{\"sub\":\"alice\",\"exp\":$FUTURE}")"
put hs512          "$(hs HS512 "$OUT/secret" '{"alg":"HS512","typ":"JWT"}' "{\"sub\":\"alice\",\"exp\":$FUTURE}")"
put none           "$(printf %s '{"alg":"none"}' | b64url).$(printf %s "{\"sub\":\"alice\",\"exp\":$FUTURE}" | b64url)."
put crit           "$(hs HS256 "$OUT/secret" '{"alg":"HS256","crit":["exp"],"exp":1}' "{\"sub\":\"alice\",\"exp\":$FUTURE}")"
put nbf_future     "$(hs HS256 "$OUT/secret" "$H" "{\"sub\":\"alice\",\"exp\":$FUTURE,\"nbf\":$((FUTURE - 60))}")"
put no_exp         "$(hs HS256 "$OUT/secret" "$H" '{"sub":"alice"}')"
put no_sub         "$(hs HS256 "$OUT/secret" "$H" "{\"exp\":$FUTURE}")"
put sub_int        "$(hs HS256 "$OUT/secret" "$H" "{\"sub\":7,\"exp\":$FUTURE}")"
put exp_string     "$(hs HS256 "$OUT/secret" "$H" "{\"sub\":\"alice\",\"exp\":\"$FUTURE\"}")"
put exp_float      "$(hs HS256 "$OUT/secret" "$H" "{\"sub\":\"alice\",\"exp\":$FUTURE.75}")"
put exp_huge       "$(hs HS256 "$OUT/secret" "$H" '{"sub":"alice","exp":253402300800}')"
put exp_1e300      "$(hs HS256 "$OUT/secret" "$H" '{"sub":"alice","exp":1e300}')"
put exp_negative   "$(hs HS256 "$OUT/secret" "$H" '{"sub":"alice","exp":-1}')"
put aud_halext     "$(hs HS256 "$OUT/secret" "$H" "{\"sub\":\"alice\",\"exp\":$FUTURE,\"aud\":\"forum\"}")"
put aud_string     "$(hs HS256 "$OUT/secret" "$H" "{\"exp\":$FUTURE,\"aud\":\"forum\"}")"
put aud_array      "$(hs HS256 "$OUT/secret" "$H" "{\"exp\":$FUTURE,\"aud\":[\"wp\",\"forum\"]}")"
put aud_other      "$(hs HS256 "$OUT/secret" "$H" "{\"exp\":$FUTURE,\"aud\":[\"wp\"]}")"
put iss_evil       "$(hs HS256 "$OUT/secret" "$H" "{\"exp\":$FUTURE,\"iss\":\"evil\"}")"
put owui           "$(hs HS256 "$OUT/secret" "$H" "{\"user_id\":42,\"username\":\"alice\",\"email\":\"alice@example.org\",\"exp\":$FUTURE,\"iat\":$NOW,\"iss\":\"halext-org\"}")"
put long_sub       "$(hs HS256 "$OUT/secret" "$H" "{\"sub\":\"$(printf 'a%.0s' {1..300})\",\"exp\":$FUTURE}")"
put malformed      "not-a-token"

# Asymmetric: RS256 tokens, their JWKS, and the RFC 8725 confusions.
put rs_k1          "$(rs rsa_private.pem '{"alg":"RS256","typ":"JWT","kid":"k1"}' "{\"sub\":\"alice\",\"exp\":$FUTURE}")"
put rs_k2          "$(rs rsa2_private.pem '{"alg":"RS256","typ":"JWT","kid":"k2"}' "{\"sub\":\"bob\",\"exp\":$FUTURE}")"
put rs_kid_ec      "$(rs rsa_private.pem '{"alg":"RS256","typ":"JWT","kid":"ec"}' "{\"sub\":\"alice\",\"exp\":$FUTURE}")"
put rs_kid_unknown "$(rs rsa_private.pem '{"alg":"RS256","typ":"JWT","kid":"zzz"}' "{\"sub\":\"alice\",\"exp\":$FUTURE}")"
put hs_with_pem    "$(hs HS256 "$KEYS/rsa_public.pem" "$H" "{\"sub\":\"admin\",\"exp\":$FUTURE}")"
put jwks_k1        "{\"keys\":[$(rsa_jwk rsa_public.pem k1)]}"
put jwks_k2        "{\"keys\":[$(rsa_jwk rsa2_public.pem k2)]}"
put jwks_mixed     "{\"keys\":[$(ec_jwk ec256_public.pem ec),$(rsa_jwk rsa_public.pem k1)]}"
# The RSA public key PEM as a JSON string (for {"public_key_pem": ...}).
put rsa_pem_json   "\"$(awk '{ printf "%s\\n", $0 }' "$KEYS/rsa_public.pem")\""
