<?php

declare(strict_types=1);

use Halext\Tests\AdapterSite;
use Halext\Tests\AdapterTestCase;
use Halext\Tests\TestServer;

/**
 * The ZEN3MP ("Zeniea") adapter (examples/php/zeniea: src/forms/login_form.php,
 * src/forms/register_form.php, src/auth.php, src/halext.php) served by `php -S` through its
 * demo shell, against its own copy of the zen3mp.sql fixture, a fresh mapping database and the
 * Halext test server, driven over HTTP with a cookie jar and the forms' CSRF tokens.
 */
final class ZenieaAdapterTest extends AdapterTestCase
{
    private const INVALID = 'Email or password was incorrect';
    private const DISABLED = 'This account is not verified or has been closed';

    private function social(): AdapterSite
    {
        $this->site = new AdapterSite(self::halext(), 'social', 'zen3mp', 'zen3mp.sql', 'examples/php/zeniea/demo/router.php', 'ZENIEA_DB');
        return $this->site;
    }

    private static function login(AdapterSite $s, string $email, string $password): array
    {
        return $s->submit('register.php', ['login_button' => 'Login', 'login_email' => $email, 'login_password' => $password]);
    }

    private static function register(AdapterSite $s, array $fields): array
    {
        return $s->submit('register.php', $fields + ['register_button' => 'Register', 'reg_password' => 'Secret12', 'reg_password2' => 'Secret12']);
    }

    private static function assertSignedIn(AdapterSite $s, array $response, string $who, string $outcome): void
    {
        self::assertSame(302, $response['status'], $response['body'] . $s->log());
        self::assertSame('index.php', $response['location']);
        $home = $s->request('index.php')['body'];
        self::assertSame($who, AdapterSite::text($home, 'who'), $home);
        self::assertSame($outcome, AdapterSite::text($home, 'outcome'));
        self::assertSame(explode(' ', $who)[0], $s->session()['username'] ?? null, '$_SESSION[username] as ZEN3MP sets it');
    }

    private static function assertError(string $expected, array $response): void
    {
        self::assertSame(200, $response['status']);
        self::assertSame($expected, AdapterSite::text($response['body'], 'error'), $response['body']);
    }

    private static function assertSessionToken(AdapterSite $s, string $username): void
    {
        $token = $s->session()['halext']['token'] ?? null;
        self::assertIsString($token);
        self::assertSame($username, Halext\TokenValidator::halext(TestServer::SECRET_KEY)->validate($token)['sub']);
    }

    /** @return list<array<string, mixed>> */
    private static function registrations(): array
    {
        return array_values(array_filter(self::halext()->requests(), static fn ($r) => $r['method'] === 'POST' && rtrim($r['path'], '/') === '/users'));
    }

    public function testALegacyUserLogsInByEmailIsLinkedAndTheSecondLoginGoesToHalext(): void
    {
        $s = $this->social();
        self::assertSame('Guest', AdapterSite::text($s->request('/')['body'], 'who'));
        self::assertSignedIn($s, self::login($s, 'ALICE@example.com', 'correct horse'), 'alice (user 1, Halext alice)', 'migrated');
        self::assertSame(['linked', 'login', 'alice'], $s->mappingRow('social', 1));
        self::assertSessionToken($s, 'alice');
        self::assertSame('bearer', strtolower((new Halext\Client(self::halext()->options()))->login('alice', 'correct horse')['token_type']));

        $out = $s->request('logout.php', ['csrf' => $s->csrf('index.php')]);
        self::assertSame(302, $out['status']);
        self::assertSame('Guest', AdapterSite::text($s->request('/')['body'], 'who'));
        self::assertSignedIn($s, self::login($s, 'alice@example.com', 'correct horse'), 'alice (user 1, Halext alice)', 'logged_in');
        self::assertCount(1, self::registrations());
    }

    public function testAHalextOnlyUserLogsInAndGetsAnAccount(): void
    {
        $s = $this->social();
        self::halext()->user('nova');
        self::assertSignedIn($s, self::login($s, 'Nova@Example.org', 'nova-password'), 'nova (user 8, Halext nova)', 'halext');
        self::assertSame("8\tnova\t\tno\tyes", $s->sql("SELECT id, username, email, user_closed, verify_user FROM users WHERE username = 'nova'"),
            'open and verified, without the unverified Halext email');
        self::assertSame(['linked', 'login', 'nova'], $s->mappingRow('social', 8));
        self::assertSessionToken($s, 'nova');

        $s->newBrowser();
        self::assertSignedIn($s, self::login($s, 'nova', 'nova-password'), 'nova (user 8, Halext nova)', 'halext');
        self::assertSame('1', $s->sql("SELECT COUNT(*) FROM users WHERE username LIKE 'nova%'"));
    }

    public function testAnExistingHalextAccountIsConnectedWithItsPassword(): void
    {
        $s = $this->social();
        self::halext()->user('alice');
        $ask = self::login($s, 'ALICE@example.com', 'correct horse');
        self::assertError('You already have a Halext account. Enter its password to connect it', $ask);
        self::assertStringContainsString('name="halext_password"', $ask['body']);

        $wrong = $s->submit('register.php', ['connect_button' => 'Connect', 'halext_password' => 'wrong']);
        self::assertError(self::INVALID, $wrong);
        self::assertStringContainsString('name="halext_password"', $wrong['body'], 'asked again');
        $ok = $s->submit('register.php', ['connect_button' => 'Connect', 'halext_password' => 'alice-password']);
        self::assertSignedIn($s, $ok, 'alice (user 1, Halext alice)', 'linked_existing');
    }

    public function testRegistrationGoesThroughHalextThenTheAppThenTheLink(): void
    {
        $s = $this->social();
        $r = self::register($s, ['reg_uname' => 'new bie', 'reg_email' => 'Newbie@Example.net', 'reg_email2' => 'Newbie@Example.net']);
        self::assertError("You're all set! Check your email to verify your account", $r);
        self::assertSame("8\tnewbie\tNewbie@Example.net\tyes\tno", $s->sql("SELECT id, username, email, user_closed, verify_user FROM users WHERE displayname = 'newbie'"));
        self::assertTrue(password_verify('Secret12', $s->sql('SELECT password FROM users WHERE id = 8')));
        self::assertSame(['linked', 'registration', 'newbie'], $s->mappingRow('social', 8));
        $registered = self::registrations();
        self::assertCount(1, $registered);
        self::assertSame(['newbie', 'newbie@example.net'], [$registered[0]['body']['username'], $registered[0]['body']['email']]);

        // Unverified until the mail's link is followed, as in ZEN3MP.
        self::assertError(self::DISABLED, self::login($s, 'newbie@example.net', 'Secret12'));
        $s->sql("UPDATE users SET verify_user = 'yes', user_closed = 'no' WHERE id = 8");
        self::assertSignedIn($s, self::login($s, 'newbie@example.net', 'Secret12'), 'newbie (user 8, Halext newbie)', 'logged_in');
        self::assertSessionToken($s, 'newbie');
    }

    public function testDuplicateUsernamesAndEmailsAreTheFormsOwnErrors(): void
    {
        $s = $this->social();
        $fresh = ['reg_email' => 'fresh@example.net', 'reg_email2' => 'fresh@example.net'];
        self::assertError('Username already in use', self::register($s, ['reg_uname' => 'alice'] + $fresh));
        self::assertError('Email already in use', self::register($s, ['reg_uname' => 'fresh', 'reg_email' => 'alice@EXAMPLE.com', 'reg_email2' => 'alice@EXAMPLE.com']));
        self::halext()->user('ghost');
        self::assertError('Username already in use', self::register($s, ['reg_uname' => 'ghost'] + $fresh));
        self::assertError('Email already in use', self::register($s, ['reg_uname' => 'fresh', 'reg_email' => 'ghost@example.org', 'reg_email2' => 'ghost@example.org']));
        // The app's own checks come first.
        self::assertError("Emails don't match", self::register($s, ['reg_uname' => 'fresh', 'reg_email' => 'fresh@example.net', 'reg_email2' => 'other@example.net']));
        self::assertError('Your password can only contain english characters or numbers', self::register($s, ['reg_uname' => 'fresh', 'reg_password' => 'sp ace', 'reg_password2' => 'sp ace'] + $fresh));
        self::assertError('Your password must be between 5 and 30 characters', self::register($s, ['reg_uname' => 'fresh', 'reg_password' => 'abcd', 'reg_password2' => 'abcd'] + $fresh));

        self::assertSame('7', $s->sql('SELECT COUNT(*) FROM users'), 'no new row');
        self::assertCount(2, self::registrations(), 'only the two that passed the app checks asked Halext');
    }

    public function testWrongPasswordAndUnknownEmailReadTheSame(): void
    {
        $s = $this->social();
        foreach ([['ALICE@example.com', 'not it'], ['nobody@example.com', 'correct horse'], ['oldtimer@example.org', 'correct horse'], ['alice', 'correct horse']] as [$email, $password]) {
            self::assertError(self::INVALID, self::login($s, $email, $password));
        }
        self::assertSame('Guest', AdapterSite::text($s->request('/')['body'], 'who'));
    }

    public function testClosedAndUnverifiedAccountsAreRefusedAfterThePasswordChecksOut(): void
    {
        $s = $this->social();
        self::assertError(self::DISABLED, self::login($s, 'carl@example.net', 'acdef'));                 // closed
        self::assertError(self::DISABLED, self::login($s, 'alice+zen@example.com', 'correct horse'));    // never verified
        self::assertError(self::INVALID, self::login($s, 'carl@example.net', 'wrong'), 'no hint without the password');
        self::assertSame('yes', $s->sql('SELECT user_closed FROM users WHERE id = 4'), 'not reopened');
    }

    public function testAHalextUserWhoseAccountWasClosedHereIsRefused(): void
    {
        $s = $this->social();
        self::halext()->user('nova');
        self::assertSame(302, self::login($s, 'nova', 'nova-password')['status']);
        $s->sql("UPDATE users SET user_closed = 'yes' WHERE username = 'nova'");
        $s->newBrowser();
        self::assertError(self::DISABLED, self::login($s, 'nova', 'nova-password'));
    }

    public function testWhoIsThisRequestComesFromTheTokenNotFromTheUsernameInTheSession(): void
    {
        $s = $this->social();
        self::assertSignedIn($s, self::login($s, 'juergen@example.de', 'p@ss w0rd ü'), 'Jürgen (user 2, Halext Jürgen)', 'migrated');
        $good = $s->session();
        self::assertIsArray($good);

        $plant = static function (array $session) use ($s): void {
            $s->writeSession($session);
            self::assertSame('Guest', AdapterSite::text($s->request('/')['body'], 'who'));
            self::assertArrayNotHasKey('username', (array) $s->session());
        };
        $tampered = $good;
        $parts = explode('.', (string) $good['halext']['token']);
        $parts[2] = strrev($parts[2]);
        $tampered['halext']['token'] = implode('.', $parts);
        $plant($tampered);
        $expired = $good;
        $expired['halext']['token'] = self::halext()->token('Jürgen', time() - 60);
        $plant($expired);
        self::halext()->user('eve');
        $foreign = $good;
        $foreign['halext']['token'] = self::halext()->token('eve');
        $plant($foreign);
        // ZEN3MP's own key alone signs nobody in.
        $plant(['username' => 'alice']);

        $s->writeSession($good);
        self::assertSame('Jürgen (user 2, Halext Jürgen)', AdapterSite::text($s->request('/')['body'], 'who'));
    }

    public function testFormsWithoutTheCsrfTokenAreRefused(): void
    {
        $s = $this->social();
        $s->request('register.php');
        foreach ([[], ['csrf' => str_repeat('f', 64)]] as $csrf) {
            $r = $s->request('register.php', ['login_button' => 'Login', 'login_email' => 'ALICE@example.com', 'login_password' => 'correct horse'] + $csrf);
            self::assertSame(403, $r['status']);
            self::assertSame('The form has expired. Please try again', AdapterSite::text($r['body'], 'error'));
            $r = $s->request('register.php', ['register_button' => 'Register', 'reg_uname' => 'newbie', 'reg_email' => 'n@example.net',
                'reg_email2' => 'n@example.net', 'reg_password' => 'Secret12', 'reg_password2' => 'Secret12'] + $csrf);
            self::assertSame(403, $r['status']);
        }
        self::assertSame('Guest', AdapterSite::text($s->request('/')['body'], 'who'));
        self::assertSame([], self::registrations());
        self::assertNull($s->mappingRow('social', 1));
    }
}
