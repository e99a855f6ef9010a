<?php

declare(strict_types=1);

use Halext\Tests\Jwt;
use Halext\TokenException;
use Halext\TokenValidator;
use PHPUnit\Framework\TestCase;

/**
 * Halext\TokenValidator: the Halext and OpenWebUI profiles against tokens shaped exactly like
 * the real server's (python-jose), every token error code, the RFC 7515/7519/8725 pitfalls
 * (alg confusion, `none`, `crit`, a `kid` naming a key of another type, float/huge/negative
 * `exp`, `aud` as string or array), the options array, claims shapes, and secrecy (messages,
 * traces, clone/serialize).
 */
final class TokenValidatorTest extends TestCase
{
    /** The secret of the python-jose vectors (40 bytes). */
    private const SECRET = 'test-secret-0123456789-test-secret-0123';
    private const OWUI_SECRET = 'openwebui-sso-secret-0123456789-abcdef';

    private static function halext(): TokenValidator
    {
        return new TokenValidator(['secret' => self::SECRET]);
    }

    /**
     * @param callable(): mixed $call
     * @return TokenException
     */
    private static function rejected(callable $call): TokenException
    {
        try {
            $call();
        } catch (TokenException $e) {
            return $e;
        }
        self::fail('no Halext\TokenException was thrown');
    }

    private static function assertRejected(int $code, string $token, ?TokenValidator $v = null): TokenException
    {
        $v = $v ?? self::halext();
        $e = self::rejected(static function () use ($v, $token) {
            return $v->validate($token);
        });
        self::assertSame($code, $e->getCode(), $e->getReason() . ': ' . $e->getMessage());
        // The token (or any of its parts) never appears in a message.
        foreach (explode('.', $token) as $part) {
            if (strlen($part) > 8) {
                self::assertStringNotContainsString($part, $e->getMessage());
            }
        }
        return $e;
    }

    /** @return list<array<string, mixed>> */
    private static function vectors(): array
    {
        $file = Jwt::KEYS . 'python-jose-vectors.json';
        return json_decode((string) file_get_contents($file), true, 512, JSON_THROW_ON_ERROR)['vectors'];
    }

    public function testTokensMintedByPythonJoseValidateWithTheirExactClaims(): void
    {
        $checked = 0;
        foreach (self::vectors() as $vector) {
            if (isset($vector['openwebui'])) {
                continue;
            }
            $v = new TokenValidator(['secret' => $vector['secret']]);
            if ($vector['exp'] > time()) {
                self::assertSame(['sub' => $vector['sub'], 'exp' => $vector['exp']], $v->validate($vector['token']));
            } else {
                $e = self::assertRejected(TokenException::EXPIRED, $vector['token'], $v);
                self::assertSame('token.expired', $e->getReason());
                self::assertStringContainsString('expired at ' . $vector['exp'], $e->getMessage());
            }
            if (preg_match('/^[ -~]*$/', $vector['sub']) === 1) {
                self::assertSame($vector['token'], Jwt::halext($vector['secret'], $vector['sub'], $vector['exp']), 'the test helper mints the server\'s bytes');
            }
            $checked++;
        }
        self::assertSame(5, $checked);
    }

    public function testAFreshServerShapedTokenValidatesThroughEveryEntryPoint(): void
    {
        $exp = time() + 1800;
        $token = Jwt::halext(self::SECRET, 'zeniea_admin', $exp);
        $expected = ['sub' => 'zeniea_admin', 'exp' => $exp];
        self::assertSame($expected, self::halext()->validate($token));
        self::assertSame($expected, TokenValidator::halext(self::SECRET)->validate($token));
        self::assertSame($expected, (new TokenValidator(['profile' => 'halext', 'secret' => self::SECRET]))->validate($token));
        // A token seen before (served from the verified-token cache) gives the same array.
        self::assertSame($expected, self::halext()->validate($token));
    }

    public function testOpenWebUiSsoTokensInTheServersLayout(): void
    {
        $now = time();
        $claims = '{"user_id":42,"username":"alice","email":"alice@example.org","exp":' . ($now + 86400) . ',"iat":' . $now . ',"iss":"halext-org"}';
        $token = Jwt::hs(self::OWUI_SECRET, $claims, '{"alg":"HS256","typ":"JWT"}');
        $expected = ['iss' => 'halext-org', 'exp' => $now + 86400, 'iat' => $now, 'email' => 'alice@example.org', 'user_id' => 42, 'username' => 'alice'];
        self::assertSame($expected, TokenValidator::openWebUi(self::OWUI_SECRET)->validate($token));
        self::assertSame($expected, (new TokenValidator(['profile' => 'openwebui', 'secret' => self::OWUI_SECRET]))->validate($token));
        // The python-jose vector (long expired) is rejected as expired, not as anything else.
        foreach (self::vectors() as $vector) {
            if (isset($vector['openwebui'])) {
                self::assertRejected(TokenException::EXPIRED, $vector['token'], TokenValidator::openWebUi($vector['secret']));
            }
        }
        // Wrong issuer, missing user_id, and a Halext access token are all refused.
        $owui = TokenValidator::openWebUi(self::OWUI_SECRET);
        self::assertRejected(TokenException::WRONG_ISSUER, Jwt::hs(self::OWUI_SECRET, str_replace('"halext-org"', '"other"', $claims)), $owui);
        self::assertRejected(TokenException::MISSING_CLAIM, Jwt::hs(self::OWUI_SECRET, str_replace('"user_id":42,', '', $claims)), $owui);
        self::assertRejected(TokenException::MISSING_CLAIM, Jwt::halext(self::OWUI_SECRET, 'alice', $now + 60), $owui);
    }

    /** @return array<string, array{int, string, array<string, mixed>}> */
    public function everyTokenError(): array
    {
        $s = self::SECRET;
        $future = time() + 3600;
        $rsa = ['profile' => 'jwt', 'algorithms' => ['RS256'], 'jwks' => Jwt::jwks([Jwt::jwk('rsa_public.pem', 'a')])];
        // Options without a profile are the Halext profile with the test secret.
        return [
            'malformed: not three parts' => [TokenException::MALFORMED, 'not-a-token', []],
            'malformed: padding' => [TokenException::MALFORMED, Jwt::halext($s, 'alice', $future) . '=', []],
            'malformed: payload not JSON' => [TokenException::MALFORMED, Jwt::hs($s, 'not json'), []],
            'too large' => [TokenException::TOO_LARGE, Jwt::hs($s, ['sub' => str_repeat('a', 200), 'exp' => $future]), ['max_token_bytes' => 200]],
            'algorithm: none' => [TokenException::ALGORITHM, Jwt::b64('{"alg":"none"}') . '.' . Jwt::b64('{"sub":"alice","exp":' . $future . '}') . '.', []],
            'algorithm: HS512 for the Halext profile' => [TokenException::ALGORITHM, Jwt::hs($s, ['sub' => 'alice', 'exp' => $future], ['alg' => 'HS512']), []],
            'bad signature: other secret' => [TokenException::BAD_SIGNATURE, Jwt::halext(str_repeat('x', 40), 'alice', $future), []],
            'expired' => [TokenException::EXPIRED, Jwt::halext($s, 'alice', time() - 1), []],
            'not yet valid' => [TokenException::NOT_YET_VALID, Jwt::hs($s, ['sub' => 'alice', 'exp' => $future, 'nbf' => $future - 60]), []],
            'wrong issuer' => [TokenException::WRONG_ISSUER, Jwt::hs($s, ['iss' => 'evil', 'exp' => $future]), ['profile' => 'jwt', 'algorithms' => ['HS256'], 'secret' => $s, 'issuer' => 'https://org.halext.org']],
            'wrong audience: any aud for Halext' => [TokenException::WRONG_AUDIENCE, Jwt::hs($s, ['sub' => 'alice', 'exp' => $future, 'aud' => 'x']), []],
            'missing claim: sub' => [TokenException::MISSING_CLAIM, Jwt::hs($s, ['exp' => $future]), []],
            'missing claim: exp' => [TokenException::MISSING_CLAIM, Jwt::hs($s, ['sub' => 'alice']), []],
            'invalid claim: sub is an int' => [TokenException::INVALID_CLAIM, Jwt::hs($s, ['sub' => 7, 'exp' => $future]), []],
            'unknown kid' => [TokenException::UNKNOWN_KID, Jwt::rs('rsa_private.pem', ['exp' => $future], ['alg' => 'RS256', 'kid' => 'zzz']), $rsa],
            'key set unavailable' => [TokenException::KEY_SET_UNAVAILABLE, Jwt::rs('rsa_private.pem', ['exp' => $future], ['alg' => 'RS256']),
                ['profile' => 'jwt', 'algorithms' => ['RS256'], 'jwks_url' => 'http://127.0.0.1:9/jwks', 'allow_http_jwks' => true, 'jwks_timeout_ms' => 2000]],
            'unsupported crit' => [TokenException::UNSUPPORTED_CRIT, Jwt::hs($s, ['sub' => 'alice', 'exp' => $future], ['alg' => 'HS256', 'crit' => ['exp'], 'exp' => 1]), []],
        ];
    }

    /**
     * @dataProvider everyTokenError
     * @param array<string, mixed> $options
     */
    public function testEveryTokenErrorCode(int $code, string $token, array $options): void
    {
        if (!isset($options['profile'])) {
            $options['secret'] = self::SECRET;
        }
        $e = self::assertRejected($code, $token, new TokenValidator($options));
        self::assertInstanceOf(Halext\Exception::class, $e);
        $row = array_values(array_filter(halext_error_codes(), static function (array $r) use ($code): bool {
            return $r['code'] === $code;
        }))[0];
        self::assertSame($row['reason'], $e->getReason());
        self::assertSame($code, constant(TokenException::class . '::' . $row['constant']));
    }

    public function testTheCodesNotReachableByAToken(): void
    {
        // 113: unusable key material, at construction.
        $e = self::rejected(static function () {
            return new TokenValidator(['secret' => 'short']);
        });
        self::assertSame([TokenException::INVALID_KEY, 'token.invalid_key'], [$e->getCode(), $e->getReason()]);
        self::assertStringContainsString('allow_short_secret', $e->getMessage());
        $legacy = new TokenValidator(['secret' => 'short', 'allow_short_secret' => true]);
        self::assertSame('alice', $legacy->validate(Jwt::halext('short', 'alice', time() + 60))['sub']);
        foreach ([['secret' => ''], ['profile' => 'jwt', 'algorithms' => ['RS256'], 'public_key_pem' => 'not a pem'],
                  ['profile' => 'jwt', 'algorithms' => ['RS256'], 'jwks' => '{"keys":[]}']] as $options) {
            $e = self::rejected(static function () use ($options) {
                return new TokenValidator($options);
            });
            self::assertSame(TokenException::INVALID_KEY, $e->getCode(), json_encode($options) . ': ' . $e->getMessage());
        }
        // Every code of the token range has a constant, and the tests above reach each of them.
        $reached = array_merge(array_column($this->everyTokenError(), 0), [TokenException::INVALID_KEY]);
        $all = array_values((new ReflectionClass(TokenException::class))->getConstants());
        $all = array_values(array_filter($all, static function (int $c): bool {
            return $c >= 100; // the general codes are inherited from Halext\Exception
        }));
        sort($all);
        $reached = array_values(array_unique($reached));
        sort($reached);
        self::assertSame($all, $reached);
    }

    public function testAlgorithmConfusionWithAnRsaPublicKeyAsHmacSecretFails(): void
    {
        // RFC 8725 §2.1/§3.1: an attacker HMAC-signs with the (public) PEM text.
        $pem = Jwt::pem('rsa_public.pem');
        $forged = Jwt::hs($pem, ['sub' => 'admin', 'exp' => time() + 60]);
        $rs256 = new TokenValidator(['profile' => 'jwt', 'algorithms' => ['RS256'], 'public_key_pem' => $pem]);
        self::assertRejected(TokenException::ALGORITHM, $forged, $rs256);
        // Even when HS256 is allowed too, a public key never serves as an HMAC secret.
        $both = new TokenValidator(['profile' => 'jwt', 'algorithms' => ['RS256', 'HS256'], 'public_key_pem' => $pem]);
        self::assertRejected(TokenException::ALGORITHM, $forged, $both);
        $genuine = Jwt::rs('rsa_private.pem', ['sub' => 'admin', 'exp' => time() + 60], ['alg' => 'RS256', 'typ' => 'JWT']);
        self::assertSame('admin', $both->validate($genuine)['sub']);
    }

    public function testAlgNoneNeverPassesInAnySpelling(): void
    {
        $claims = Jwt::b64('{"sub":"alice","exp":' . (time() + 60) . '}');
        foreach (['none', 'None', 'NONE', 'nOnE'] as $none) {
            foreach (['', Jwt::b64('sig')] as $signature) {
                $e = self::assertRejected(TokenException::ALGORITHM, Jwt::b64('{"alg":"' . $none . '","typ":"JWT"}') . ".$claims.$signature");
                self::assertStringContainsString('none', strtolower($e->getMessage()));
            }
        }
        try {
            new TokenValidator(['profile' => 'jwt', 'algorithms' => ['none'], 'secret' => self::SECRET]);
            self::fail('alg none was accepted in the options');
        } catch (Halext\Exception $e) {
            self::assertSame('config', $e->getReason());
        }
    }

    public function testCritAndB64FalseAreRejected(): void
    {
        $claims = ['sub' => 'alice', 'exp' => time() + 60];
        self::assertRejected(TokenException::UNSUPPORTED_CRIT, Jwt::hs(self::SECRET, $claims, ['alg' => 'HS256', 'crit' => ['http://example.org/ext'], 'http://example.org/ext' => true]));
        self::assertRejected(TokenException::UNSUPPORTED_CRIT, Jwt::hs(self::SECRET, $claims, ['alg' => 'HS256', 'b64' => false, 'crit' => ['b64']]));
        self::assertRejected(TokenException::MALFORMED, Jwt::hs(self::SECRET, $claims, ['alg' => 'HS256', 'crit' => []]));
    }

    public function testAKidNamingAKeyOfAnotherTypeIsAnAlgorithmErrorNotACrash(): void
    {
        $jwks = Jwt::jwks([Jwt::jwk('ec256_public.pem', 'ec-key'), Jwt::jwk('rsa_public.pem', 'rsa-key')]);
        $v = new TokenValidator(['profile' => 'jwt', 'algorithms' => ['RS256', 'ES256'], 'jwks' => $jwks]);
        $claims = ['sub' => 'alice', 'exp' => time() + 60];
        self::assertRejected(TokenException::ALGORITHM, Jwt::rs('rsa_private.pem', $claims, ['alg' => 'RS256', 'kid' => 'ec-key']), $v);
        self::assertSame('alice', $v->validate(Jwt::rs('rsa_private.pem', $claims, ['alg' => 'RS256', 'kid' => 'rsa-key']))['sub']);
        // The right type but the wrong key: a bad signature.
        $other = new TokenValidator(['profile' => 'jwt', 'algorithms' => ['RS256'], 'jwks' => Jwt::jwks([Jwt::jwk('rsa2_public.pem', 'rsa-key')])]);
        self::assertRejected(TokenException::BAD_SIGNATURE, Jwt::rs('rsa_private.pem', $claims, ['alg' => 'RS256', 'kid' => 'rsa-key']), $other);
    }

    public function testNumericDateEdgeCases(): void
    {
        $now = time();
        $t = static function (string $exp): string {
            return Jwt::hs(self::SECRET, '{"sub":"alice","exp":' . $exp . '}');
        };
        // Fractional: accepted, rounded down (never valid longer than the exact value).
        self::assertSame(['sub' => 'alice', 'exp' => $now + 100], self::halext()->validate($t(($now + 100) . '.7')));
        self::assertRejected(TokenException::EXPIRED, $t(($now - 1) . '.9'));
        // Negative: expired. Beyond year 9999, beyond int64, or not a number: invalid.
        self::assertRejected(TokenException::EXPIRED, $t('-1'));
        foreach (['253402300800', '1e300', '-1e300', '9223372036854775808', '18446744073709551616', '"' . ($now + 60) . '"', 'true', 'null'] as $bad) {
            $e = self::assertRejected(TokenException::INVALID_CLAIM, $t($bad));
            self::assertStringContainsString('"exp"', $e->getMessage());
        }
        // The largest accepted date.
        self::assertSame(253402300799, self::halext()->validate($t('253402300799'))['exp']);
    }

    public function testAudienceAsStringOrArray(): void
    {
        $v = new TokenValidator(['profile' => 'jwt', 'algorithms' => ['HS256'], 'secret' => self::SECRET, 'audience' => ['forum', 'wp']]);
        $exp = time() + 60;
        self::assertSame(['aud' => ['forum'], 'exp' => $exp], $v->validate(Jwt::hs(self::SECRET, ['aud' => 'forum', 'exp' => $exp])));
        self::assertSame(['aud' => ['x', 'wp'], 'exp' => $exp], $v->validate(Jwt::hs(self::SECRET, ['aud' => ['x', 'wp'], 'exp' => $exp])));
        self::assertRejected(TokenException::WRONG_AUDIENCE, Jwt::hs(self::SECRET, ['aud' => 'other', 'exp' => $exp]), $v);
        self::assertRejected(TokenException::WRONG_AUDIENCE, Jwt::hs(self::SECRET, ['aud' => [], 'exp' => $exp]), $v);
        self::assertRejected(TokenException::MISSING_CLAIM, Jwt::hs(self::SECRET, ['exp' => $exp]), $v);
        self::assertRejected(TokenException::INVALID_CLAIM, Jwt::hs(self::SECRET, ['aud' => ['forum', 5], 'exp' => $exp]), $v);
        // A single audience may be given as a string.
        $one = new TokenValidator(['profile' => 'jwt', 'algorithms' => 'HS256', 'secret' => self::SECRET, 'audience' => 'forum']);
        self::assertSame(['forum'], $one->validate(Jwt::hs(self::SECRET, ['aud' => 'forum', 'exp' => $exp]))['aud']);
    }

    public function testLeewayRequiredClaimsAndMissingExp(): void
    {
        $now = time();
        $expiredRecently = Jwt::halext(self::SECRET, 'alice', $now - 5);
        self::assertSame('alice', (new TokenValidator(['secret' => self::SECRET, 'leeway' => 60]))->validate($expiredRecently)['sub']);
        $noExp = Jwt::hs(self::SECRET, ['sub' => 'alice']);
        self::assertSame(['sub' => 'alice'], (new TokenValidator(['secret' => self::SECRET, 'allow_missing_exp' => true]))->validate($noExp));
        $v = new TokenValidator(['secret' => self::SECRET, 'required_claims' => ['uid']]);
        self::assertRejected(TokenException::MISSING_CLAIM, Jwt::halext(self::SECRET, 'alice', $now + 60), $v);
        self::assertSame(7, $v->validate(Jwt::hs(self::SECRET, ['sub' => 'alice', 'exp' => $now + 60, 'uid' => 7]))['uid']);
    }

    public function testClaimsComeBackTypedAndOrdered(): void
    {
        $exp = time() + 60;
        $claims = '{"zeta":{"nested":[1,2.5,null,true]},"jti":"j-1","sub":"J\u00fcrgen","iat":1700000000.2,"big":18446744073709551615,"42":"numeric key","iss":"me","exp":' . $exp . '}';
        $v = new TokenValidator(['profile' => 'jwt', 'algorithms' => ['HS256'], 'secret' => self::SECRET]);
        self::assertSame([
            'iss' => 'me', 'sub' => 'Jürgen', 'exp' => $exp, 'iat' => 1700000001, 'jti' => 'j-1',
            42 => 'numeric key', 'big' => '18446744073709551615', 'zeta' => ['nested' => [1, 2.5, null, true]],
        ], $v->validate(Jwt::hs(self::SECRET, $claims)));
    }

    public function testInvalidOptionsAreConfigErrorsNamingTheOption(): void
    {
        $cases = [
            [['leway' => 1], 'unknown option "leway"'],
            [['leeway' => -1], '`leeway` must be an integer'],
            [['leeway' => '5'], '`leeway`'],
            [['profile' => 'HALEXT'], '`profile`'],
            [['secret' => 42], '`secret` must be a string'],
            [['algorithms' => ['RS256']], 'cannot be used with the halext profile'],
            [['profile' => 'openwebui', 'jwks_url' => 'https://idp.example/jwks'], 'openwebui'],
            [['profile' => 'jwt'], '`algorithms`'],
            [['profile' => 'jwt', 'algorithms' => ['RS256']], 'no keys'],
            [['profile' => 'jwt', 'algorithms' => ['RS256'], 'jwks_url' => 'http://idp.example/jwks'], 'https'],
            [['profile' => 'jwt', 'algorithms' => ['RS256'], 'jwks_url' => 'http://idp.example/jwks', 'allow_http_jwks' => true], 'loopback'],
            [['profile' => 'jwt', 'algorithms' => ['HS256'], 'jwks_ttl' => 5], 'need `jwks_url`'],
            [[0 => 'halext'], 'unknown option "0"'],
        ];
        foreach ($cases as [$options, $needle]) {
            if (($options['profile'] ?? 'halext') !== 'jwt') {
                $options += ['secret' => self::SECRET];
            }
            try {
                new TokenValidator($options);
                self::fail('accepted: ' . json_encode($options));
            } catch (Halext\Exception $e) {
                self::assertSame(Halext\Exception::class, get_class($e), json_encode($options));
                self::assertSame([Halext\Exception::CONFIG, 'config'], [$e->getCode(), $e->getReason()], $e->getMessage());
                self::assertStringContainsString($needle, $e->getMessage());
                self::assertStringNotContainsString(self::SECRET, $e->getMessage());
            }
        }
        try {
            new TokenValidator(['issuer' => new stdClass()]);
            self::fail('an object was accepted');
        } catch (Halext\Exception $e) {
            self::assertSame(Halext\Exception::INVALID_ARGUMENT, $e->getCode());
            self::assertStringContainsString('stdClass', $e->getMessage());
        }
        $this->expectException(TypeError::class);
        new TokenValidator('secret'); // @phpstan-ignore-line
    }

    public function testSecretsAndTokensStayOutOfTracesAndObjects(): void
    {
        $token = Jwt::halext(self::SECRET, 'alice', time() - 10);
        $calls = [
            static function () use ($token) { return self::halext()->validate($token); },
            static function () { return new TokenValidator(['secret' => 'short-hunter2']); },
            static function () { return TokenValidator::halext('short-hunter2'); },
            static function () { return TokenValidator::openWebUi('short-hunter2'); },
        ];
        self::assertSame('0', ini_get('zend.exception_ignore_args'));
        foreach ($calls as $i => $call) {
            $e = self::rejected($call);
            self::assertInstanceOf(SensitiveParameterValue::class, $e->getTrace()[0]['args'][0], "call $i");
            self::assertStringNotContainsString('hunter2', $e->getTraceAsString() . $e->getMessage());
            self::assertStringNotContainsString(explode('.', $token)[2], $e->getTraceAsString());
        }
        $v = self::halext();
        self::assertSame([], get_object_vars($v));
        self::assertStringNotContainsString(self::SECRET, print_r($v, true) . var_export($v, true));
        self::assertTrue((new ReflectionClass(TokenValidator::class))->isFinal());
        try {
            clone $v;
            self::fail('cloned');
        } catch (Error $e) {
            self::assertStringContainsString('uncloneable', $e->getMessage());
        }
        $this->expectException(Exception::class);
        serialize($v);
    }

    public function testNonUtf8InputIsAMalformedTokenNotATypeError(): void
    {
        self::assertRejected(TokenException::MALFORMED, "a\xff.b\xfe.c");
        self::assertRejected(TokenException::MALFORMED, '');
    }
}
