<?php

/*
 * Acmlmboard 2 on Halext: the include the board requires from lib/common.php, right before
 * lib/login.php. It gives the board's login, registration and "who is this request" code one
 * object, $halext_board, over the board's own `users` table (Acmlmboard 2 `sql/main.sql`:
 * `id`, `name`, `displayname`, `pass`, `email`, `regdate`, `lastview`, `ip`, `group_id`,
 * `tempbanned`), and the shared sign-in of ../../shared/halext_web.php.
 *
 * Reads the board's lib/config.php variables ($sqlhost, $sqluser, $sqlpass, $sqldb) and
 * $config['halext'] (all optional):
 *   'site'          => 'acmlm',  // the [[site]] name of this board in halext.toml
 *   'banned_groups' => [9],      // group ids with group.banned = 1 (AB2 default data: 9)
 *   'default_group' => 2,        // group of new users (AB2: the group with `default` = 1)
 * Everything about Halext (URL, access code, mapping store, salts) is in halext.toml (INI
 * halext.config) and the halext.* INI entries; see docs/adapters.md.
 */

declare(strict_types=1);

namespace HalextAcmlm;

// Installed: next to this file in shared/; in the halext repository: examples/php/shared/.
require_once is_file(__DIR__ . '/shared/halext_web.php') ? __DIR__ . '/shared/halext_web.php' : __DIR__ . '/../../shared/halext_web.php';

use Halext\Exception as HalextException;
use Halext\MigrationException;
use HalextWeb\LocalAccounts;

/**
 * The board's side of the adapter: its `users` table and its messages.
 */
final class Board implements LocalAccounts
{
    /** AB2's login form errors and the adapter's own, by sign-in error (HalextWeb\SignIn). */
    public const MESSAGES = [
        'invalid' => 'Invalid username or password, cannot log in.',   // AB2 login.php
        'blocked' => 'This account is banned.',
        'unavailable' => 'Logging in is not possible right now. Please try again in a minute.',
        'attention' => 'Your account needs attention from an administrator.',
        'no_account' => 'Your Halext account could not be given an account on this board. Please contact an administrator.',
        'csrf' => 'The form has expired. Please try again.',
    ];

    /** @var \PDO */
    private $db;
    /** @var string */
    private $site;
    /** @var list<int> */
    private $bannedGroups;
    /** @var int */
    private $defaultGroup;

    /** @param array{site?: string, banned_groups?: list<int>, default_group?: int} $config */
    public function __construct(\PDO $db, array $config = [])
    {
        $this->db = $db;
        $this->site = (string) ($config['site'] ?? 'acmlm');
        $this->bannedGroups = array_map('intval', $config['banned_groups'] ?? [9]);
        $this->defaultGroup = (int) ($config['default_group'] ?? 2);
    }

    /**
     * A PDO connection with the board's lib/config.php settings. latin1, like the board's own
     * connection: AB2 stores UTF-8 bytes in latin1 columns, so the bytes must pass unchanged.
     * `$sqlhost` may carry a port (`127.0.0.1:3307`).
     */
    public static function connect(string $sqlhost, string $sqluser, string $sqlpass, string $sqldb): \PDO
    {
        [$host, $port] = array_pad(explode(':', $sqlhost, 2), 2, '3306');
        return new \PDO("mysql:host=$host;port=$port;dbname=$sqldb;charset=latin1", $sqluser, $sqlpass, [
            \PDO::ATTR_ERRMODE => \PDO::ERRMODE_EXCEPTION,
            \PDO::ATTR_DEFAULT_FETCH_MODE => \PDO::FETCH_ASSOC,
            \PDO::ATTR_EMULATE_PREPARES => false,
        ]);
    }

    public function site(): string
    {
        return $this->site;
    }

    /** The `users` row of `$id` (what AB2 keeps in $loguser), or null. */
    public function user(int $id): ?array
    {
        $q = $this->db->prepare('SELECT * FROM users WHERE id = ?');
        $q->execute([$id]);
        $row = $q->fetch();
        return is_array($row) ? $row : null;
    }

    /**
     * Banned: `group_id` is a banned group and the ban has no end (`tempbanned` = 0) or ends in
     * the future (AB2 lifts a timed ban at the first page view after `tempbanned`).
     */
    public function blocked(int $id): bool
    {
        $row = $this->user($id);
        if ($row === null) {
            return true;
        }
        $until = (int) $row['tempbanned'];
        return in_array((int) $row['group_id'], $this->bannedGroups, true) && ($until === 0 || $until > time());
    }

    /**
     * Whether `$name` is taken the way AB2's register.php decides it: equal to an existing
     * `name` or `displayname` once spaces and no-break spaces are removed and case is folded.
     */
    public function nameTaken(string $name): bool
    {
        $key = strtolower(str_replace([' ', "\xC2\xA0"], '', $name));
        $q = $this->db->prepare("SELECT COUNT(*) FROM users WHERE LOWER(REPLACE(REPLACE(name, ' ', ''), 0xC2A0, '')) = ?
            OR LOWER(REPLACE(REPLACE(displayname, ' ', ''), 0xC2A0, '')) = ?");
        $q->execute([$key, $key]);
        return (int) $q->fetchColumn() > 0;
    }

    /**
     * A board account for a Halext user without one: `name` = the Halext username (or
     * `name_2`, `name_3`, … when taken), the Halext email unless it is a placeholder, a `pass`
     * nobody knows (the person signs in with the Halext password), the default group.
     */
    public function create(array $me): ?int
    {
        $base = (string) ($me['username'] ?? '');
        $email = (string) ($me['email'] ?? '');
        if (str_ends_with($email, '.invalid')) {
            $email = '';
        }
        for ($n = 1; $n <= 20; $n++) {
            $name = $n === 1 ? $base : "{$base}_$n";
            if ($name === '' || strlen($name) > 32) {
                return null; // `name` is varchar(32) bytes
            }
            if (!$this->nameTaken($name)) {
                return $this->insert($name, password_hash(bin2hex(random_bytes(32)), PASSWORD_DEFAULT), $email);
            }
        }
        return null;
    }

    public function delete(int $id): void
    {
        $this->db->prepare('DELETE FROM users WHERE id = ?')->execute([$id]);
    }

    /** Inserts a `users` row as AB2's register.php does (plus `email`) and returns its id. */
    private function insert(string $name, string $passHash, string $email): int
    {
        $now = time();
        $q = $this->db->prepare('INSERT INTO users (name, pass, email, regdate, lastview, ip, group_id) VALUES (?, ?, ?, ?, ?, ?, ?)');
        $q->execute([$name, $passHash, $email, $now, $now, substr((string) ($_SERVER['REMOTE_ADDR'] ?? ''), 0, 15), $this->defaultGroup]);
        return (int) $this->db->lastInsertId();
    }

    /**
     * Gated registration (docs/migration.md §1.6): the Halext account first
     * (`Halext\Migration::register`), then the board's row, then the link (method
     * `registration`). Returns the new user id, or the error to show on the form.
     *
     * @return int|string
     */
    public function register(string $name, string $email, string $password)
    {
        try {
            $halext = \HalextWeb\migration()->register($this->site, ['username' => $name, 'email' => $email, 'password' => $password]);
        } catch (MigrationException $e) {
            switch ($e->getCode()) {
                case MigrationException::DUPLICATE_USERNAME:
                    return 'This username is already taken, please choose another.'; // AB2's own message
                case MigrationException::DUPLICATE_EMAIL:
                    return 'This email address is already registered.';
                default:
                    \HalextWeb\log_failure('registration', $e);
                    return 'Registration is not possible right now. Please try again in a minute.';
            }
        } catch (HalextException $e) {
            if ($e->getCode() === HalextException::INVALID_ARGUMENT) {
                return 'The username may not contain spaces or any of / ? # % \\ @ " \' < >.';
            }
            \HalextWeb\log_failure('registration', $e);
            return 'Registration is not possible right now. Please try again in a minute.';
        }
        // AB2 >= 2019 stores password_hash(); the board keeps a working local hash.
        $id = $this->insert($name, password_hash($password, PASSWORD_DEFAULT), $email);
        try {
            \HalextWeb\migration()->link($this->site, $id, (string) $halext['username'], 'registration', (int) $halext['id']);
        } catch (HalextException $e) {
            // Both accounts exist; the first login links them (Halext already has the name and
            // takes this password: `linked_existing`).
            \HalextWeb\log_failure('registration link', $e);
        }
        return $id;
    }
}

/** The board's object, made once per request from its lib/config.php settings. */
function board(): Board
{
    static $board = null;
    if ($board === null) {
        global $sqlhost, $sqluser, $sqlpass, $sqldb, $config;
        $board = new Board(Board::connect((string) $sqlhost, (string) $sqluser, (string) $sqlpass, (string) $sqldb), $config['halext'] ?? []);
    }
    return $board;
}
