<?php

declare(strict_types=1);

namespace Halext\Tests;

/**
 * Makes JWTs in plain PHP for the token tests: any header and claims (raw JSON text when the
 * exact bytes matter), HMAC (hash_hmac) and RSA (openssl_sign) signatures, and JWKs of the test
 * keys in halext-core/tests/token_data (throwaway keys for tests only).
 *
 * `halext()` mints a token exactly as the Halext server does (python-jose: header
 * `{"alg":"HS256","typ":"JWT"}`, claims `{"sub":…,"exp":…}` without spaces); TokenValidatorTest
 * checks it against tokens made by python-jose itself.
 */
final class Jwt
{
    public const KEYS = __DIR__ . '/../../../halext-core/tests/token_data/';

    public static function b64(string $bytes): string
    {
        return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
    }

    /** @param array<string, mixed>|string $json an array (encoded compactly) or raw JSON text */
    public static function json($json): string
    {
        return is_string($json) ? $json : json_encode($json, JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
    }

    /**
     * An HMAC-signed token (HS256/HS384/HS512).
     *
     * @param array<string, mixed>|string $claims
     * @param array<string, mixed>|string $header
     */
    public static function hs(string $secret, $claims, $header = ['alg' => 'HS256', 'typ' => 'JWT']): string
    {
        $hdr = is_string($header) ? json_decode($header, true) : $header;
        $algo = ['HS256' => 'sha256', 'HS384' => 'sha384', 'HS512' => 'sha512'][$hdr['alg'] ?? 'HS256'] ?? 'sha256';
        $input = self::b64(self::json($header)) . '.' . self::b64(self::json($claims));
        return $input . '.' . self::b64(hash_hmac($algo, $input, $secret, true));
    }

    /** A Halext access token, byte for byte as the server's python-jose makes it (ASCII `sub`). */
    public static function halext(string $secret, string $sub, int $exp): string
    {
        return self::hs($secret, '{"sub":' . json_encode($sub) . ',"exp":' . $exp . '}', '{"alg":"HS256","typ":"JWT"}');
    }

    /**
     * An RSA-signed token (RS256/RS384/RS512) with a private key file of token_data.
     *
     * @param array<string, mixed>|string $claims
     * @param array<string, mixed> $header
     */
    public static function rs(string $privateKeyFile, $claims, array $header): string
    {
        $algo = ['RS256' => OPENSSL_ALGO_SHA256, 'RS384' => OPENSSL_ALGO_SHA384, 'RS512' => OPENSSL_ALGO_SHA512][$header['alg']];
        $input = self::b64(self::json($header)) . '.' . self::b64(self::json($claims));
        $key = openssl_pkey_get_private((string) file_get_contents(self::KEYS . $privateKeyFile));
        if ($key === false || !openssl_sign($input, $signature, $key, $algo)) {
            throw new \RuntimeException("cannot sign with $privateKeyFile");
        }
        return $input . '.' . self::b64($signature);
    }

    /** The PEM text of a key file of token_data. */
    public static function pem(string $file): string
    {
        return (string) file_get_contents(self::KEYS . $file);
    }

    /**
     * The JWK (RFC 7517) of an RSA or EC public key file of token_data.
     *
     * @return array<string, string>
     */
    public static function jwk(string $publicKeyFile, ?string $kid = null, ?string $alg = null): array
    {
        $details = openssl_pkey_get_details(openssl_pkey_get_public(self::pem($publicKeyFile)));
        if (isset($details['rsa'])) {
            $jwk = ['kty' => 'RSA', 'n' => self::b64($details['rsa']['n']), 'e' => self::b64($details['rsa']['e'])];
        } else {
            $curve = ['prime256v1' => 'P-256', 'secp384r1' => 'P-384'][$details['ec']['curve_name']];
            $jwk = ['kty' => 'EC', 'crv' => $curve, 'x' => self::b64($details['ec']['x']), 'y' => self::b64($details['ec']['y'])];
        }
        if ($kid !== null) {
            $jwk['kid'] = $kid;
        }
        if ($alg !== null) {
            $jwk['alg'] = $alg;
        }
        return $jwk;
    }

    /** @param list<array<string, string>> $keys */
    public static function jwks(array $keys): string
    {
        return json_encode(['keys' => $keys], JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
    }
}
