<?php

declare(strict_types=1);

use Halext\Client;
use Halext\Tests\PhpProcess;
use Halext\Tests\TestServer;
use PHPUnit\Framework\TestCase;

/**
 * `Halext\Client` against the Halext-compatible test server: every route family, what goes on
 * the wire (from the server's request log), the shapes that come back (times as Unix seconds),
 * configuration (options, INI, environment) and connection reuse.
 */
final class ClientTest extends TestCase
{
    /** @var TestServer */
    private static $server;

    public static function setUpBeforeClass(): void
    {
        self::$server = new TestServer(['--openwebui-url', 'http://owui.internal:8080',
            '--openwebui-public-url', 'https://chat.example.org', '--openwebui-sync', '--openwebui-admin']);
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

    /** @return list<array<string, mixed>> the logged requests whose path ends with `$suffix` */
    private static function sent(string $suffix): array
    {
        return array_values(array_filter(self::$server->requests(), static function (array $r) use ($suffix): bool {
            return substr($r['path'], -strlen($suffix)) === $suffix;
        }));
    }

    public function testSystemRoutes(): void
    {
        $c = self::client();
        $health = $c->health();
        self::assertSame('healthy', $health['status']);
        self::assertIsInt($health['timestamp'], 'times are Unix seconds');
        self::assertEqualsWithDelta(time(), $health['timestamp'], 5);
        $version = $c->version();
        self::assertSame('0.2.0-refactored', $version['version']);
        self::assertContains('social', $version['features']);
    }

    public function testLoginWithUsernameOrEmail(): void
    {
        self::$server->user('ann');
        $c = self::client();
        $t = $c->login('ann', 'ann-password');
        self::assertSame(['access_token', 'expires_at', 'token_type'], array_keys($t));
        self::assertSame('bearer', $t['token_type']);
        self::assertEqualsWithDelta(time() + 1800, $t['expires_at'], 5);
        self::assertSame('ann', $c->me($t['access_token'])['username']);
        self::assertSame('ann', $c->me($c->login('ann@example.org', 'ann-password')['access_token'])['username']);
        $logins = self::sent('/token');
        self::assertSame('application/x-www-form-urlencoded', $logins[0]['content_type']);
        self::assertSame(['grant_type' => 'password', 'password' => '***', 'username' => 'ann'], $logins[0]['body']);
    }

    public function testRegisterNeverSendsIsAdminAndSendsTheAccessCode(): void
    {
        $c = self::client();
        $user = $c->register(['username' => 'bob', 'email' => 'bob@example.org', 'password' => 'bob-pw-1',
            'full_name' => 'Bob B', 'is_admin' => true]);
        self::assertSame(['bob', 'bob@example.org', 'Bob B', false], [$user['username'], $user['email'], $user['full_name'], $user['is_admin']]);
        self::assertIsInt($user['created_at']);
        $r = self::sent('/users/')[0];
        self::assertSame('POST', $r['method']);
        self::assertSame('create_demo_data=false', $r['query']);
        self::assertContains('x-halext-code', $r['headers']);
        self::assertArrayNotHasKey('is_admin', $r['body']);
        // Without the access code the server refuses.
        try {
            (new Client(self::$server->options(['access_code' => null])))->register(
                ['username' => 'eve', 'email' => 'eve@example.org', 'password' => 'x']);
            self::fail('registration without the access code');
        } catch (Halext\ApiException $e) {
            self::assertSame([401, 'api.unauthorized'], [$e->getStatus(), $e->getReason()]);
            self::assertStringContainsString('Access code required', $e->getMessage());
        }
    }

    public function testUsersSearchAndPresence(): void
    {
        $ann = self::$server->user('ann');
        self::$server->user('annabel');
        $c = self::client();
        $me = $c->me($ann);
        $found = $c->searchUsers($ann, 'ANN');
        self::assertSame(['annabel'], array_column($found, 'username'), 'case-insensitive, without the caller');
        self::assertSame('q=ANN&limit=20', self::sent('/users/search')[0]['query']);
        $c->searchUsers($ann, 'x', 1);
        self::assertSame('q=x&limit=1', self::sent('/users/search')[1]['query']);
        $p = $c->setPresence($ann, ['status' => 'busy', 'current_activity' => 'testing']);
        self::assertSame(['ann', 'busy', 'testing'], [$p['username'], $p['status'], $p['current_activity']]);
        self::assertIsInt($p['last_seen']);
        self::assertSame('busy', $c->presence($ann, 'ann')['status']);
        $list = $c->presenceList($ann, [$me['id']]);
        self::assertSame([$me['id']], array_column($list, 'user_id'));
        self::assertSame('user_ids=' . $me['id'], self::sent('/users/presence')[0]['query']);
        self::assertGreaterThanOrEqual(2, count($c->presenceList($ann)));
        $c->deleteMe($ann);
        $this->expectException(Halext\ApiException::class);
        $c->me($ann);
    }

    public function testBlogPosts(): void
    {
        $admin = self::$server->user('root', true);
        $c = self::client();
        $post = $c->createBlogPost($admin, ['slug' => 'hello', 'title' => 'Hello', 'body_markdown' => '# Hi',
            'tags' => ['news'], 'status' => 'published', 'published_at' => 1795971293]);
        self::assertSame(['hello', 'published', 1795971293], [$post['slug'], $post['status'], $post['published_at']]);
        self::assertSame('2026-11-29T16:54:53Z', self::sent('/content/admin/blog-posts')[0]['body']['published_at'],
            'Unix seconds in, RFC 3339 on the wire');
        $c->createBlogPost($admin, ['slug' => 'draft', 'title' => 'Draft', 'body_markdown' => '...']);
        self::assertSame(['hello'], array_column($c->publicBlog(), 'slug'), 'drafts are not public');
        self::assertSame('Hello', $c->publicBlogPost('hello')['title']);
        self::assertCount(1, $c->publicBlog(1));
        self::assertSame('limit=1', self::sent('/content/public/blog')[1]['query']);
        self::assertCount(2, $c->adminBlogPosts($admin));
        $updated = $c->updateBlogPost($admin, 'draft', ['status' => 'published']);
        self::assertSame('published', $updated['status']);
        self::assertIsInt($updated['published_at'], 'publishing stamps the time');
        $c->deleteBlogPost($admin, 'draft');
        self::assertSame(['hello'], array_column($c->adminBlogPosts($admin), 'slug'));
    }

    public function testPages(): void
    {
        $admin = self::$server->user('root', true);
        $c = self::client();
        $page = $c->createPage($admin, ['slug' => 'about', 'title' => 'About', 'is_published' => true,
            'sections' => [['type' => 'text', 'body' => 'We are.']], 'nav_links' => [['label' => 'Home', 'url' => '/']]]);
        self::assertSame(['about', true], [$page['slug'], $page['is_published']]);
        self::assertSame('We are.', $c->publicPage('about')['sections'][0]['body']);
        self::assertSame(['about'], array_column($c->adminPages($admin), 'slug'));
        self::assertSame('About us', $c->updatePage($admin, $page['id'], ['title' => 'About us'])['title']);
        $c->deletePage($admin, $page['id']);
        self::assertSame([], $c->adminPages($admin));
    }

    public function testAlbums(): void
    {
        $admin = self::$server->user('root', true);
        $c = self::client();
        $album = $c->createAlbum($admin, ['slug' => 'trip', 'title' => 'Trip', 'photos' => [['url' => 'a.jpg']]]);
        self::assertSame(['trip', true], [$album['slug'], $album['is_public']]);
        self::assertSame(['trip'], array_column($c->publicAlbums(), 'slug'));
        self::assertSame('a.jpg', $c->publicAlbum('trip')['photos'][0]['url']);
        self::assertCount(1, $c->adminAlbums($admin));
        self::assertFalse($c->updateAlbum($admin, $album['id'], ['is_public' => false])['is_public']);
        self::assertSame([], $c->publicAlbums());
        $c->deleteAlbum($admin, $album['id']);
        self::assertSame([], $c->adminAlbums($admin));
    }

    public function testMediaFromAPathAndFromBytes(): void
    {
        $admin = self::$server->user('root', true);
        $c = self::client();
        $file = tempnam(sys_get_temp_dir(), 'halext-media-');
        file_put_contents($file, str_repeat('x', 3000));
        try {
            $asset = $c->uploadMedia($admin, $file, ['title' => 'Logo', 'filename' => 'logo.png']);
        } finally {
            unlink($file);
        }
        self::assertSame('Logo', $asset['title']);
        self::assertStringEndsWith('.png', $asset['file_path']);
        $bytes = $c->uploadMediaBytes($admin, "GIF89a\x01\x00", 'dot.gif', ['content_type' => 'image/gif']);
        self::assertStringEndsWith('.gif', $bytes['public_url']);
        $parts = array_map(static function (array $r): array {
            return $r['multipart'][0] ?? [];
        }, self::sent('/content/admin/media'));
        self::assertSame(['file', 'logo.png', 'image/png', 3000], [$parts[0]['name'], $parts[0]['file_name'], $parts[0]['content_type'], $parts[0]['size']]);
        self::assertSame(['dot.gif', 'image/gif', 8], [$parts[1]['file_name'], $parts[1]['content_type'], $parts[1]['size']]);
        self::assertSame([$bytes['id'], $asset['id']], array_column($c->listMedia($admin), 'id'), 'newest first');
    }

    public function testSocialCirclesAndPulses(): void
    {
        $ann = self::$server->user('ann');
        $bob = self::$server->user('bob');
        $c = self::client();
        $circle = $c->createCircle($ann, ['name' => 'Friends', 'emoji' => '🙂']);
        self::assertSame(['Friends', '🙂', 1], [$circle['name'], $circle['emoji'], $circle['member_count']]);
        self::assertMatchesRegularExpression('/^[0-9A-F]{6}$/', $circle['invite_code']);
        self::assertSame(2, $c->joinCircle($bob, $circle['invite_code'])['member_count']);
        self::assertSame('invite_code=' . $circle['invite_code'], self::sent('/social/circles/join')[0]['query']);
        $pulse = $c->postPulse($bob, $circle['id'], ['message' => 'hi all', 'mood' => 'happy']);
        self::assertSame(['hi all', 'happy', $circle['id']], [$pulse['message'], $pulse['mood'], $pulse['circle_id']]);
        self::assertSame(['hi all'], array_column($c->pulses($ann, $circle['id']), 'message'));
        self::assertSame(['Friends'], array_column($c->circles($bob), 'name'));
    }

    public function testAiChatContextAndModels(): void
    {
        $ann = self::$server->user('ann');
        $c = self::client();
        $reply = $c->chat($ann, 'Hello?', ['model' => 'mock:mock', 'history' => [['role' => 'user', 'content' => 'Hi']]]);
        self::assertSame(['mock', 'model', 'provider', 'response'], array_keys($reply));
        self::assertTrue($reply['mock']);
        self::assertNotSame('', $reply['response']);
        $body = self::sent('/ai/chat')[0]['body'];
        self::assertSame(['history' => [['content' => 'Hi', 'role' => 'user']], 'model' => 'mock:mock', 'prompt' => 'Hello?'], $body);

        $a = $c->chatWithContext($ann, 'How do I reset my password?',
            [['source' => 'wiki', 'title' => 'Passwords', 'text' => 'Use the reset form.'], ['text' => str_repeat('z', 5000)]],
            ['site' => 'Zeniea', 'budget_chars' => 400]);
        self::assertSame([1, 1, 0, true], [$a['snippets_used'], $a['snippets_truncated'], $a['snippets_dropped'], $a['mock']]);
        $prompt = self::sent('/ai/chat')[1]['body']['prompt'];
        self::assertStringStartsWith('You are the assistant of Zeniea.', $prompt);
        self::assertStringEndsWith('Question: How do I reset my password?', $prompt);

        $models = $c->models($ann, ['limit' => 5]);
        self::assertArrayHasKey('models', $models);
        self::assertSame('limit=5', self::sent('/ai/models')[0]['query']);
    }

    public function testOpenWebUi(): void
    {
        $ann = self::$server->user('ann');
        $c = self::client();
        self::assertSame(['enabled' => true, 'url' => 'https://chat.example.org'], $c->openWebUiStatus());
        self::assertTrue($c->openWebUiSyncStatus($ann)['enabled']);
        $sync = $c->openWebUiSyncUser($ann);
        self::assertSame([true, 'created'], [$sync['success'], $sync['action']]);
        $sso = $c->openWebUiSso($ann, '/chat');
        self::assertSame(['expires_in', 'sso_url', 'token'], array_keys($sso));
        self::assertStringStartsWith('https://chat.example.org/sso?token=', $sso['sso_url']);
        self::assertSame(86400, $sso['expires_in']);
        self::assertSame(['redirect_to' => '/chat'], self::sent('/integrations/openwebui/sso')[0]['body']);
    }

    public function testOpenWebUiSyncDisabledIsA503(): void
    {
        $server = new TestServer();
        try {
            $c = new Client($server->options());
            self::assertFalse($c->openWebUiStatus()['enabled']);
            try {
                $c->openWebUiSso($server->user('ann'));
                self::fail('sync is off');
            } catch (Halext\ApiException $e) {
                self::assertSame([503, Halext\ApiException::SERVER], [$e->getStatus(), $e->getCode()]);
                self::assertStringContainsString('OpenWebUI sync is disabled', $e->getMessage());
            }
        } finally {
            $server->stop();
        }
    }

    public function testValidateRemoteIsCachedPerProcess(): void
    {
        $ann = self::$server->user('ann');
        $c = self::client();
        self::assertSame('ann', $c->validateRemote($ann)['username']);
        // A new object with the same options shares the core client, hence the cache.
        self::assertSame('ann', self::client()->validateRemote($ann)['username']);
        self::assertCount(1, self::sent('/users/me/'), 'the second validation came from the cache');
        $this->expectException(Halext\ApiException::class);
        $c->validateRemote(self::$server->token('ann', time() - 10));
    }

    public function testRawRequests(): void
    {
        $ann = self::$server->user('ann');
        $c = self::client();
        self::assertSame('ann', $c->request('get', '/users/me/', ['token' => $ann])['username']);
        $post = $c->request('POST', '/social/circles', ['token' => $ann, 'json' => ['name' => 'Raw']]);
        self::assertSame('Raw', $post['name']);
        $found = $c->request('GET', '/users/search', ['token' => $ann, 'query' => ['q' => 'a', 'limit' => 5]]);
        self::assertSame([], $found);
        self::assertSame('q=a&limit=5', self::sent('/users/search')[0]['query']);
        self::assertNull($c->request('DELETE', '/users/me/', ['token' => $ann]), '204: null');
        try {
            $c->request('GET', '/ai/context/zeniea', ['token' => $ann]);
            self::fail('not deployed');
        } catch (Halext\ApiException $e) {
            self::assertSame(404, $e->getStatus());
        }
    }

    public function testInputErrorsNameTheKeyNeverTheValue(): void
    {
        $admin = self::$server->user('root', true);
        $c = self::client();
        $cases = [
            [fn () => $c->createBlogPost($admin, ['slug' => 'a', 'title' => 'A']), '$post: missing key `body_markdown`'],
            [fn () => $c->updateBlogPost($admin, 'a', ['titel' => 'x']), '$patch: unknown key `titel`'],
            [fn () => $c->setPresence($admin, ['status' => 'hunter2-status']), '$presence: a value has the wrong type'],
            [fn () => $c->register(['username' => 'x', 'email' => 'x@x', 'password' => 'hunter2', 'role' => 'admin']), "\$user: unknown key 'role'"],
            [fn () => $c->register(['username' => 'x', 'email' => 'x@x']), '$user: missing key `password`'],
            [fn () => $c->chat($admin, 'q', ['temperature' => 1]), "\$options: unknown key 'temperature'"],
            [fn () => $c->searchUsers($admin, 'q', -1), '$limit must be from 0'],
            [fn () => $c->request('GET', '/x', ['query' => ['a' => ['b']]]), "\$options['query']['a'] must be a string"],
            [fn () => $c->request('NOT A METHOD', '/x'), '$method is not an HTTP method'],
            [fn () => $c->me("\xff\xfe"), '$token is not valid UTF-8'],
        ];
        foreach ($cases as [$call, $message]) {
            try {
                $call();
                self::fail("no exception for: $message");
            } catch (Halext\Exception $e) {
                self::assertSame(Halext\Exception::class, get_class($e), $e->getMessage());
                self::assertSame('invalid_argument', $e->getReason(), $e->getMessage());
                self::assertStringContainsString($message, $e->getMessage());
                self::assertStringNotContainsString('hunter2', $e->getMessage());
            }
        }
        self::assertSame([], self::$server->requests(), 'nothing was sent');
    }

    public function testOptionsThenIniThenEnvironment(): void
    {
        $url = self::$server->url;
        $code = 'echo json_encode((new Halext\Client(%s))->version()["version"]);';
        // Options.
        self::assertSame('0.2.0-refactored', PhpProcess::json(sprintf($code, var_export(['url' => $url], true))));
        // INI (halext.url), over the environment.
        self::assertSame('0.2.0-refactored', PhpProcess::json(sprintf($code, '[]'), ['halext.url' => $url], ['HALEXT_URL' => 'http://127.0.0.1:9']));
        // Environment, including variables without an INI entry.
        $ua = 'echo json_encode((new Halext\Client())->version()["version"]);';
        self::assertSame('0.2.0-refactored', PhpProcess::json($ua, [], ['HALEXT_URL' => $url, 'HALEXT_USER_AGENT' => 'env-agent/1']));
        self::assertSame('env-agent/1', self::$server->requests()[2]['user_agent']);
        // Errors: no URL anywhere, unknown option, bad environment value.
        $error = 'try { new Halext\Client(%s); } catch (Halext\Exception $e) { echo json_encode([get_class($e), $e->getReason(), $e->getMessage()]); }';
        [$class, $reason, $message] = PhpProcess::json(sprintf($error, '[]'));
        self::assertSame(['Halext\\Exception', 'config'], [$class, $reason]);
        self::assertStringContainsString('no Halext URL', $message);
        [, $reason, $message] = PhpProcess::json(sprintf($error, "['url' => 'http://x', 'timeout' => 5]"));
        self::assertSame('config', $reason);
        self::assertStringContainsString('unknown client option `timeout`', $message);
        [, , $message] = PhpProcess::json(sprintf($error, "['url' => 'http://x']"), [], ['HALEXT_RETRIES' => 'many']);
        self::assertStringContainsString('HALEXT_RETRIES', $message);
        // The access code from a file named in INI.
        $file = tempnam(sys_get_temp_dir(), 'halext-code-');
        file_put_contents($file, TestServer::ACCESS_CODE . "\n");
        try {
            $register = 'echo json_encode((new Halext\Client(["url" => %s]))->register(["username" => "ini", "email" => "ini@x", "password" => "p"])["username"]);';
            self::assertSame('ini', PhpProcess::json(sprintf($register, var_export($url, true)), ['halext.access_code_file' => $file]));
        } finally {
            unlink($file);
        }
    }

    public function testTheObjectShowsNothingAndCannotBeClonedOrSerialised(): void
    {
        $c = self::client(['access_code' => 'hunter2-code']);
        self::assertStringNotContainsString('hunter2', print_r($c, true) . var_export($c, true) . json_encode($c));
        try {
            $copy = clone $c;
            self::fail('cloned');
        } catch (Error $e) {
            self::assertStringContainsString('uncloneable', $e->getMessage());
        }
        $this->expectException(Exception::class);
        serialize($c);
    }

    public function testOneConnectionForManyClientObjectsWithTheSameOptions(): void
    {
        for ($i = 0; $i < 5; $i++) {
            self::client()->version();   // a new object each time, as in a new request
        }
        self::client(['retries' => 1])->version();
        $connections = array_column(self::$server->requests(), 'connection');
        self::assertCount(1, array_unique(array_slice($connections, 0, 5)), 'same options: one keep-alive connection');
        self::assertNotSame($connections[0], $connections[5], 'other options: another client');
    }
}
