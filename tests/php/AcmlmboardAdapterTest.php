<?php

declare(strict_types=1);

use Halext\Tests\AdapterSite;
use Halext\Tests\AdapterTestCase;
use Halext\Tests\LegacySites;
use Halext\Tests\TestServer;

/**
 * The Acmlmboard 2 adapter (examples/php/acmlmboard: login.php, register.php, lib/login.php,
 * lib/halext.php) served by `php -S` through its demo shell, against its own copy of the
 * acmlmboard.sql fixture (legacylogin on, config.sample.php salts), a fresh mapping database and
 * the Halext test server, driven over HTTP with a cookie jar and the forms' CSRF tokens.
 */
final class AcmlmboardAdapterTest extends AdapterTestCase
{
    private const INVALID = 'Invalid username or password, cannot log in.';
    private const BANNED = 'This account is banned.';

    private function board(bool $localJwt = true, string $more = ''): AdapterSite
    {
        $salts = '[site.acmlmboard]
legacylogin = true
pwdsalt = ' . LegacySites::str(LegacySites::PWDSALT) . '
pwdsalt2 = ' . LegacySites::str(LegacySites::PWDSALT2) . "\n" . $more;
        $this->site = new AdapterSite(self::halext(), 'acmlm', 'acmlmboard', 'acmlmboard.sql', 'examples/php/acmlmboard/demo/router.php', 'ACMLM_DB', $localJwt, $salts);
        return $this->site;
    }

    /** Logs in through login.php; returns the response (302 to ./ on success). */
    private static function login(AdapterSite $s, string $name, string $pass): array
    {
        return $s->submit('login.php', ['action' => 'Login', 'name' => $name, 'pass' => $pass]);
    }

    private static function assertSignedIn(AdapterSite $s, array $response, string $who, string $outcome): void
    {
        self::assertSame(302, $response['status'], $response['body'] . $s->log());
        self::assertSame('./', $response['location']);
        $main = $s->request('/')['body'];
        self::assertSame($who, AdapterSite::text($main, 'who'), $main);
        self::assertSame($outcome, AdapterSite::text($main, 'outcome'));
    }

    private static function assertError(string $expected, array $response): void
    {
        self::assertSame(200, $response['status']);
        self::assertSame($expected, AdapterSite::text($response['body'], 'error'), $response['body']);
    }

    /** Asserts the session holds a Halext token for `$username` that validates with Halext's key. */
    private static function assertSessionToken(AdapterSite $s, string $username): string
    {
        $session = $s->session();
        self::assertIsArray($session);
        $token = $session['halext']['token'];
        self::assertIsString($token);
        self::assertSame($username, Halext\TokenValidator::halext(TestServer::SECRET_KEY)->validate($token)['sub']);
        return $token;
    }

    /** @return list<array<string, mixed>> Halext registrations (POST /users/) seen by the test server */
    private static function registrations(): array
    {
        return array_values(array_filter(self::halext()->requests(), static fn ($r) => $r['method'] === 'POST' && rtrim($r['path'], '/') === '/users'));
    }

    public function testALegacyUserLogsInWithTheOldPasswordIsLinkedAndTheSecondLoginGoesToHalext(): void
    {
        $s = $this->board();
        self::assertSame('Guest', AdapterSite::text($s->request('/')['body'], 'who'));
        self::assertNull($s->mappingRow('acmlm', 2));

        // bob's `pass` is md5($pwdsalt2 . pass . $pwdsalt) from 2014-2019.
        self::assertSignedIn($s, self::login($s, 'bob', 'correct horse'), 'bob (user 2, Halext bob)', 'migrated');
        self::assertSame(['linked', 'login', 'bob'], $s->mappingRow('acmlm', 2));
        self::assertSessionToken($s, 'bob');
        // The Halext account exists and takes the old password.
        self::assertSame('bearer', strtolower((new Halext\Client(self::halext()->options()))->login('bob', 'correct horse')['token_type']));

        // Logout is a POST with the CSRF token; then AB2's display name works at the form too.
        $out = $s->request('login.php', ['action' => 'logout', 'csrf' => $s->csrf('/')]);
        self::assertSame(302, $out['status']);
        self::assertSame('Guest', AdapterSite::text($s->request('/')['body'], 'who'));
        self::assertSignedIn($s, self::login($s, 'Bobby Tables', 'correct horse'), 'bob (user 2, Halext bob)', 'logged_in');
        self::assertCount(1, self::registrations(), 'registered on Halext once');
    }

    public function testAHalextOnlyUserLogsInAndGetsABoardAccount(): void
    {
        $s = $this->board();
        self::halext()->user('nova'); // Halext only, password "nova-password"
        self::assertSignedIn($s, self::login($s, 'nova', 'nova-password'), 'nova (user 13, Halext nova)', 'halext');
        self::assertSame("13\tnova\tnova@example.org\t2", $s->sql("SELECT id, name, email, group_id FROM users WHERE name = 'nova'"));
        self::assertSame(['linked', 'login', 'nova'], $s->mappingRow('acmlm', 13));
        self::assertSessionToken($s, 'nova');

        // Again from another browser: the same account, no second row.
        $s->newBrowser();
        self::assertSignedIn($s, self::login($s, 'nova', 'nova-password'), 'nova (user 13, Halext nova)', 'halext');
        self::assertSame('1', $s->sql("SELECT COUNT(*) FROM users WHERE name LIKE 'nova%'"));
        self::assertError(self::INVALID, self::login($s, 'nova', 'not-nova-password'));
    }

    public function testAnExistingHalextAccountIsConnectedWithItsPassword(): void
    {
        $s = $this->board();
        self::halext()->user('Alice'); // the forum's Alice already has a Halext account
        $ask = self::login($s, 'Alice', 'correct horse');
        self::assertSame(200, $ask['status']);
        self::assertStringContainsString('name="halext_pass"', $ask['body']);
        self::assertNull($s->mappingRow('acmlm', 1), 'nothing linked yet');

        $wrong = $s->submit('login.php', ['action' => 'Connect', 'halext_pass' => 'wrong']);
        self::assertError(self::INVALID, $wrong);
        self::assertStringContainsString('name="halext_pass"', $wrong['body'], 'asked again');
        $ok = $s->submit('login.php', ['action' => 'Connect', 'halext_pass' => 'Alice-password']);
        self::assertSignedIn($s, $ok, 'Alice (user 1, Halext Alice)', 'linked_existing');
        self::assertSame(['linked', 'login', 'Alice'], $s->mappingRow('acmlm', 1));
    }

    public function testRegistrationGoesThroughHalextThenTheBoardThenTheLink(): void
    {
        $s = $this->board();
        $r = $s->submit('register.php', ['action' => 'Register', 'name' => 'newbie', 'email' => 'Newbie@Example.net', 'pass' => 'n3wbie pass', 'pass2' => 'n3wbie pass']);
        self::assertSame(302, $r['status'], $r['body'] . $s->log());
        self::assertSame('login.php?registered=1', $r['location']);
        self::assertSame("13\tNewbie@Example.net\t2", $s->sql("SELECT id, email, group_id FROM users WHERE name = 'newbie'"));
        self::assertTrue(password_verify('n3wbie pass', $s->sql('SELECT pass FROM users WHERE id = 13')), 'the board keeps a password_hash() like AB2');
        self::assertSame(['linked', 'registration', 'newbie'], $s->mappingRow('acmlm', 13));
        $registered = self::registrations();
        self::assertCount(1, $registered);
        self::assertSame(['newbie', 'newbie@example.net'], [$registered[0]['body']['username'], $registered[0]['body']['email']], 'normalised email');

        self::assertSame('You are now registered! Please login.', AdapterSite::text($s->request('login.php?registered=1')['body'], 'notice'));
        self::assertSignedIn($s, self::login($s, 'newbie', 'n3wbie pass'), 'newbie (user 13, Halext newbie)', 'logged_in');
        self::assertSessionToken($s, 'newbie');
    }

    public function testDuplicateNamesAndEmailsAreTheFormsOwnErrors(): void
    {
        $s = $this->board();
        $taken = 'This username is already taken, please choose another.';
        $form = ['action' => 'Register', 'email' => 'someone@example.net', 'pass' => 'secret1', 'pass2' => 'secret1'];
        // Taken on the board (AB2's rule: name or display name, spaces and case ignored) ...
        self::assertError($taken, $s->submit('register.php', ['name' => 'ALICE'] + $form));
        self::assertError($taken, $s->submit('register.php', ['name' => 'bobbytables'] + $form));
        // ... on Halext, or by Halext's email.
        self::halext()->user('ghost');
        self::assertError($taken, $s->submit('register.php', ['name' => 'ghost'] + $form));
        self::assertError('This email address is already registered.', $s->submit('register.php', ['name' => 'fresh', 'email' => 'ghost@example.org'] + $form));
        // The board's own checks come first and keep the typed values.
        $r = $s->submit('register.php', ['name' => 'fresh', 'pass2' => 'other'] + $form);
        self::assertError("The two passwords you entered don't match.", $r);
        self::assertStringContainsString('value="fresh"', $r['body']);
        self::assertError('Please enter a valid email address.', $s->submit('register.php', ['name' => 'fresh', 'email' => 'nope'] + $form));
        self::assertError('The username may not contain spaces or any of / ? # % \\ @ " \' < >.', $s->submit('register.php', ['name' => 'a/b'] + $form));

        self::assertSame('0', $s->sql("SELECT COUNT(*) FROM users WHERE name IN ('ghost', 'fresh', 'a/b')"), 'no board row');
        self::assertCount(2, self::registrations(), 'only the two that passed the board checks asked Halext');
    }

    public function testWrongPasswordAndUnknownUserReadTheSame(): void
    {
        $s = $this->board();
        foreach ([['bob', 'not it'], ['nobody', 'correct horse'], ['Shorty', 'correct horse'], ['bob', '']] as [$name, $pass]) {
            self::assertError(self::INVALID, self::login($s, $name, $pass));
        }
        self::assertSame('Guest', AdapterSite::text($s->request('/')['body'], 'who'));
        self::assertSame('0', trim(Halext\Tests\MariaDb::query($s->mapping, "SELECT COUNT(*) FROM halext_user_map WHERE status = 'linked'")));
    }

    public function testBannedAccountsAreRefusedAfterThePasswordChecksOut(): void
    {
        $s = $this->board();
        self::assertError(self::BANNED, self::login($s, 'Spammer', 'correct horse'));   // group 9
        self::assertError(self::BANNED, self::login($s, 'Tempy', 'correct horse'));     // group 9 until 2030
        self::assertError(self::INVALID, self::login($s, 'Spammer', 'wrong'), 'no hint without the password');
    }

    public function testAHalextUserBannedOnTheBoardIsRefusedUntilTheBanEnds(): void
    {
        $s = $this->board();
        self::halext()->user('nova');
        self::assertSame(302, self::login($s, 'nova', 'nova-password')['status']);
        $s->sql("UPDATE users SET group_id = 9 WHERE name = 'nova'");
        $s->newBrowser();
        self::assertError(self::BANNED, self::login($s, 'nova', 'nova-password'));
        // A timed ban that has ended no longer counts.
        $s->sql("UPDATE users SET tempbanned = 1500000000 WHERE name = 'nova'");
        self::assertSame(302, self::login($s, 'nova', 'nova-password')['status']);
    }

    public function testWhoIsThisRequestComesFromTheTokenAndRejectsTamperedExpiredAndForeignTokens(): void
    {
        $s = $this->board();
        self::assertSignedIn($s, self::login($s, 'Alice', 'correct horse'), 'Alice (user 1, Halext Alice)', 'migrated');
        $good = $s->session();
        self::assertIsArray($good);
        $token = $good['halext']['token'];

        $plant = static function (string $t) use ($s, $good): ?array {
            $session = $good;
            $session['halext']['token'] = $t;
            $s->writeSession($session);
            $who = AdapterSite::text($s->request('/')['body'], 'who');
            self::assertSame('Guest', $who);
            return $s->session();
        };
        // Signature tampered: the session is signed out for good.
        $parts = explode('.', $token);
        $parts[1] = rtrim(strtr(base64_encode((string) json_encode(['sub' => 'Alice', 'exp' => time() + 86400])), '+/', '-_'), '=');
        self::assertArrayNotHasKey('halext', (array) $plant(implode('.', $parts)));
        self::assertSame('Guest', AdapterSite::text($s->request('/')['body'], 'who'));
        // Expired, and a valid token of someone else.
        self::assertArrayNotHasKey('halext', (array) $plant(self::halext()->token('Alice', time() - 60)));
        self::halext()->user('eve');
        self::assertArrayNotHasKey('halext', (array) $plant(self::halext()->token('eve')));
        // The genuine token still works.
        $s->writeSession($good);
        self::assertSame('Alice (user 1, Halext Alice)', AdapterSite::text($s->request('/')['body'], 'who'));
    }

    public function testWithoutTheJwtSecretTokensAreCheckedByHalext(): void
    {
        $s = $this->board(false);
        self::assertSignedIn($s, self::login($s, 'bob', 'correct horse'), 'bob (user 2, Halext bob)', 'migrated');
        $me = array_filter(self::halext()->requests(), static fn ($r) => $r['method'] === 'GET' && $r['path'] === '/users/me/');
        self::assertNotEmpty($me, 'GET /users/me/ validated the token');
        $good = $s->session();
        self::assertIsArray($good);
        $bad = $good;
        $bad['halext']['token'] = self::halext()->token('bob', time() - 60);
        $s->writeSession($bad);
        self::assertSame('Guest', AdapterSite::text($s->request('/')['body'], 'who'));
        self::assertArrayNotHasKey('halext', (array) $s->session());
    }

    public function testWithHalextDownALegacyOnlyPolicyKeepsTheBoardsOwnSession(): void
    {
        $s = $this->board(true, "\n[login]\non_halext_unavailable = \"legacy_only\"\n");
        self::halext()->fault(['path_prefix' => '/users', 'kind' => 'status_500', 'count' => 1]);
        self::assertSignedIn($s, self::login($s, 'bob', 'correct horse'), 'bob (user 2, Halext -)', 'legacy_only');
        self::assertNull($s->session()['halext']['token'] ?? null);
        self::assertNotSame('linked', $s->mappingRow('acmlm', 2)[0] ?? null, 'nothing linked: the next login tries again');
        self::assertSame('bob (user 2, Halext -)', AdapterSite::text($s->request('/')['body'], 'who'), 'a session without a token is the board\'s own');
    }

    public function testFormsWithoutTheCsrfTokenAreRefused(): void
    {
        $s = $this->board();
        $s->request('login.php');
        foreach ([[], ['csrf' => str_repeat('0', 64)]] as $csrf) {
            $r = $s->request('login.php', ['action' => 'Login', 'name' => 'bob', 'pass' => 'correct horse'] + $csrf);
            self::assertSame(403, $r['status']);
            self::assertSame('The form has expired. Please try again.', AdapterSite::text($r['body'], 'error'));
            $r = $s->request('register.php', ['action' => 'Register', 'name' => 'newbie', 'email' => 'n@example.net', 'pass' => 'secret1', 'pass2' => 'secret1'] + $csrf);
            self::assertSame(403, $r['status']);
        }
        self::assertSame('Guest', AdapterSite::text($s->request('/')['body'], 'who'));
        self::assertNull($s->mappingRow('acmlm', 2));
        self::assertSame([], self::registrations());
    }
}
