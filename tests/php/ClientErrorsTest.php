<?php

declare(strict_types=1);

use Halext\ApiException;
use Halext\Client;
use Halext\Tests\TestServer;
use PHPUnit\Framework\TestCase;

/**
 * Every `Halext\ApiException` code (api.* 200–211) from real server answers and injected
 * faults, with the data a caller acts on (status, field errors, Retry-After); retries
 * (idempotent requests only, on 5xx/429/broken connections, honouring Retry-After) and
 * timeouts (per attempt, never retried).
 */
final class ClientErrorsTest extends TestCase
{
    /** @var TestServer */
    private static $server;

    public static function setUpBeforeClass(): void
    {
        self::$server = new TestServer();
    }

    public static function tearDownAfterClass(): void
    {
        self::$server->stop();
    }

    protected function setUp(): void
    {
        self::$server->reset();
    }

    private static function client(array $extra = []): Client
    {
        return new Client(self::$server->options($extra));
    }

    /** Runs `$call`, which must throw an ApiException; returns it. */
    private static function fails(callable $call): ApiException
    {
        try {
            $call();
        } catch (ApiException $e) {
            return $e;
        }
        self::fail('no Halext\ApiException');
    }

    private static function assertApi(ApiException $e, int $code, string $reason, ?int $status): void
    {
        self::assertSame([$code, $reason, $status], [$e->getCode(), $e->getReason(), $e->getStatus()], $e->getMessage());
    }

    public function testUnauthorizedForbiddenNotFoundConflict(): void
    {
        $ann = self::$server->user('ann');
        $c = self::client();
        $e = self::fails(fn () => $c->me('not-a-token'));
        self::assertApi($e, ApiException::UNAUTHORIZED, 'api.unauthorized', 401);
        self::assertStringContainsString('Could not validate credentials', $e->getMessage());
        self::assertStringNotContainsString($ann, self::fails(fn () => $c->adminBlogPosts($ann))->getMessage());
        $e = self::fails(fn () => $c->login('ann', 'wrong'));
        self::assertApi($e, ApiException::UNAUTHORIZED, 'api.unauthorized', 401);
        self::assertStringNotContainsString('wrong', $e->getMessage());
        self::assertApi(self::fails(fn () => $c->adminBlogPosts($ann)), ApiException::FORBIDDEN, 'api.forbidden', 403);
        $e = self::fails(fn () => $c->publicBlogPost('nope'));
        self::assertApi($e, ApiException::NOT_FOUND, 'api.not_found', 404);
        self::assertStringContainsString('Blog post not found', $e->getMessage());
        $e = self::fails(fn () => $c->register(['username' => 'other', 'email' => 'ann@example.org', 'password' => 'p']));
        self::assertApi($e, ApiException::CONFLICT, 'api.conflict', 400);
        self::assertStringContainsString('Email already registered', $e->getMessage());
        self::assertSame([], $e->getFieldErrors());
        self::assertNull($e->getRetryAfter());
    }

    public function testValidationCarriesFieldErrors(): void
    {
        // A JSON body on the form route: Halext reports both form fields missing.
        $e = self::fails(fn () => self::client()->request('POST', '/token', ['json' => ['user' => 'x', 'password' => 'hunter2']]));
        self::assertApi($e, ApiException::VALIDATION, 'api.validation', 422);
        $errors = $e->getFieldErrors();
        self::assertSame(['field' => 'username', 'loc' => ['body', 'username'], 'msg' => 'Field required', 'type' => 'missing'], $errors[0]);
        self::assertSame(['username', 'password'], array_column($errors, 'field'));
        self::assertStringNotContainsString('hunter2', $e->getMessage() . json_encode($errors), 'pydantic `input` is dropped');
    }

    public function testRateLimitedCarriesRetryAfterAndLongWaitsAreNotRetried(): void
    {
        self::$server->fault(['path_prefix' => '/version', 'kind' => 'rate_limit', 'retry_after' => 30, 'count' => 5]);
        $e = self::fails(fn () => self::client()->version());
        self::assertApi($e, ApiException::RATE_LIMITED, 'api.rate_limited', 429);
        self::assertSame(30, $e->getRetryAfter());
        self::assertCount(1, self::$server->requests(), 'Retry-After beyond retry_max_ms ends the retries');
    }

    public function testAShortRetryAfterIsHonouredAndRetried(): void
    {
        self::$server->fault(['path_prefix' => '/version', 'kind' => 'rate_limit', 'retry_after' => 0, 'count' => 1]);
        self::assertSame('0.2.0-refactored', self::client()->version()['version']);
        self::assertSame([429, 200], array_column(self::$server->requests(), 'status'));
    }

    public function testServerErrorsPlainTextJsonAndRedirects(): void
    {
        $ann = self::$server->user('ann');
        $c = self::client();
        self::$server->fault(['path_prefix' => '/social/circles', 'kind' => 'status_500']);
        $e = self::fails(fn () => $c->createCircle($ann, ['name' => 'x']));
        self::assertApi($e, ApiException::SERVER, 'api.server', 500);
        self::assertStringContainsString('Internal Server Error', $e->getMessage());
        self::$server->fault(['path_prefix' => '/ai/chat', 'kind' => 'status', 'status' => 503, 'detail' => 'AI provider timed out']);
        $e = self::fails(fn () => $c->chat($ann, 'hi'));
        self::assertApi($e, ApiException::SERVER, 'api.server', 503);
        self::assertStringContainsString('AI provider timed out', $e->getMessage());
        // The wrong trailing slash: Halext answers 307; the client never follows redirects.
        $e = self::fails(fn () => $c->request('GET', '/users/me', ['token' => $ann]));
        self::assertApi($e, ApiException::SERVER, 'api.server', 307);
        self::assertStringContainsString('GET /users/me', $e->getMessage());
    }

    public function testTimeoutIsPerAttemptAndNotRetried(): void
    {
        self::$server->fault(['path_prefix' => '/version', 'kind' => 'delay_ms', 'ms' => 1500, 'count' => 3]);
        $e = self::fails(fn () => self::client(['timeout_ms' => 150])->version());
        self::assertApi($e, ApiException::TIMEOUT, 'api.timeout', null);
        self::assertStringContainsString('timed out after 150 ms', $e->getMessage());
        self::assertCount(1, self::$server->requests(), 'a timeout is not retried');
    }

    public function testConnectionRefused(): void
    {
        $sock = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr((string) stream_socket_get_name($sock, false), strrpos((string) stream_socket_get_name($sock, false), ':') + 1);
        fclose($sock);   // nothing listens there now
        $e = self::fails(fn () => (new Client(['url' => "http://127.0.0.1:$port", 'retries' => 0]))->health());
        self::assertApi($e, ApiException::CONNECT, 'api.connect', null);
    }

    public function testDecodeAndTransportErrors(): void
    {
        $c = self::client(['retries' => 0]);
        self::$server->fault(['path_prefix' => '/version', 'kind' => 'garbage_body']);
        self::assertApi(self::fails(fn () => $c->version()), ApiException::DECODE, 'api.decode', null);
        self::$server->fault(['path_prefix' => '/health', 'kind' => 'reset']);
        self::assertApi(self::fails(fn () => $c->health()), ApiException::TRANSPORT, 'api.transport', null);
        self::$server->fault(['path_prefix' => '/health', 'kind' => 'truncate']);
        $e = self::fails(fn () => $c->health());
        self::assertContains($e->getReason(), ['api.transport', 'api.decode'], $e->getMessage());
        // The client is still usable afterwards.
        self::assertSame('healthy', $c->health()['status']);
    }

    public function testRequestsRefusedBeforeSending(): void
    {
        $admin = self::$server->user('root', true);
        $c = self::client(['max_upload_bytes' => 10]);
        $e = self::fails(fn () => $c->uploadMediaBytes($admin, str_repeat('x', 11), 'big.bin'));
        self::assertApi($e, ApiException::REQUEST, 'api.request', null);
        self::assertStringContainsString('over the limit of 10 bytes', $e->getMessage());
        $e = self::fails(fn () => $c->uploadMedia($admin, '/nonexistent/file.png'));
        self::assertApi($e, ApiException::REQUEST, 'api.request', null);
        $e = self::fails(fn () => $c->request('GET', 'no-leading-slash'));
        self::assertApi($e, ApiException::REQUEST, 'api.request', null);
        $e = self::fails(fn () => $c->me("line\nbreak"));
        self::assertApi($e, ApiException::REQUEST, 'api.request', null);
        self::assertSame([], self::$server->requests(), 'nothing was sent');
    }

    public function testIdempotentRequestsAreRetriedOnServerErrorsAndBrokenConnections(): void
    {
        $c = self::client();
        self::$server->fault(['path_prefix' => '/version', 'kind' => 'status_500', 'count' => 2]);
        self::assertSame('0.2.0-refactored', $c->version()['version']);
        self::assertSame([500, 500, 200], array_column(self::$server->requests(), 'status'));

        self::$server->reset();
        self::$server->fault(['path_prefix' => '/health', 'kind' => 'reset']);
        self::assertSame('healthy', $c->health()['status']);

        self::$server->reset();
        self::$server->fault(['path_prefix' => '/version', 'kind' => 'status_500', 'count' => 10]);
        self::assertApi(self::fails(fn () => $c->version()), ApiException::SERVER, 'api.server', 500);
        self::assertCount(3, self::$server->requests(), 'retries = 2: three attempts in all');

        self::$server->reset();
        self::$server->fault(['path_prefix' => '/version', 'kind' => 'status_500', 'count' => 10]);
        self::fails(fn () => self::client(['retries' => 0])->version());
        self::assertCount(1, self::$server->requests());
    }

    public function testNonIdempotentRequestsAreNeverRetried(): void
    {
        $ann = self::$server->user('ann');
        $c = self::client();
        self::$server->fault(['path_prefix' => '/social/circles', 'method' => 'POST', 'kind' => 'status_500', 'count' => 5]);
        self::fails(fn () => $c->createCircle($ann, ['name' => 'once']));
        self::$server->fault(['path_prefix' => '/token', 'kind' => 'reset']);
        self::assertApi(self::fails(fn () => $c->login('ann', 'ann-password')), ApiException::TRANSPORT, 'api.transport', null);
        $posts = array_filter(self::$server->requests(), fn ($r) => $r['method'] === 'POST');
        self::assertCount(2, $posts, 'each POST was sent once');
    }

    public function testTokensAndPasswordsStayOutOfMessagesAndTraces(): void
    {
        $c = self::client();
        $token = self::$server->token('ghost');   // a valid signature for a user that does not exist
        foreach ([fn () => $c->me($token), fn () => $c->login('ghost', 'pass-hunter2'),
                     fn () => $c->request('GET', '/users/me/', ['token' => $token])] as $call) {
            $e = self::fails($call);
            $frame = $e->getTrace()[0];   // the Halext\Client method (the caller's closure holds the token itself)
            self::assertSame('Halext\\Client', $frame['class']);
            $shown = $e->getMessage() . $e->getTraceAsString() . print_r($frame, true);
            self::assertStringNotContainsString($token, $shown);
            self::assertStringNotContainsString('pass-hunter2', $shown);
            self::assertStringContainsString('SensitiveParameterValue', print_r($frame['args'], true));
        }
    }

    public function testEveryApiCodeIsCoveredAboveAndListedInTheTable(): void
    {
        $api = array_values(array_filter(halext_error_codes(), fn ($c) => $c['class'] === 'Halext\\ApiException'));
        self::assertSame(range(200, 211), array_column($api, 'code'));
        $tested = ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'VALIDATION', 'RATE_LIMITED', 'SERVER',
            'TIMEOUT', 'CONNECT', 'DECODE', 'TRANSPORT', 'REQUEST'];
        self::assertSame($tested, array_column($api, 'constant'));
    }
}
