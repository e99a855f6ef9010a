<?php

declare(strict_types=1);

use Halext\Tests\JwksServer;
use Halext\Tests\Jwt;
use Halext\TokenException;
use Halext\TokenValidator;
use PHPUnit\Framework\TestCase;

/**
 * JWKS URLs from PHP against a local endpoint (`php -S`, see support/JwksServer.php): key
 * rotation, an endpoint that fails or serves garbage (before and after a good set), the
 * refresh rate limit, and per-process sharing (a validator re-created with the same options
 * on the next request reuses the fetched key set).
 */
final class TokenJwksTest extends TestCase
{
    /** @var JwksServer */
    private $server;

    protected function setUp(): void
    {
        $this->server = new JwksServer();
    }

    protected function tearDown(): void
    {
        $this->server->stop();
    }

    /** @param array<string, mixed> $extra */
    private function validator(array $extra = []): TokenValidator
    {
        return new TokenValidator($extra + [
            'profile' => 'jwt',
            'algorithms' => ['RS256'],
            'jwks_url' => $this->server->url,
            'allow_http_jwks' => true,
            'jwks_min_refresh_interval' => 0,
            'jwks_timeout_ms' => 3000,
        ]);
    }

    private static function token(string $privateKey, string $kid, string $sub = 'alice'): string
    {
        return Jwt::rs($privateKey, ['sub' => $sub, 'exp' => time() + 300], ['alg' => 'RS256', 'typ' => 'JWT', 'kid' => $kid]);
    }

    private static function code(TokenValidator $v, string $token): int
    {
        try {
            $v->validate($token);
            return 0;
        } catch (TokenException $e) {
            return $e->getCode();
        }
    }

    public function testRotationIsPickedUpOnTheFirstTokenWithTheNewKid(): void
    {
        $this->server->serve(Jwt::jwks([Jwt::jwk('rsa_public.pem', 'k1')]));
        $old = self::token('rsa_private.pem', 'k1');
        $new = self::token('rsa2_private.pem', 'k2', 'bob');
        self::assertSame('alice', $this->validator()->validate($old)['sub']);
        self::assertSame(1, $this->server->hits());

        // The issuer rotates: k2 is published, k1 withdrawn.
        $this->server->serve(Jwt::jwks([Jwt::jwk('rsa2_public.pem', 'k2')]));
        self::assertSame('bob', $this->validator()->validate($new)['sub']);
        self::assertSame(2, $this->server->hits(), 'an unknown kid triggers one refresh');
        self::assertSame(TokenException::UNKNOWN_KID, self::code($this->validator(), $old));
        self::assertSame(3, $this->server->hits());
    }

    public function testTheSameOptionsOnTheNextRequestReuseTheFetchedKeySet(): void
    {
        $this->server->serve(Jwt::jwks([Jwt::jwk('rsa_public.pem', 'k1')]));
        $token = self::token('rsa_private.pem', 'k1');
        for ($request = 0; $request < 5; $request++) {
            // What a PHP page does on every request.
            self::assertSame('alice', $this->validator(['leeway' => 7])->validate($token)['sub']);
        }
        self::assertSame(1, $this->server->hits(), 'one fetch for five validator objects with the same options');
        // Other options are another validator, with its own fetch.
        self::assertSame('alice', $this->validator(['leeway' => 8])->validate($token)['sub']);
        self::assertSame(2, $this->server->hits());
    }

    public function testAFailingEndpointBeforeAnyGoodSetIsKeySetUnavailable(): void
    {
        $token = self::token('rsa_private.pem', 'k1');
        $cases = [
            [function () { $this->server->fail(500); }, 'HTTP status 500'],
            [function () { $this->server->fail(404); }, 'HTTP status 404'],
            [function () { $this->server->garbage(); }, 'not a JWKS document'],
            [function () { $this->server->serve('{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}'); }, 'no key usable'],
        ];
        foreach ($cases as $i => [$setUp, $reason]) {
            $setUp();
            try {
                $this->validator(['leeway' => 100 + $i])->validate($token);
                self::fail("case $i: accepted");
            } catch (TokenException $e) {
                self::assertSame([TokenException::KEY_SET_UNAVAILABLE, 'token.key_set_unavailable'], [$e->getCode(), $e->getReason()], $e->getMessage());
                self::assertStringContainsString($reason, $e->getMessage());
            }
        }
        self::assertSame(count($cases), $this->server->hits());
    }

    public function testTheLastGoodSetIsServedWhileTheEndpointFails(): void
    {
        $this->server->serve(Jwt::jwks([Jwt::jwk('rsa_public.pem', 'k1')]));
        $good = self::token('rsa_private.pem', 'k1');
        self::assertSame('alice', $this->validator()->validate($good)['sub']);
        foreach (['garbage', 'fail'] as $mode) {
            $mode === 'garbage' ? $this->server->garbage() : $this->server->fail(503);
            $before = $this->server->hits();
            // An unknown kid forces a refresh, which fails: the kid stays unknown...
            self::assertSame(TokenException::UNKNOWN_KID, self::code($this->validator(), self::token('rsa2_private.pem', 'k9')));
            self::assertSame($before + 1, $this->server->hits(), $mode);
            // ...and tokens signed with the last good keys still validate.
            self::assertSame('alice', $this->validator()->validate($good)['sub'], $mode);
        }
    }

    public function testRefreshesAreRateLimitedAgainstRandomKids(): void
    {
        $this->server->serve(Jwt::jwks([Jwt::jwk('rsa_public.pem', 'k1')]));
        $v = $this->validator(['jwks_min_refresh_interval' => 30]);
        self::assertSame('alice', $v->validate(self::token('rsa_private.pem', 'k1'))['sub']);
        for ($i = 0; $i < 5; $i++) {
            self::assertSame(TokenException::UNKNOWN_KID, self::code($v, self::token('rsa_private.pem', "random-$i")));
        }
        self::assertSame(1, $this->server->hits(), 'no fetch within the minimum refresh interval');
    }

    public function testPlainHttpNeedsTheLoopbackOptIn(): void
    {
        try {
            new TokenValidator(['profile' => 'jwt', 'algorithms' => ['RS256'], 'jwks_url' => $this->server->url]);
            self::fail('plain http accepted');
        } catch (Halext\Exception $e) {
            self::assertSame('config', $e->getReason());
            self::assertStringContainsString('https', $e->getMessage());
        }
        self::assertSame(0, $this->server->hits(), 'construction does no I/O');
    }
}
