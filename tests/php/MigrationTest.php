<?php

declare(strict_types=1);

use Halext\Migration;
use Halext\MigrationException;
use Halext\Tests\LegacySites;
use Halext\Tests\MariaDb;
use Halext\Tests\PhpProcess;
use Halext\Tests\TestServer;
use PHPUnit\Framework\TestCase;

/**
 * `Halext\Migration` end to end: the three legacy fixtures in MariaDB, a fresh mapping
 * database per test, and the Halext test server (reset per test). Login-time migration for a
 * user of each app, the second login, merged identities across sites, unknown user = wrong
 * password, blocked accounts, Halext down under both policies, planned/skipped/conflict rows,
 * gated registration, resolve/link, configuration, and pcntl_fork after use.
 */
final class MigrationTest extends TestCase
{
    /** @var TestServer|null */
    private static $server = null;

    public static function setUpBeforeClass(): void
    {
        self::$server = new TestServer();
        LegacySites::databases();
    }

    public static function tearDownAfterClass(): void
    {
        if (self::$server !== null) {
            self::$server->stop();
            self::$server = null;
        }
    }

    protected function setUp(): void
    {
        self::server()->reset();
    }

    protected function tearDown(): void
    {
        LegacySites::cleanup();
    }

    private static function server(): TestServer
    {
        self::assertNotNull(self::$server);
        return self::$server;
    }

    /**
     * A Migration over a fresh mapping database (its table created with init()).
     *
     * @param array<string, mixed> $login `[login]` policy
     * @param array<string, mixed> $options more constructor options
     */
    private static function migration(array $login = [], array $options = [], ?string $url = null): Migration
    {
        $cfg = LegacySites::config($url ?? self::server()->url, $login);
        $m = new Migration(['config' => $cfg['path']] + $options);
        $m->init();
        return $m;
    }

    /** Asserts the token is a real Halext access token (the server's secret) for `$username`. */
    private static function assertTokenFor(string $username, array $result): void
    {
        self::assertIsString($result['access_token']);
        $claims = Halext\TokenValidator::halext(TestServer::SECRET_KEY)->validate($result['access_token']);
        self::assertSame($username, $claims['sub']);
        self::assertSame($claims['exp'], $result['expires_at'], 'expires_at is the token exp');
        self::assertEqualsWithDelta(time() + 1800, $result['expires_at'], 120, 'Halext tokens live 30 minutes');
    }

    private static function thrown(callable $f): ?Throwable
    {
        try {
            $f();
        } catch (Throwable $e) {
            return $e;
        }
        return null;
    }

    private static function assertMigrationError(int $code, ?Throwable $e): MigrationException
    {
        self::assertInstanceOf(MigrationException::class, $e, $e === null ? 'nothing thrown' : get_class($e) . ': ' . $e->getMessage());
        self::assertSame($code, $e->getCode(), $e->getMessage());
        return $e;
    }

    public function testWordPressUserMigratesAtFirstLoginByLoginThenLogsInByEmail(): void
    {
        $m = self::migration();
        self::assertNull($m->resolve('wordpress', 2), 'no mapping before the first login');

        $first = $m->login('wordpress', 'bob', 'p@ss w0rd ü');
        $keys = array_keys($first);
        sort($keys);
        self::assertSame(['access_token', 'expires_at', 'halext_login', 'halext_username', 'legacy_id', 'outcome'], $keys);
        self::assertSame('migrated', $first['outcome']);
        self::assertSame(2, $first['legacy_id']);
        self::assertSame('bob', $first['halext_username']);
        self::assertNull($first['halext_login']);
        self::assertTokenFor('bob', $first);

        $row = $m->resolve('wordpress', 2);
        self::assertSame(['linked', 'login', 'bob'], [$row['status'], $row['method'], $row['halext_username']]);
        self::assertIsInt($row['halext_user_id']);
        self::assertSame('wordpress-2@noemail.invalid', $row['halext_email'], 'WordPress emails are unverified: a placeholder');
        self::assertSame([['site' => 'wordpress', 'legacy_id' => 2]], $m->resolveHalext('bob'));

        // Least privilege: the registration sent no is_admin and asked for no demo data.
        $registrations = array_values(array_filter(self::server()->requests(), static fn ($r) => $r['method'] === 'POST' && rtrim($r['path'], '/') === '/users'));
        self::assertCount(1, $registrations);
        self::assertArrayNotHasKey('is_admin', $registrations[0]['body']);
        self::assertStringContainsString('create_demo_data=false', (string) $registrations[0]['query']);

        // WordPress's form takes the email too (any case): the second login just logs in.
        $second = $m->login('wordpress', 'Bob@Example.org', 'p@ss w0rd ü');
        self::assertSame('logged_in', $second['outcome']);
        self::assertSame(2, $second['legacy_id']);
        self::assertTokenFor('bob', $second);
        $registrations = array_filter(self::server()->requests(), static fn ($r) => $r['method'] === 'POST' && rtrim($r['path'], '/') === '/users');
        self::assertCount(1, $registrations, 'registered once');
    }

    public function testAcmlmboardUsersMigrateWithBcryptAndWithSaltedMd5(): void
    {
        $m = self::migration();
        $alice = $m->login('acmlm', 'Alice', 'correct horse');
        self::assertSame(['migrated', 1, 'Alice'], [$alice['outcome'], $alice['legacy_id'], $alice['halext_username']]);
        self::assertTokenFor('Alice', $alice);

        // bob's row is md5(pwdsalt2 . pass . pwdsalt) (legacylogin on, sample salts), and AB2
        // accepts the display name at its login form too.
        $bob = $m->login('acmlm', 'Bobby Tables', 'correct horse');
        self::assertSame(['migrated', 2, 'bob'], [$bob['outcome'], $bob['legacy_id'], $bob['halext_username']]);
        self::assertTokenFor('bob', $bob);
        self::assertSame('logged_in', $m->login('acmlm', 'bob', 'correct horse')['outcome']);

        // The addslashes-era row logs in with the password as typed.
        $obrien = $m->login('acmlm', 'obrien', 'o\'brien "q"');
        self::assertSame('migrated', $obrien['outcome']);
        self::assertTokenFor('obrien', $obrien);
    }

    public function testZen3mpUserMigratesByEmailWithItsVerifiedAddress(): void
    {
        $m = self::migration();
        $r = $m->login('social', 'ALICE@example.com', 'correct horse');
        self::assertSame(['migrated', 1, 'alice'], [$r['outcome'], $r['legacy_id'], $r['halext_username']]);
        self::assertTokenFor('alice', $r);
        self::assertSame('alice@example.com', $m->resolve('social', 1)['halext_email'], 'ZEN3MP verified it: the normalised address');
        self::assertSame('logged_in', $m->login('social', 'alice@example.com', 'correct horse')['outcome']);
        // ZEN3MP logs in by email only.
        self::assertMigrationError(MigrationException::INVALID_CREDENTIALS, self::thrown(static fn () => $m->login('social', 'alice', 'correct horse')));
    }

    public function testTheSamePersonOnASecondSiteJoinsTheMergedAccountOnlyThroughATrustedEmail(): void
    {
        // WordPress is trusted (the operator vouches for its emails); Acmlmboard is not.
        $m = self::migration(['trusted_email_sites' => ['wordpress']]);
        self::assertSame('migrated', $m->login('social', 'alice@example.com', 'correct horse')['outcome']);

        // WordPress's admin has alice@example.com and the same password: one person.
        $wp = $m->login('wordpress', 'admin', 'correct horse');
        self::assertSame(['linked_existing', 1, 'alice'], [$wp['outcome'], $wp['legacy_id'], $wp['halext_username']]);
        self::assertTokenFor('alice', $wp);
        self::assertSame([['site' => 'social', 'legacy_id' => 1], ['site' => 'wordpress', 'legacy_id' => 1]], $m->resolveHalext('alice'));
        self::assertSame('logged_in', $m->login('wordpress', 'admin', 'correct horse')['outcome']);

        // The forum's Alice@Example.com is unverified: no takeover of the merged account, a
        // separate one (suffixed name, placeholder email).
        $forum = $m->login('acmlm', 'Alice', 'correct horse');
        self::assertSame(['migrated', 'Alice_2'], [$forum['outcome'], $forum['halext_username']]);
        self::assertSame('acmlm-1@noemail.invalid', $m->resolve('acmlm', 1)['halext_email']);
    }

    public function testAnExistingHalextAccountWithAnotherPasswordAsksForTheHalextPassword(): void
    {
        $m = self::migration();
        self::server()->user('bob'); // a Halext-only "bob" (password "bob-password")

        $r = $m->login('wordpress', 'bob', 'p@ss w0rd ü');
        self::assertSame('halext_password_required', $r['outcome']);
        self::assertSame(['bob', 2, null, null], [$r['halext_login'], $r['legacy_id'], $r['access_token'], $r['expires_at']]);
        self::assertNull($m->resolve('wordpress', 2), 'nothing overwritten, nothing linked');

        self::assertMigrationError(MigrationException::INVALID_CREDENTIALS, self::thrown(static fn () => $m->linkWithHalextPassword('wordpress', 2, 'bob', 'not it')));
        $linked = $m->linkWithHalextPassword('wordpress', 2, $r['halext_login'], 'bob-password');
        self::assertSame(['linked_existing', 2, 'bob'], [$linked['outcome'], $linked['legacy_id'], $linked['halext_username']]);
        self::assertTokenFor('bob', $linked);
        $row = $m->resolve('wordpress', 2);
        self::assertSame(['linked', 'login', 'bob'], [$row['status'], $row['method'], $row['halext_username']]);
    }

    public function testUnknownUserAndWrongPasswordAreTheSameError(): void
    {
        $m = self::migration();
        $wrong = self::assertMigrationError(MigrationException::INVALID_CREDENTIALS, self::thrown(static fn () => $m->login('wordpress', 'admin', 'not the password')));
        $unknown = self::assertMigrationError(MigrationException::INVALID_CREDENTIALS, self::thrown(static fn () => $m->login('wordpress', 'nobody-here', 'correct horse')));
        $empty = self::assertMigrationError(MigrationException::INVALID_CREDENTIALS, self::thrown(static fn () => $m->login('wordpress', 'admin', '')));
        // An unusable stored hash (bcrypt cut to 32 characters) answers the same.
        $shorty = self::assertMigrationError(MigrationException::INVALID_CREDENTIALS, self::thrown(static fn () => $m->login('acmlm', 'Shorty', 'correct horse')));
        foreach ([$unknown, $empty, $shorty] as $e) {
            self::assertSame($wrong->getMessage(), $e->getMessage());
            self::assertSame('migration.invalid_credentials', $e->getReason());
        }
        // The typed password is in no trace: the engine replaced it (#[\SensitiveParameter]).
        $frame = $wrong->getTrace()[0];
        self::assertSame('login', $frame['function']);
        self::assertInstanceOf(SensitiveParameterValue::class, $frame['args'][2]);
        self::assertStringNotContainsString('not the password', $wrong->getTraceAsString());
        self::assertSame([], array_values(array_filter(self::server()->requests(), static fn ($r) => $r['path'] !== '/health')), 'Halext was never asked');

        $site = self::thrown(static fn () => $m->login('nope', 'admin', 'correct horse'));
        self::assertInstanceOf(Halext\Exception::class, $site);
        self::assertSame(Halext\Exception::INVALID_ARGUMENT, $site->getCode());
    }

    public function testBlockedAccountsAreRefusedOnlyAfterThePasswordChecksOut(): void
    {
        $m = self::migration();
        $cases = [
            ['wordpress', 'spammer', 'correct horse'],          // multisite spam flag
            ['wordpress', 'gone', 'correct horse'],             // multisite deleted flag
            ['acmlm', 'Spammer', 'correct horse'],              // banned group
            ['acmlm', 'Tempy', 'correct horse'],                // banned until 2030
            ['social', 'alice+zen@example.com', 'correct horse'], // never verified
            ['social', 'carl@example.net', 'acdef'],            // closed by its owner
        ];
        foreach ($cases as [$site, $login, $password]) {
            $e = self::assertMigrationError(MigrationException::ACCOUNT_BLOCKED, self::thrown(static fn () => $m->login($site, $login, $password)));
            self::assertSame('migration.account_blocked', $e->getReason(), "$site $login");
            // Without the password nothing tells that the account exists or is blocked.
            self::assertMigrationError(MigrationException::INVALID_CREDENTIALS, self::thrown(static fn () => $m->login($site, $login, 'wrong')));
            self::assertNull($m->resolve($site, 1000), 'nothing written');
        }
    }

    public function testHalextDownFailsTheLoginUnderTheFailPolicyAndLeavesNothingBehind(): void
    {
        $m = self::migration(['on_halext_unavailable' => 'fail']);
        self::server()->fault(['path_prefix' => '/users', 'kind' => 'status_500', 'count' => 1]);
        $e = self::assertMigrationError(MigrationException::HALEXT_UNAVAILABLE, self::thrown(static fn () => $m->login('wordpress', 'bob', 'p@ss w0rd ü')));
        self::assertSame('migration.halext_unavailable', $e->getReason());
        self::assertNull($m->resolve('wordpress', 2));
        // Halext is back: the next login migrates.
        self::assertSame('migrated', $m->login('wordpress', 'bob', 'p@ss w0rd ü')['outcome']);

        // Nothing listening at all: the same error.
        $down = self::migration(['on_halext_unavailable' => 'fail'], [], LegacySites::deadUrl());
        self::assertMigrationError(MigrationException::HALEXT_UNAVAILABLE, self::thrown(static fn () => $down->login('social', 'ALICE@example.com', 'correct horse')));
    }

    public function testHalextDownAcceptsTheLegacyLoginUnderTheLegacyOnlyPolicy(): void
    {
        $cfg = LegacySites::config(LegacySites::deadUrl(), ['on_halext_unavailable' => 'legacy_only']);
        $m = new Migration(['config' => $cfg['path']]);
        $m->init();
        $r = $m->login('wordpress', 'bob', 'p@ss w0rd ü');
        self::assertSame(['legacy_only', 2, null, null], [$r['outcome'], $r['legacy_id'], $r['access_token'], $r['expires_at']]);
        self::assertNull($m->resolve('wordpress', 2), 'nothing marked: the next login tries again');
        // A wrong password is still refused while Halext is down.
        self::assertMigrationError(MigrationException::INVALID_CREDENTIALS, self::thrown(static fn () => $m->login('wordpress', 'bob', 'nope')));

        // The same file with Halext back (the `url` option overrides [halext] url): migrated.
        $up = new Migration(['config' => $cfg['path'], 'url' => self::server()->url]);
        self::assertSame('migrated', $up->login('wordpress', 'bob', 'p@ss w0rd ü')['outcome']);
        // A linked user while Halext is down again: legacy_only, with the known username.
        $r = $m->login('wordpress', 'bob', 'p@ss w0rd ü');
        self::assertSame(['legacy_only', 'bob', null], [$r['outcome'], $r['halext_username'], $r['access_token']]);
    }

    public function testPlannedSkippedAndConflictRowsDecideTheOutcome(): void
    {
        $cfg = LegacySites::config(self::server()->url);
        $m = new Migration(['config' => $cfg['path']]);
        $m->init();
        MariaDb::query($cfg['mapping'], "INSERT INTO halext_user_map (site, legacy_id, halext_username, halext_username_key, halext_email, full_name, status, link_method, reason, plan_run, created_at, updated_at) VALUES
            ('wordpress', 11, 'zero_planned', 'zero_planned', 'zero@example.net', 'Zero Date', 'planned', 'plan', 'test', 'run-1', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
            ('wordpress', 7, NULL, NULL, NULL, NULL, 'skipped', 'plan', 'operator choice', 'run-1', UTC_TIMESTAMP(), UTC_TIMESTAMP()),
            ('wordpress', 12, NULL, NULL, NULL, NULL, 'conflict', 'plan', 'email_taken', 'run-1', UTC_TIMESTAMP(), UTC_TIMESTAMP())");
        $planned = $m->login('wordpress', 'zerodate', 'correct horse');
        self::assertSame(['migrated', 'zero_planned'], [$planned['outcome'], $planned['halext_username']]);
        self::assertTokenFor('zero_planned', $planned);
        self::assertSame('zero@example.net', $m->resolve('wordpress', 11)['halext_email']);

        $skipped = $m->login('wordpress', 'noemail', 'correct horse');
        self::assertSame(['not_migrated', 7, null, null], [$skipped['outcome'], $skipped['legacy_id'], $skipped['halext_username'], $skipped['access_token']]);

        $e = self::assertMigrationError(MigrationException::CONFLICT, self::thrown(static fn () => $m->login('wordpress', 'quoter', 'o\'brien "q"')));
        self::assertStringContainsString('wordpress:12', $e->getMessage());
    }

    public function testGatedRegistrationThenLinkAndLookups(): void
    {
        $m = self::migration();
        $created = $m->register('wordpress', ['username' => 'newcomer', 'email' => 'Newcomer@Example.net',
            'password' => 'a fine password', 'full_name' => 'New Comer', 'is_admin' => true]);
        self::assertSame(['id', 'username'], array_keys($created));
        self::assertSame('newcomer', $created['username']);
        self::assertIsInt($created['id']);
        $reg = array_values(array_filter(self::server()->requests(), static fn ($r) => $r['method'] === 'POST' && rtrim($r['path'], '/') === '/users'));
        self::assertSame('newcomer@example.net', $reg[0]['body']['email'], 'the email is normalised');
        self::assertArrayNotHasKey('is_admin', $reg[0]['body'], 'is_admin is never forwarded');

        // The app creates its row (id 500), then links it.
        $row = $m->link('wordpress', 500, 'newcomer', 'registration', $created['id']);
        self::assertSame(['wordpress', 500, 'newcomer', $created['id'], 'linked', 'registration'],
            [$row['site'], $row['legacy_id'], $row['halext_username'], $row['halext_user_id'], $row['status'], $row['method']]);
        self::assertSame($row, $m->resolve('wordpress', 500));
        self::assertSame([['site' => 'wordpress', 'legacy_id' => 500]], $m->resolveHalext('newcomer'));
        self::assertSame([], $m->resolveHalext('Newcomer'), 'byte-exact, like Halext');

        $dupName = self::assertMigrationError(MigrationException::DUPLICATE_USERNAME, self::thrown(static fn () => $m->register('wordpress', ['username' => 'newcomer', 'email' => 'else@example.net', 'password' => 'x'])));
        self::assertSame('migration.duplicate_username', $dupName->getReason());
        $dupMail = self::assertMigrationError(MigrationException::DUPLICATE_EMAIL, self::thrown(static fn () => $m->register('wordpress', ['username' => 'someone-else', 'email' => 'NEWCOMER@example.net', 'password' => 'x'])));
        self::assertSame('migration.duplicate_email', $dupMail->getReason());
        self::assertStringNotContainsString('newcomer@example.net', strtolower($dupMail->getMessage()), 'emails stay out of messages');

        // A name the mapping table reserves for a legacy account (any case): refused without asking Halext.
        $m->login('wordpress', 'bob', 'p@ss w0rd ü');
        $before = count(self::server()->requests());
        self::assertMigrationError(MigrationException::DUPLICATE_USERNAME, self::thrown(static fn () => $m->register('wordpress', ['username' => 'BOB', 'email' => 'b2@example.net', 'password' => 'x'])));
        self::assertCount($before, self::server()->requests());

        foreach ([
            [['username' => 'a/b', 'email' => 'x@example.net', 'password' => 'x'], 'username'],
            [['username' => 'fine', 'email' => 'not an email', 'password' => 'x'], 'email'],
            [['username' => 'fine', 'email' => 'x@example.net'], '`password` is required'],
            [['username' => 'fine', 'email' => 'x@example.net', 'password' => 'x', 'nick' => 'y'], 'unknown key "nick"'],
        ] as [$user, $message]) {
            $e = self::thrown(static fn () => $m->register('wordpress', $user));
            self::assertInstanceOf(Halext\Exception::class, $e, $message);
            self::assertSame(Halext\Exception::INVALID_ARGUMENT, $e->getCode(), $message);
            self::assertStringContainsString($message, $e->getMessage());
        }
    }

    public function testLinkRefusesToReplaceALinkUnlessManual(): void
    {
        $m = self::migration();
        $m->link('wordpress', 500, 'first');
        self::assertSame('registration', $m->resolve('wordpress', 500)['method'], 'registration is the default method');
        self::assertSame('first', $m->link('wordpress', 500, 'first', 'login')['halext_username'], 'the same link again is fine');
        self::assertMigrationError(MigrationException::CONFLICT, self::thrown(static fn () => $m->link('wordpress', 500, 'second')));
        $row = $m->link('wordpress', 500, 'second', 'manual');
        self::assertSame(['second', 'manual'], [$row['halext_username'], $row['method']]);
        self::assertSame([], $m->resolveHalext('first'));
        foreach ([static fn () => $m->link('wordpress', 501, 'x', 'plan'), static fn () => $m->link('wordpress', -1, 'x'),
            static fn () => $m->resolve('wordpress', -5), static fn () => $m->link('nope', 1, 'x')] as $bad) {
            $e = self::thrown($bad);
            self::assertInstanceOf(Halext\Exception::class, $e);
            self::assertSame(Halext\Exception::INVALID_ARGUMENT, $e->getCode(), $e->getMessage());
        }
        // Named arguments use the contract's names.
        $row = $m->link(site: 'acmlm', legacyId: 9, halextUsername: 'carol', halextUserId: 77);
        self::assertSame(77, $row['halext_user_id']);
    }

    public function testConfigurationErrorsAreHalextExceptionsWithCodeConfig(): void
    {
        $cfg = LegacySites::config(self::server()->url);
        foreach ([
            [['config' => '/nonexistent/halext.toml'], '/nonexistent/halext.toml'],
            [['config' => $cfg['path'], 'site' => 'wordpress'], 'unknown option "site"'],
            [['config' => $cfg['path'], 'timeout_ms' => 'soon'], 'HALEXT_TIMEOUT_MS'],
            [['config' => $cfg['path'], 'access_code' => 42], 'option `access_code` must be a string'],
            [[], 'HALEXT_CONFIG'],
        ] as [$options, $message]) {
            $e = self::thrown(static fn () => new Migration($options));
            self::assertInstanceOf(Halext\Exception::class, $e, $message);
            self::assertSame('config', $e->getReason(), $e->getMessage());
            self::assertStringContainsString($message, $e->getMessage());
        }
        file_put_contents($cfg['path'], "[halext]\nurl = \"http://127.0.0.1:1\"\nunknown_key = 1\n");
        $e = self::thrown(static fn () => new Migration(['config' => $cfg['path']]));
        self::assertSame(Halext\Exception::CONFIG, $e->getCode());
        self::assertStringContainsString('unknown_key', $e->getMessage());
    }

    public function testTheConfigFileComesFromIniOrEnvironment(): void
    {
        $cfg = LegacySites::config(self::server()->url);
        $code = '$m = new Halext\Migration(); $m->init(); $r = $m->login("social", "ALICE@example.com", "correct horse"); echo json_encode($r["outcome"]);';
        self::assertSame('migrated', PhpProcess::json($code, ['halext.config' => $cfg['path']]));
        self::assertSame('logged_in', PhpProcess::json($code, [], ['HALEXT_CONFIG' => $cfg['path']]));
        // The option wins over INI.
        self::assertSame('logged_in', PhpProcess::json(str_replace('new Halext\Migration()', 'new Halext\Migration(["config" => ' . var_export($cfg['path'], true) . '])', $code), ['halext.config' => '/nonexistent']));
    }

    public function testObjectsOfOneProcessShareOneServiceAndItsConnections(): void
    {
        $cfg = LegacySites::config(self::server()->url);
        (new Migration(['config' => $cfg['path']]))->init();
        for ($i = 1; $i <= 25; $i++) {
            // A new object per "request", each looking up a key nobody cached.
            self::assertNull((new Migration(['config' => $cfg['path']]))->resolve('wordpress', 1000 + $i));
        }
        $db = basename((string) parse_url($cfg['mapping'], PHP_URL_PATH));
        $connections = (int) trim(MariaDb::query($cfg['mapping'], "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = '$db' AND ID <> CONNECTION_ID()"));
        // The lookup connection and the write connection (init): never one per object.
        self::assertGreaterThanOrEqual(1, $connections);
        self::assertLessThanOrEqual(2, $connections);
    }

    public function testObjectsCannotBeClonedOrSerialisedAndShowNoSecrets(): void
    {
        $cfg = LegacySites::config(self::server()->url);
        $m = new Migration(['config' => $cfg['path'], 'access_code' => 'code-from-options']);
        $e = self::thrown(static fn () => clone $m);
        self::assertInstanceOf(Error::class, $e);
        self::assertStringContainsString('uncloneable', $e->getMessage());
        self::assertInstanceOf(Exception::class, self::thrown(static fn () => serialize($m)));
        ob_start();
        var_dump($m);
        $dump = (string) ob_get_clean();
        self::assertStringNotContainsString('code-from-options', $dump . print_r($m, true) . var_export($m, true));
        self::assertStringNotContainsString('halext:halext', $dump);
    }

    public function testBothProcessesKeepWorkingAfterPcntlFork(): void
    {
        $cfg = LegacySites::config(self::server()->url);
        $code = sprintf('
            $m = new Halext\Migration(["config" => %1$s]);
            $m->init();
            $before = $m->login("wordpress", "bob", "p@ss w0rd ü")["outcome"];
            $m->resolve("wordpress", 2);
            $pid = pcntl_fork();
            if ($pid === -1) { exit(3); }
            if ($pid === 0) {
                $child = [$m->login("acmlm", "Alice", "correct horse")["outcome"], $m->resolve("acmlm", 1)["status"],
                          $m->login("wordpress", "bob", "p@ss w0rd ü")["outcome"], (new Halext\Migration(["config" => %1$s]))->resolve("wordpress", 2)["status"]];
                file_put_contents(%2$s, json_encode($child));
                exit(0);
            }
            pcntl_waitpid($pid, $status);
            $parent = [$m->login("social", "ALICE@example.com", "correct horse")["outcome"], $m->resolve("social", 1)["status"],
                       $m->login("wordpress", "bob", "p@ss w0rd ü")["outcome"], $m->resolve("acmlm", 1)["status"]];
            echo json_encode(["before" => $before, "child_exit" => pcntl_wexitstatus($status), "child" => json_decode((string) file_get_contents(%2$s)), "parent" => $parent]);',
            var_export($cfg['path'], true),
            var_export(dirname($cfg['path']) . '/child.json', true)
        );
        $out = PhpProcess::json($code);
        self::assertSame('migrated', $out['before']);
        self::assertSame(0, $out['child_exit']);
        self::assertSame(['migrated', 'linked', 'logged_in', 'linked'], $out['child']);
        // The parent's connections still work after the child used its own, and it sees the
        // child's link.
        self::assertSame(['migrated', 'linked', 'logged_in', 'linked'], $out['parent']);
    }
}
